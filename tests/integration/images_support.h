// The fixture of the image verbs' tests: a store of its own (--root) in a
// temp dir, podman with its own storage when a test needs it, both removed
// afterwards; helpers that run ward and check the store is empty.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients_support.h"
#include "support.h"

namespace ward::test {

namespace fs = std::filesystem;

// Entries of a directory, recursively (regular files and dirs), or 0 when
// it does not exist.
inline std::size_t entries_under(const std::string& dir) {
  std::error_code error;
  if (!fs::exists(dir, error)) return 0;
  std::size_t count = 0;
  for (auto it = fs::recursive_directory_iterator(dir, error); it != fs::recursive_directory_iterator(); ++it) ++count;
  return count;
}

class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/ward-images.XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
    root_ = dir_ + "/store";
  }
  void TearDown() override {
    if (podman_used_) podman({"system", "reset", "--force"});
    run_command({"rm", "-rf", "--one-file-system", dir_});
  }

  Outcome ward(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = {WARD_FRONT_BINARY, "--root", root_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input, 120);
  }
  Outcome podman(std::vector<std::string> args) {
    podman_used_ = true;
    std::vector<std::string> argv = {"podman",
                                     "--root",
                                     dir_ + "/podman",
                                     "--runroot",
                                     dir_ + "/podman-run",
                                     "--tmpdir",
                                     dir_ + "/podman-tmp",
                                     "--cgroup-manager=cgroupfs",
                                     "--events-backend=file"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", 120);
  }
  // An image in podman's store, saved as `format` into a file.
  std::string podman_archive(const std::string& format) {
    auto imported = podman({"import", make_image_tar(dir_), "localhost/bb:1"});
    EXPECT_EQ(imported.status, 0) << imported.err;
    std::string file = dir_ + "/bb-" + format + ".tar";
    auto saved = podman({"save", "--format", format, "-o", file, "localhost/bb:1"});
    EXPECT_EQ(saved.status, 0) << saved.err;
    return file;
  }
  nlohmann::json inspect(const std::string& name) {
    auto outcome = ward({"image", "inspect", name});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return outcome.status == 0 ? nlohmann::json::parse(outcome.out).at(0) : nlohmann::json();
  }
  // The store holds nothing: no image, blob or layer.
  void expect_empty_store() {
    auto listed = ward({"images", "-q"});
    EXPECT_EQ(listed.status, 0) << listed.err;
    EXPECT_EQ(listed.out, "");
    EXPECT_EQ(entries_under(root_ + "/blobs/sha256"), 0u);
    EXPECT_EQ(entries_under(root_ + "/layers"), 0u);
    EXPECT_EQ(entries_under(root_ + "/cache/scan"), 0u);  // ward scan's layer results go with their layers
    EXPECT_EQ(entries_under(root_ + "/tmp"), 0u);
  }

  std::string dir_, root_;
  bool podman_used_ = false;
};

}  // namespace ward::test
