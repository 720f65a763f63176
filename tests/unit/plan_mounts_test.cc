// How mount options that change what the init does (tmpcopyup,
// copy-symlink) reach the launch plan.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lsm_test_support.h"
#include "oci/config.h"
#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"

namespace ward {
namespace {

using test_support::FakeRoot;

class PlanMounts : public ::testing::Test {
 protected:
  void SetUp() override {
    bundle_.add_dir("rootfs");
    config_ = nlohmann::json::parse(R"({
      "ociVersion": "1.2.0",
      "root": {"path": "rootfs"},
      "process": {"args": ["/bin/sh"], "cwd": "/"},
      "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
      "linux": {"namespaces": [{"type": "mount"}]}
    })");
  }
  void add_mount(const std::string& destination, const std::string& type, const std::string& source,
                 const std::vector<std::string>& options) {
    config_["mounts"].push_back({{"destination", destination}, {"type", type}, {"source", source}, {"options", options}});
  }
  Result<runtime::LaunchPlan> build() {
    auto config = oci::parse_config(config_.dump());
    if (!config) return std::unexpected(config.error());
    runtime::PlanOptions options;
    options.bundle = bundle_.path();
    options.container_id = "c";
    options.host_root = host_.path();
    return runtime::build_launch_plan(*config, options);
  }
  const runtime::MountStep* step_at(const runtime::LaunchPlan& plan, const std::string& destination) {
    for (const auto& step : plan.mounts)
      if (step.destination == destination) return &step;
    return nullptr;
  }

  FakeRoot bundle_, host_;
  nlohmann::json config_;
};

TEST_F(PlanMounts, TmpcopyupOnATmpfs) {
  add_mount("/tmp", "tmpfs", "tmpfs", {"nosuid", "size=1m", "tmpcopyup"});
  auto plan = build();
  ASSERT_TRUE(plan) << plan.error().what();
  const auto* step = step_at(*plan, "/tmp");
  ASSERT_NE(step, nullptr);
  EXPECT_TRUE(step->copy_up);
  EXPECT_TRUE(step->copy_up_root_mode);
  EXPECT_TRUE(step->copy_up_root_owner);
  EXPECT_EQ(step->flags, static_cast<unsigned long>(MS_NOSUID));
  EXPECT_EQ(step->data, "size=1m");
  EXPECT_FALSE(step->remount);
  EXPECT_FALSE(step_at(*plan, "/proc")->copy_up);
}

TEST_F(PlanMounts, TmpcopyupReadOnlyIsFilledThenRemounted) {
  add_mount("/tmp", "tmpfs", "tmpfs", {"ro", "nodev", "mode=1777", "uid=5", "tmpcopyup"});
  auto plan = build();
  ASSERT_TRUE(plan) << plan.error().what();
  const auto* step = step_at(*plan, "/tmp");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->flags, static_cast<unsigned long>(MS_NODEV));
  EXPECT_TRUE(step->remount);
  EXPECT_EQ(step->remount_flags, static_cast<unsigned long>(MS_RDONLY | MS_NODEV));
  EXPECT_FALSE(step->copy_up_root_mode);
  EXPECT_FALSE(step->copy_up_root_owner);
}

TEST_F(PlanMounts, TmpcopyupElsewhereNamesTheOptions) {
  bundle_.add_dir("shared");
  add_mount("/data", "bind", "shared", {"rbind", "tmpcopyup"});
  auto plan = build();
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(), "mounts[1].options: tmpcopyup applies to tmpfs mounts only, not to a bind mount");
  config_["mounts"][1] = {{"destination", "/data"}, {"type", "sysfs"}, {"source", "sysfs"}, {"options", {"tmpcopyup"}}};
  plan = build();
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(), "mounts[1].options: tmpcopyup applies to tmpfs mounts only, not to type \"sysfs\"");
}

TEST_F(PlanMounts, CopySymlinkRecreatesASymlinkSource) {
  bundle_.add_file("zoneinfo/UTC", "TZif");
  ASSERT_EQ(::symlink("zoneinfo/UTC", (bundle_.path() + "/localtime").c_str()), 0);
  add_mount("/etc/localtime", "bind", "localtime", {"bind", "ro", "copy-symlink"});
  add_mount("/etc/zone", "bind", "zoneinfo/UTC", {"bind", "ro", "copy-symlink"});
  auto plan = build();
  ASSERT_TRUE(plan) << plan.error().what();
  const auto* link = step_at(*plan, "/etc/localtime");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->kind, runtime::MountStep::Kind::symlink);
  EXPECT_EQ(link->source, "zoneinfo/UTC");
  EXPECT_TRUE(link->replace_existing);
  // Not a symlink: bound as usual.
  const auto* file = step_at(*plan, "/etc/zone");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->kind, runtime::MountStep::Kind::bind);
  EXPECT_TRUE(file->destination_is_file);
}

}  // namespace
}  // namespace ward
