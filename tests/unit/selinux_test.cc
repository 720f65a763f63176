// SELinux label plumbing: validation, mount data, enabled-ness from a fake
// /sys, and the labels carried into the LaunchPlan (with AppArmor's).  The
// kernel writes themselves cannot run on this host (no SELinux, no
// AppArmor); tests/integration/lsm_test.cc checks the refusal there.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <nlohmann/json.hpp>

#include "lsm_test_support.h"
#include "oci/config.h"
#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"
#include "runtime/plan/labels.h"
#include "security/selinux.h"

namespace ward::security {
namespace {

using test_support::FakeRoot;

TEST(SelinuxLabel, Validation) {
  for (const char* good : {"system_u:system_r:container_t:s0", "system_u:system_r:container_t:s0:c1,c2",
                           "u:r:t", "system_u:object_r:container_file_t:s0-s0:c0.c1023"})
    EXPECT_TRUE(validate_selinux_label(good)) << good;
  for (const char* bad : {"", "container_t", "u:r", "u::t", ":r:t", "u:r:", "u:r:t:", "u:r:t s0", "u:r:t\n",
                          "u:r:\"t\"", "u:r:t\\", "u:r:t'"})
    EXPECT_FALSE(validate_selinux_label(bad)) << bad;
}

TEST(SelinuxLabel, MountData) {
  EXPECT_EQ(format_mount_label("", ""), "");
  EXPECT_EQ(format_mount_label("mode=755", ""), "mode=755");
  EXPECT_EQ(format_mount_label("", "u:object_r:t:s0"), "context=\"u:object_r:t:s0\"");
  EXPECT_EQ(format_mount_label("mode=755,size=65536k", "system_u:object_r:container_file_t:s0:c1,c2"),
            "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
}

TEST(SelinuxLabel, WhichMountsTakeIt) {
  for (const char* fstype : {"tmpfs", "devpts", "overlay", "ramfs"}) EXPECT_TRUE(mount_takes_label(fstype)) << fstype;
  for (const char* fstype : {"proc", "sysfs", "cgroup", "cgroup2", "mqueue", ""})
    EXPECT_FALSE(mount_takes_label(fstype)) << fstype;
}

TEST(SelinuxHost, EnabledOnlyWithSelinuxfs) {
  FakeRoot none;
  EXPECT_FALSE(selinux_enabled(none.path()));
  FakeRoot unmounted;  // the mount point exists, selinuxfs is not on it
  unmounted.add_dir("sys/fs/selinux");
  EXPECT_FALSE(selinux_enabled(unmounted.path()));
  FakeRoot enabled;
  enabled.add_file("sys/fs/selinux/enforce", "1");
  EXPECT_TRUE(selinux_enabled(enabled.path()));
}

TEST(SelinuxHost, CheckNamesTheField) {
  FakeRoot none;
  EXPECT_TRUE(check_selinux_label("", "process.selinuxLabel", none.path()));
  auto r = check_selinux_label("u:r:t:s0", "process.selinuxLabel", none.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "process.selinuxLabel: SELinux is not enabled on this host (label \"u:r:t:s0\")");
  FakeRoot enabled;
  enabled.add_file("sys/fs/selinux/enforce", "1");
  EXPECT_TRUE(check_selinux_label("u:r:t:s0", "linux.mountLabel", enabled.path()));
  r = check_selinux_label("u:r", "linux.mountLabel", enabled.path());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().what().starts_with("linux.mountLabel: label \"u:r\"")) << r.error().what();
}

// A bundle with an empty rootfs and a config with the given labels, built
// into a plan against a fake host root.
class LabelPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    bundle_.add_dir("rootfs");
    config_ = nlohmann::json::parse(R"({
      "ociVersion": "1.2.0",
      "root": {"path": "rootfs"},
      "process": {"args": ["/bin/sh"], "cwd": "/"},
      "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "mode=0620"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]},
        {"destination": "/data", "type": "bind", "source": "rootfs", "options": ["rbind"]}
      ],
      "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}
    })");
  }

  Result<runtime::LaunchPlan> build(const FakeRoot& host) {
    auto config = oci::parse_config(config_.dump());
    if (!config) return std::unexpected(config.error());
    runtime::PlanOptions options;
    options.bundle = bundle_.path();
    options.container_id = "c";
    options.host_root = host.path();
    return runtime::build_launch_plan(*config, options);
  }

  FakeRoot bundle_;
  nlohmann::json config_;
};

