#include "runtime/plan/labels.h"

#include <sys/mount.h>

#include <cstdlib>

#include "security/apparmor.h"
#include "security/selinux.h"

namespace ward::runtime {

namespace {
// The root the module checks look under: the caller's, else
// $WARD_TEST_LSM_ROOT, else the host.  The variable lets integration tests
// on a kernel without AppArmor or SELinux drive the init's writes (which
// the kernel then refuses); it can make ward attempt a write, never skip
// one, since an empty profile or label is never written.
std::string lsm_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* env = std::getenv("WARD_TEST_LSM_ROOT");
  return env != nullptr ? env : "";
}
}  // namespace

// process.apparmorProfile and process.selinuxLabel: refused where the host
// lacks the module, never silently dropped.
Result<> add_security_labels(const oci::Process& process, const std::string& configured_root, LaunchPlan& plan) {
  std::string host_root = lsm_root(configured_root);
  WARD_TRY(security::prepare_apparmor_profile(process.apparmor_profile, "process.apparmorProfile", host_root));
  if (!process.apparmor_profile.empty()) {
    plan.apparmor_attr_path = security::apparmor_exec_attr_path(host_root);
    plan.apparmor_command = "exec " + process.apparmor_profile;
  }
  WARD_TRY(security::check_selinux_label(process.selinux_label, "process.selinuxLabel", host_root));
  plan.selinux_label = process.selinux_label;
  return {};
}

void inherit_security_labels(const oci::Config& config, oci::Process& process) {
  if (!config.process) return;
  if (process.apparmor_profile.empty()) process.apparmor_profile = config.process->apparmor_profile;
  if (process.selinux_label.empty()) process.selinux_label = config.process->selinux_label;
}

// linux.mountLabel on the filesystems the runtime mounts (not on binds,
// which have no data, nor on remounts of an existing superblock).
Result<> add_mount_label(const oci::Config& config, const std::string& configured_root, LaunchPlan& plan) {
  std::string host_root = lsm_root(configured_root);
  const std::string& label = config.linux.mount_label;
  WARD_TRY(security::check_selinux_label(label, "linux.mountLabel", host_root));
  if (label.empty()) return {};
  for (auto& step : plan.mounts) {
    if (step.kind != MountStep::Kind::mount || (step.flags & MS_REMOUNT) != 0) continue;
    if (security::mount_takes_label(step.fstype)) step.data = security::format_mount_label(step.data, label);
  }
  plan.masked_directory_data = security::format_mount_label(plan.masked_directory_data, label);
  return {};
}

}  // namespace ward::runtime
