// A unit test's scratch directory under /tmp, removed with everything in
// it when the fixture goes.  Fixtures hold one as a member and check ok()
// in SetUp.
#pragma once

#include <cstdlib>
#include <string>

#include "util/sys.h"

namespace ward::test_support {

class TempDir {
 public:
  // /tmp/<prefix>-XXXXXX
  explicit TempDir(const std::string& prefix) {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (!path_.empty()) (void)sys::remove_all(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] bool ok() const { return !path_.empty(); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ward::test_support
