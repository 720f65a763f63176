#include "runtime/plan_labels.h"

#include <sys/mount.h>

#include "security/apparmor.h"
#include "security/selinux.h"

namespace ward::runtime {

// process.apparmorProfile and process.selinuxLabel: refused where the host
// lacks the module, never silently dropped.
Result<> add_security_labels(const oci::Process& process, const std::string& host_root, LaunchPlan& plan) {
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
Result<> add_mount_label(const oci::Config& config, const std::string& host_root, LaunchPlan& plan) {
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
