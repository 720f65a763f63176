#include <gtest/gtest.h>

#include "cgroups/hierarchy.h"

using ward::cgroups::Hierarchy;

namespace {

// This machine's layout: v1 controllers plus cgroup2 at .../unified.
const char* kHybridMountinfo =
    "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw\n"
    "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd\n"
    "35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory\n"
    "36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n"
    "37 30 0:33 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids\n";

TEST(CgroupHierarchy, ParsesHybridLayout) {
  auto hierarchies = ward::cgroups::parse_mountinfo_hierarchies(kHybridMountinfo);
  ASSERT_EQ(hierarchies.size(), 5u);
  EXPECT_TRUE(hierarchies[0].unified);
  EXPECT_EQ(hierarchies[0].mount_point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(hierarchies[1].controllers, std::vector<std::string>{"name=systemd"});
  EXPECT_EQ(hierarchies[2].controllers, std::vector<std::string>{"memory"});
  EXPECT_EQ(hierarchies[3].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
}

TEST(CgroupHierarchy, ParsesPureV2) {
  auto hierarchies = ward::cgroups::parse_mountinfo_hierarchies(
      "25 1 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n");
  ASSERT_EQ(hierarchies.size(), 1u);
  EXPECT_TRUE(hierarchies[0].unified);
  EXPECT_TRUE(hierarchies[0].controllers.empty());
}

TEST(CgroupHierarchy, UnescapesMountPoints) {
  auto hierarchies = ward::cgroups::parse_mountinfo_hierarchies(
      "25 1 0:22 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n");
  ASSERT_EQ(hierarchies.size(), 1u);
  EXPECT_EQ(hierarchies[0].mount_point, "/sys/fs/my cgroup");
}

TEST(CgroupHierarchy, MembershipsAndHostDirectory) {
  auto memberships = ward::cgroups::parse_proc_cgroup(
      "4:memory:/process_api/abc\n2:cpuacct,cpu:/\n0::/\n");
  ASSERT_EQ(memberships.size(), 3u);
  auto hierarchies = ward::cgroups::parse_mountinfo_hierarchies(kHybridMountinfo);
  const auto* memory = ward::cgroups::find_membership(memberships, hierarchies[2]);
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(ward::cgroups::host_directory(hierarchies[2], memory->path), "/sys/fs/cgroup/memory/process_api/abc");
  // Controller order differs between mountinfo and /proc/PID/cgroup.
  const auto* cpu = ward::cgroups::find_membership(memberships, hierarchies[3]);
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(ward::cgroups::host_directory(hierarchies[3], cpu->path), "/sys/fs/cgroup/cpu,cpuacct");
  const auto* unified = ward::cgroups::find_membership(memberships, hierarchies[0]);
  ASSERT_NE(unified, nullptr);
  EXPECT_EQ(unified->path, "/");
}

TEST(CgroupHierarchy, HostDirectoryWithNonRootMount) {
  Hierarchy h;
  h.mount_point = "/sys/fs/cgroup/memory";
  h.root = "/docker/xyz";
  EXPECT_EQ(ward::cgroups::host_directory(h, "/docker/xyz/child"), "/sys/fs/cgroup/memory/child");
  EXPECT_EQ(ward::cgroups::host_directory(h, "/docker/xyz"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(ward::cgroups::host_directory(h, "/elsewhere"), "");
}

}  // namespace