TEST_F(LabelPlan, NoLabelsNoChange) {
  FakeRoot host;
  auto plan = build(host);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_TRUE(plan->apparmor_command.empty());
  EXPECT_TRUE(plan->selinux_label.empty());
  EXPECT_EQ(plan->masked_directory_data, "size=0,mode=000");
  for (const auto& step : plan->mounts) EXPECT_EQ(step.data.find("context="), std::string::npos) << step.destination;
}

TEST_F(LabelPlan, SelinuxLabelsReachThePlan) {
  FakeRoot host;
  host.add_file("sys/fs/selinux/enforce", "1");
  const std::string process_label = "system_u:system_r:container_t:s0:c1,c2";
  const std::string mount_label = "system_u:object_r:container_file_t:s0:c1,c2";
  config_["process"]["selinuxLabel"] = process_label;
  config_["linux"]["mountLabel"] = mount_label;
  auto plan = build(host);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->selinux_label, process_label);
  std::string context = "context=\"" + mount_label + "\"";
  std::map<std::string, std::string> data;
  for (const auto& step : plan->mounts) data[step.destination] = step.data;
  EXPECT_EQ(data["/dev"], "mode=755," + context);
  EXPECT_EQ(data["/dev/pts"], "newinstance,mode=0620," + context);
  // Not on proc, sysfs, mqueue, nor on a bind mount.
  EXPECT_EQ(data["/proc"].find("context="), std::string::npos);
  EXPECT_EQ(data["/sys"].find("context="), std::string::npos);
  EXPECT_EQ(data["/dev/mqueue"].find("context="), std::string::npos);
  EXPECT_EQ(data["/data"].find("context="), std::string::npos);
  EXPECT_EQ(plan->masked_directory_data, "size=0,mode=000," + context);
}

TEST_F(LabelPlan, SelinuxLabelsRefusedWithoutSelinux) {
  FakeRoot host;
  config_["process"]["selinuxLabel"] = "u:r:t:s0";
  auto plan = build(host);
  ASSERT_FALSE(plan);
  EXPECT_TRUE(plan.error().what().starts_with("process.selinuxLabel: SELinux is not enabled")) << plan.error().what();
  config_["process"].erase("selinuxLabel");
  config_["linux"]["mountLabel"] = "u:object_r:t:s0";
  plan = build(host);
  ASSERT_FALSE(plan);
  EXPECT_TRUE(plan.error().what().starts_with("linux.mountLabel: SELinux is not enabled")) << plan.error().what();
}

TEST_F(LabelPlan, AppArmorProfileReachesThePlan) {
  FakeRoot host;
  host.add_file("sys/kernel/security/apparmor/profiles", "ward-default (enforce)\n");
  host.add_file("proc/self/attr/apparmor/exec");
  config_["process"]["apparmorProfile"] = "ward-default";
  auto plan = build(host);
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_EQ(plan->apparmor_command, "exec ward-default");
  EXPECT_EQ(plan->apparmor_attr_path, "/proc/thread-self/attr/apparmor/exec");

  FakeRoot without;
  plan = build(without);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().what(),
            "process.apparmorProfile: AppArmor is not enabled on this host (profile \"ward-default\")");
}

TEST(ExecLabels, InheritOrOverrideTheContainers) {
  oci::Config config;
  config.process.emplace();
  config.process->selinux_label = "u:r:container_t:s0";
  config.process->apparmor_profile = "ward-default";
  oci::Process process;
  runtime::inherit_security_labels(config, process);
  EXPECT_EQ(process.apparmor_profile, "ward-default");
  EXPECT_EQ(process.selinux_label, "u:r:container_t:s0");

  oci::Process own;
  own.apparmor_profile = "other";
  own.selinux_label = "u:r:other_t:s0";
  runtime::inherit_security_labels(config, own);
  EXPECT_EQ(own.apparmor_profile, "other");
  EXPECT_EQ(own.selinux_label, "u:r:other_t:s0");
}

}  // namespace
}  // namespace ward::security
