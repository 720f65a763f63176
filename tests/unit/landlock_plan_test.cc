// process.landlock turned into masks and rules for a kernel of a given
// Landlock ABI: the bits, best effort's downgrade, and disableBestEffort's
// errors.  Pure: no Landlock syscall is made.
#include <gtest/gtest.h>

#include "oci/config.h"
#include "oci/landlock_rights.h"
#include "security/landlock.h"

namespace ward::security {
namespace {

using oci::landlock_fs_right;
using oci::landlock_net_right;

// LANDLOCK_ACCESS_FS_* and LANDLOCK_ACCESS_NET_* as the kernel defines them.
constexpr std::uint64_t kExecute = 1ULL << 0, kWriteFile = 1ULL << 1, kReadFile = 1ULL << 2, kReadDir = 1ULL << 3,
                        kMakeReg = 1ULL << 8, kRefer = 1ULL << 13, kTruncate = 1ULL << 14, kIoctlDev = 1ULL << 15;
constexpr std::uint64_t kBindTcp = 1ULL << 0, kConnectTcp = 1ULL << 1;

oci::Landlock sample() {
  oci::Landlock config;
  config.handled_access_fs = {"execute", "read_file", "read_dir", "write_file", "make_reg", "truncate", "ioctl_dev"};
  config.handled_access_network = {"bind_tcp", "connect_tcp"};
  config.path_beneath = {
      {{"execute", "read_file", "read_dir"}, {"/", "/usr"}},
      {{"write_file", "make_reg", "truncate"}, {"/tmp"}},
      {{"ioctl_dev"}, {"/dev"}},
  };
  config.net_port = {{{"connect_tcp"}, {443}}};
  return config;
}

TEST(LandlockPlan, RightNamesAndAbis) {
  EXPECT_EQ(landlock_fs_right("execute")->bit, kExecute);
  EXPECT_EQ(landlock_fs_right("refer")->bit, kRefer);
  EXPECT_EQ(landlock_fs_right("refer")->abi, 2);
  EXPECT_EQ(landlock_fs_right("truncate")->abi, 3);
  EXPECT_EQ(landlock_fs_right("ioctl_dev")->bit, kIoctlDev);
  EXPECT_EQ(landlock_fs_right("ioctl_dev")->abi, 5);
  EXPECT_EQ(landlock_net_right("connect_tcp")->bit, kConnectTcp);
  EXPECT_EQ(landlock_net_right("bind_tcp")->abi, 4);
  EXPECT_FALSE(landlock_fs_right("bind_tcp"));
  EXPECT_FALSE(landlock_net_right("execute"));
}

TEST(LandlockPlan, MasksOnAKernelWithEveryRight) {
  auto plan = plan_landlock(sample(), 7);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_TRUE(plan->enabled);
  EXPECT_TRUE(plan->notices.empty());
  EXPECT_EQ(plan->handled_fs, kExecute | kReadFile | kReadDir | kWriteFile | kMakeReg | kTruncate | kIoctlDev);
  EXPECT_EQ(plan->handled_net, kBindTcp | kConnectTcp);
  // One rule per path, each carrying its field for the child's errors.
  ASSERT_EQ(plan->path_rules.size(), 4u);
  EXPECT_EQ(plan->path_rules[0].path, "/");
  EXPECT_EQ(plan->path_rules[0].allowed, kExecute | kReadFile | kReadDir);
  EXPECT_EQ(plan->path_rules[0].field, "process.landlock.rules.pathBeneath[0].paths[0]");
  EXPECT_EQ(plan->path_rules[1].path, "/usr");
  EXPECT_EQ(plan->path_rules[1].field, "process.landlock.rules.pathBeneath[0].paths[1]");
  EXPECT_EQ(plan->path_rules[2].allowed, kWriteFile | kMakeReg | kTruncate);
  EXPECT_EQ(plan->path_rules[3].allowed, kIoctlDev);
  ASSERT_EQ(plan->port_rules.size(), 1u);
  EXPECT_EQ(plan->port_rules[0].port, 443u);
  EXPECT_EQ(plan->port_rules[0].allowed, kConnectTcp);
  EXPECT_EQ(plan->port_rules[0].field, "process.landlock.rules.netPort[0].ports[0]");
}

TEST(LandlockPlan, BestEffortDropsWhatTheKernelLacks) {
  // ABI 3: no ioctl_dev (5), no network (4).
  auto plan = plan_landlock(sample(), 3);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_TRUE(plan->enabled);
  EXPECT_EQ(plan->handled_fs, kExecute | kReadFile | kReadDir | kWriteFile | kMakeReg | kTruncate);
  EXPECT_EQ(plan->handled_net, 0u);
  // The /dev rule allowed only ioctl_dev: it would grant nothing, so it goes.
  ASSERT_EQ(plan->path_rules.size(), 3u);
  EXPECT_EQ(plan->path_rules[2].path, "/tmp");
  EXPECT_TRUE(plan->port_rules.empty());
  // Every dropped right is said, naming its field.
  ASSERT_EQ(plan->notices.size(), 3u);
  EXPECT_EQ(plan->notices[0], "process.landlock.ruleset.handledAccessFS[6]: \"ioctl_dev\" needs Landlock ABI 5, the "
                              "kernel has ABI 3: not enforced");
  EXPECT_EQ(plan->notices[1], "process.landlock.ruleset.handledAccessNetwork[0]: \"bind_tcp\" needs Landlock ABI 4, "
                              "the kernel has ABI 3: not enforced");

  // ABI 2: truncate goes too, from the ruleset and from the /tmp rule.
  plan = plan_landlock(sample(), 2);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->handled_fs, kExecute | kReadFile | kReadDir | kWriteFile | kMakeReg);
  EXPECT_EQ(plan->path_rules[2].allowed, kWriteFile | kMakeReg);
}

TEST(LandlockPlan, BestEffortWithNothingLeftOrNoLandlock) {
  oci::Landlock network_only;
  network_only.handled_access_network = {"bind_tcp"};
  network_only.net_port = {{{"bind_tcp"}, {8080}}};
  auto plan = plan_landlock(network_only, 3);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_FALSE(plan->enabled);
  ASSERT_EQ(plan->notices.size(), 2u);
  EXPECT_NE(plan->notices[1].find("supports none of the handled rights"), std::string::npos) << plan->notices[1];

  plan = plan_landlock(sample(), 0);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_FALSE(plan->enabled);
  ASSERT_EQ(plan->notices.size(), 1u);
  EXPECT_EQ(plan->notices[0],
            "process.landlock: the kernel has no Landlock; the container runs without its Landlock ruleset");
}

TEST(LandlockPlan, DisableBestEffortRefusesWhatTheKernelLacks) {
  auto strict = sample();
  strict.disable_best_effort = true;
  EXPECT_TRUE(plan_landlock(strict, 5));
  auto plan = plan_landlock(strict, 4);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(), "process.landlock.ruleset.handledAccessFS[6]: \"ioctl_dev\" needs Landlock ABI 5, "
                                    "the kernel has ABI 4 (disableBestEffort is set)");
  strict.handled_access_fs.pop_back();
  strict.path_beneath.pop_back();
  plan = plan_landlock(strict, 3);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(), "process.landlock.ruleset.handledAccessNetwork[0]: \"bind_tcp\" needs Landlock "
                                    "ABI 4, the kernel has ABI 3 (disableBestEffort is set)");
  plan = plan_landlock(strict, 0);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().what().find("process.landlock.disableBestEffort: the kernel has no Landlock"),
            std::string::npos)
      << plan.error().what();
}

}  // namespace
}  // namespace ward::security
