// cgroup value conversions and file formats (v1 and v2), and cgroupsPath
// forms, without touching the host's cgroups.
#include <gtest/gtest.h>

#include "cgroups/cgroup.h"
#include "cgroups/convert.h"

namespace ward::cgroups {
namespace {

TEST(CgroupConvert, SharesToWeightMatchesRunc) {
  EXPECT_EQ(shares_to_weight(0), 0u);
  EXPECT_EQ(shares_to_weight(2), 1u);
  EXPECT_EQ(shares_to_weight(1024), 39u);
  EXPECT_EQ(shares_to_weight(262144), 10000u);
  EXPECT_EQ(shares_to_weight(1), 1u);            // clamped to 2
  EXPECT_EQ(shares_to_weight(1000000), 10000u);  // clamped to 262144
}

TEST(CgroupConvert, BlkioWeightToIoWeight) {
  EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
  EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
  EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
  EXPECT_EQ(blkio_weight_to_io_weight(0), 0u);
}

// Confirms the earlier review's finding: weights 1 to 9 made (weight - 10)
// wrap, giving an io.weight near 2^64 / 990.  Out-of-range weights are now
// clamped into blkio's 10..1000 (and refused by the parser, see
// ConfigParseLinux.BlockIoWeightRange).
TEST(CgroupConvert, BlkioWeightOutOfRangeIsClamped) {
  for (std::uint64_t weight = 1; weight < 10; ++weight) EXPECT_EQ(blkio_weight_to_io_weight(weight), 1u) << weight;
  EXPECT_EQ(blkio_weight_to_io_weight(1001), 10000u);
  EXPECT_EQ(blkio_weight_to_io_weight(65535), 10000u);
}

TEST(CgroupConvert, CpuMax) {
  EXPECT_EQ(cpu_max(50000, 100000), "50000 100000");
  EXPECT_EQ(cpu_max(std::nullopt, 100000), "max 100000");
  EXPECT_EQ(cpu_max(-1, std::nullopt), "max 100000");
  EXPECT_EQ(cpu_max(20000, std::nullopt), "20000 100000");
}

TEST(CgroupConvert, SwapMaxIsSwapBeyondTheLimit) {
  // OCI swap is memory+swap; v2 memory.swap.max is swap alone.
  EXPECT_EQ(swap_max(200, 100), "100");
  EXPECT_EQ(swap_max(100, 100), "0");
  EXPECT_EQ(swap_max(-1, 100), "max");
  EXPECT_EQ(swap_max(300, -1), "300");
}

TEST(CgroupConvert, Limits) {
  EXPECT_EQ(v1_limit(-1), "-1");
  EXPECT_EQ(v1_limit(67108864), "67108864");
  EXPECT_EQ(v2_limit(-1), "max");
  EXPECT_EQ(v2_limit(4096), "4096");
}

TEST(CgroupConvert, DeviceRuleLines) {
  oci::DeviceRule all;
  all.type = 'a';
  all.access = "rwm";
  EXPECT_EQ(device_rule_line(all), "a *:* rwm");
  oci::DeviceRule null;
  null.type = 'c';
  null.major = 1;
  null.minor = 3;
  null.access = "rw";
  EXPECT_EQ(device_rule_line(null), "c 1:3 rw");
  oci::DeviceRule pts;
  pts.type = 'c';
  pts.major = 136;
  EXPECT_EQ(device_rule_line(pts), "c 136:* rwm");
}

TEST(CgroupConvert, DefaultDevicesAreTheUsualOnes) {
  auto rules = default_allowed_devices();
  std::vector<std::string> lines;
  for (const auto& rule : rules) {
    EXPECT_TRUE(rule.allow);
    lines.push_back(device_rule_line(rule));
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
                                             "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"}));
}

TEST(CgroupConvert, HugepageSizes) {
  EXPECT_TRUE(valid_hugepage_size("2MB"));
  EXPECT_TRUE(valid_hugepage_size("1GB"));
  EXPECT_TRUE(valid_hugepage_size("64KB"));
  EXPECT_FALSE(valid_hugepage_size("2M"));
  EXPECT_FALSE(valid_hugepage_size("MB"));
  EXPECT_FALSE(valid_hugepage_size("../x"));
}

TEST(CgroupPath, SystemdFormIsRefusedClearly) {
  auto cgroup = Cgroup::resolve("machine.slice:ward:c1", "c1");
  ASSERT_FALSE(cgroup);
  EXPECT_NE(cgroup.error().what().find("systemd cgroup driver is not available"), std::string::npos)
      << cgroup.error().what();
}

TEST(CgroupPath, DotDotIsRefused) {
  auto cgroup = Cgroup::resolve("/a/../../etc", "c1");
  ASSERT_FALSE(cgroup);
  EXPECT_NE(cgroup.error().what().find("linux.cgroupsPath"), std::string::npos);
}

}  // namespace
}  // namespace ward::cgroups

#include "cgroups/stats.h"

namespace ward::cgroups {
namespace {

TEST(CgroupStats, FlatKeyedFiles) {
  auto values = parse_flat_keyed("usage_usec 1234\nuser_usec 1000\nsystem_usec 234\nnr_periods 0\n");
  EXPECT_EQ(values["usage_usec"], 1234u);
  EXPECT_EQ(values["system_usec"], 234u);
  EXPECT_EQ(values.size(), 4u);
}

TEST(CgroupStats, Limits) {
  EXPECT_EQ(parse_limit("max\n"), 0u);
  EXPECT_EQ(parse_limit("2048\n"), 2048u);
  EXPECT_EQ(parse_limit("9223372036854771712\n"), 0u);  // v1 "unlimited"
  EXPECT_EQ(parse_limit(""), 0u);
}

TEST(CgroupStats, PerCpuNumbers) {
  EXPECT_EQ(parse_numbers("10 20 30 \n"), (std::vector<std::uint64_t>{10, 20, 30}));
}

TEST(CgroupSerialize, RoundTrip) {
  auto cgroup = Cgroup::parse("dir /sys/fs/cgroup/cpu 0 cpu,cpuacct /sys/fs/cgroup/cpu/a/b\n"
                              "dir /sys/fs/cgroup/unified 1 - /sys/fs/cgroup/unified/a/b\n"
                              "made /sys/fs/cgroup/cpu/a/b\nmade /sys/fs/cgroup/cpu/a\n");
  ASSERT_EQ(cgroup.directories().size(), 2u);
  EXPECT_EQ(cgroup.directories()[0].hierarchy.controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_TRUE(cgroup.directories()[1].hierarchy.unified);
  EXPECT_EQ(cgroup.created(), (std::vector<std::string>{"/sys/fs/cgroup/cpu/a/b", "/sys/fs/cgroup/cpu/a"}));
  EXPECT_EQ(Cgroup::parse(cgroup.serialize()).serialize(), cgroup.serialize());
  EXPECT_EQ(cgroup.directory_for("/sys/fs/cgroup/unified"), "/sys/fs/cgroup/unified/a/b");
}

}  // namespace
}  // namespace ward::cgroups
