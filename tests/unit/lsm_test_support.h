// A throw-away directory standing in for a host's root, so that the
// AppArmor and SELinux host checks can be pointed at a fake /sys and /proc.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <string>

#include "util/sys.h"

namespace ward::test_support {

class FakeRoot {
 public:
  FakeRoot() {
    char pattern[] = "/tmp/ward-fake-root.XXXXXX";
    if (::mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  ~FakeRoot() {
    if (!path_.empty()) (void)sys::remove_all(path_);
  }
  FakeRoot(const FakeRoot&) = delete;
  FakeRoot& operator=(const FakeRoot&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  // Creates ROOT/relative (a file with `text`; parents made as needed).
  void add_file(const std::string& relative, const std::string& text = "") const {
    std::string full = path_ + "/" + relative;
    ASSERT_TRUE(sys::mkdir_all(full.substr(0, full.rfind('/'))));
    std::ofstream out(full);
    out << text;
    ASSERT_TRUE(out.good()) << full;
  }
  void add_dir(const std::string& relative) const { ASSERT_TRUE(sys::mkdir_all(path_ + "/" + relative)); }

 private:
  std::string path_;
};

}  // namespace ward::test_support
