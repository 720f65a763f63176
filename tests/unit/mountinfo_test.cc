// /proc/self/mountinfo parsing and the rootfs prefix test behind the
// cleanup of a container without a mount namespace.
#include <gtest/gtest.h>

#include "runtime/shared_mounts.h"
#include "util/sys.h"

namespace ward {
namespace {

TEST(Mountinfo, UnescapesOctal) {
  EXPECT_EQ(sys::unescape_mountinfo("/a\\040b"), "/a b");
  EXPECT_EQ(sys::unescape_mountinfo("/t\\011ab\\012nl\\134x"), "/t\tab\nnl\\x");
  EXPECT_EQ(sys::unescape_mountinfo("/end\\04"), "/end\\04");
  EXPECT_EQ(sys::unescape_mountinfo("/no\\999"), "/no\\999");
}

TEST(Mountinfo, ParsesFieldsAndOptionalFields) {
  auto table = sys::parse_mountinfo(
      "22 1 0:21 / / rw,relatime shared:1 master:3 - ext4 /dev/sda1 rw\n"
      "30 22 0:25 / /my\\040root/proc rw - proc proc rw\n"
      "garbage\n"
      "31 22 0:26 / /x rw no-separator\n");
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].id, 22);
  EXPECT_EQ(table[0].parent_id, 1);
  EXPECT_EQ(table[0].mount_point, "/");
  EXPECT_EQ(table[0].optional_fields, "shared:1 master:3");
  EXPECT_EQ(table[1].mount_point, "/my root/proc");
  EXPECT_EQ(table[1].optional_fields, "");
}

TEST(SharedMountsRecord, UndoesOnlyWhatIsBelowAndNotKeptDeepestFirst) {
  auto table = sys::parse_mountinfo(
      "1 0 0:1 / / rw - ext4 a rw\n"
      "50 1 0:2 / /b/rootfs rw - overlay o rw\n"
      "60 50 0:2 / /b/rootfs rw - overlay o rw\n"
      "61 60 0:3 / /b/rootfs/proc rw - proc p rw\n"
      "62 61 0:4 / /b/rootfs/proc/sys rw - proc p rw\n"
      "70 1 0:5 / /b/rootfs2 rw - tmpfs t rw\n");
  runtime::SharedMounts record{"/b/rootfs", {50}};
  auto undo = runtime::mounts_to_undo(table, record);
  ASSERT_EQ(undo.size(), 3u);
  EXPECT_EQ(undo[0].id, 62);
  EXPECT_EQ(undo[1].id, 61);
  EXPECT_EQ(undo[2].id, 60);
}

TEST(SharedMountsRecord, RoundTripsAndRefusesRoot) {
  runtime::SharedMounts record{"/b/my rootfs", {3, 7}};
  auto parsed = runtime::parse_shared_mounts(runtime::shared_mounts_json(record));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->rootfs, "/b/my rootfs");
  EXPECT_EQ(parsed->kept, (std::set<int>{3, 7}));
  EXPECT_FALSE(runtime::parse_shared_mounts(R"({"rootfs":"/"})").has_value());
  EXPECT_FALSE(runtime::parse_shared_mounts("not json").has_value());
}

}  // namespace
}  // namespace ward
