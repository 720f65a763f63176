// sys::raw::open_in_root must never resolve outside the root, with openat2
// and with the component-walk fallback.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "util/sys.h"
#include "temp_dir.h"

namespace {

class OpenInRootTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    base_ = temp_.path();
    root_ = base_ + "/root";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/etc").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/a").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/a/b").c_str(), 0755), 0);
    write(root_ + "/etc/marker", "inside");
    write(base_ + "/marker", "outside");
    ::mkdir((base_ + "/etc").c_str(), 0755);
    write(base_ + "/etc/marker", "outside");
    // Escapes that must stay inside:
    ASSERT_EQ(::symlink("/etc", (root_ + "/abs-etc").c_str()), 0);
    ASSERT_EQ(::symlink("../../../../etc", (root_ + "/a/b/up-etc").c_str()), 0);
    ASSERT_EQ(::symlink("../marker", (root_ + "/rel-out").c_str()), 0);
    ASSERT_EQ(::symlink("/proc/self/root/etc", (root_ + "/magic").c_str()), 0);
    ASSERT_EQ(::symlink("loop2", (root_ + "/loop1").c_str()), 0);
    ASSERT_EQ(::symlink("loop1", (root_ + "/loop2").c_str()), 0);
    root_fd_ = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_fd_, 0);
    ward::sys::raw::force_openat2_fallback(GetParam());
  }
  void TearDown() override {
    ward::sys::raw::force_openat2_fallback(false);
    if (root_fd_ >= 0) ::close(root_fd_);
  }
  static void write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(ward::sys::write_file_atomic(path, text, 0644));
  }
  std::string read_in_root(const char* path) {
    int fd = ward::sys::raw::open_in_root(root_fd_, path, O_RDONLY);
    if (fd < 0) return "errno:" + std::to_string(-fd);
    ward::UniqueFd owned(fd);
    auto text = ward::sys::read_fd(fd);
    return text ? *text : "read-error";
  }

  ward::test_support::TempDir temp_{"ward-oir"};
  std::string base_, root_;
  int root_fd_ = -1;
};

TEST_P(OpenInRootTest, PlainPath) { EXPECT_EQ(read_in_root("/etc/marker"), "inside"); }
TEST_P(OpenInRootTest, RelativePath) { EXPECT_EQ(read_in_root("etc/marker"), "inside"); }
TEST_P(OpenInRootTest, DotDotStaysAtRoot) { EXPECT_EQ(read_in_root("/../../etc/marker"), "inside"); }
TEST_P(OpenInRootTest, AbsoluteSymlinkResolvesInRoot) { EXPECT_EQ(read_in_root("/abs-etc/marker"), "inside"); }
TEST_P(OpenInRootTest, RelativeSymlinkUpResolvesInRoot) { EXPECT_EQ(read_in_root("/a/b/up-etc/marker"), "inside"); }
TEST_P(OpenInRootTest, SymlinkToParentOfRootStaysInside) {
  // "../marker" from the root is "/marker" inside, which does not exist.
  EXPECT_EQ(read_in_root("/rel-out"), "errno:" + std::to_string(ENOENT));
}
TEST_P(OpenInRootTest, MagicLinkPathDoesNotEscape) {
  // /proc/self/root does not exist inside the root: no host /etc.
  std::string result = read_in_root("/magic/marker");
  EXPECT_NE(result, "outside");
  EXPECT_NE(result, "inside");
}
TEST_P(OpenInRootTest, SymlinkLoopFails) { EXPECT_EQ(read_in_root("/loop1"), "errno:" + std::to_string(ELOOP)); }
TEST_P(OpenInRootTest, MissingFileIsEnoent) { EXPECT_EQ(read_in_root("/nope"), "errno:" + std::to_string(ENOENT)); }
TEST_P(OpenInRootTest, FileAsDirectoryIsEnotdir) {
  EXPECT_EQ(read_in_root("/etc/marker/x"), "errno:" + std::to_string(ENOTDIR));
}
TEST_P(OpenInRootTest, OpensDirectoryWithOPath) {
  int fd = ward::sys::raw::open_in_root(root_fd_, "/a/b/", O_PATH | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  struct stat inside, expected;
  ASSERT_EQ(::fstat(fd, &inside), 0);
  ASSERT_EQ(::stat((root_ + "/a/b").c_str(), &expected), 0);
  EXPECT_EQ(inside.st_ino, expected.st_ino);
  ::close(fd);
}

TEST_P(OpenInRootTest, ProcMagicLinksAreRefusedPlainOnesFollowed) {
  // Resolved in the host's "/" as root: procfs is mounted there.
  int slash = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(slash, 0);
  for (const char* magic : {"/proc/self/cwd", "/proc/self/root", "/proc/self/fd/0"}) {
    int fd = ward::sys::raw::open_in_root(slash, magic, O_PATH);
    EXPECT_EQ(fd, -ELOOP) << magic;
    if (fd >= 0) ::close(fd);
  }
  // Another process's root: refused (ELOOP, or EACCES from the ptrace check).
  int other = ward::sys::raw::open_in_root(slash, "/proc/1/root/etc", O_PATH);
  EXPECT_LT(other, 0);
  if (other >= 0) ::close(other);
  int status = ward::sys::raw::open_in_root(slash, "/proc/self/status", O_RDONLY);
  EXPECT_GE(status, 0);
  if (status >= 0) ::close(status);
  ::close(slash);
}

INSTANTIATE_TEST_SUITE_P(Openat2AndFallback, OpenInRootTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "fallback" : "openat2"; });

}  // namespace
