#include "runtime/features.h"

#include <string>

#include <nlohmann/json.hpp>

#include "oci/mount_options.h"
#include "oci/capability_names.h"
#include "oci/config.h"
#include "security/landlock.h"

namespace ward::runtime {

std::string features_json() {
  using nlohmann::json;
  json capabilities = json::array();
  for (std::string_view name : oci::all_capability_names()) capabilities.push_back(name);
  json document = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", oci::kRuntimeSpecVersion},
      {"hooks", json::array({"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                             "poststop"})},
      {"mountOptions", oci::supported_mount_option_names()},
      {"linux",
       {
           {"namespaces", json::array({"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"})},
           {"capabilities", capabilities},
           // cgroupfs on v1, v2 and hybrid hosts; no systemd driver.
           {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}}},
           {"seccomp",
            {{"enabled", true},
             {"actions", json::array({"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                                      "SCMP_ACT_TRAP"})},
             {"operators", json::array({"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                                        "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"})},
             {"archs", json::array({"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
                                    "SCMP_ARCH_ARM", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64"})},
             {"knownFlags", json::array({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                         "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                         "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"})},
             {"supportedFlags", json::array({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                             "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                             "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"})}}},
           // Supported by this build; whether the host has them is
           // checked when a config asks (a clear error where it does not).
           {"apparmor", {{"enabled", true}}},
           {"selinux", {{"enabled", true}}},
           {"intelRdt", {{"enabled", false}}},
           {"mountExtensions", {{"idmap", {{"enabled", true}}}}},
       }},
      // Landlock has no place in the features schema yet (its runtime-spec
      // proposal is open): said in annotations, with this kernel's ABI
      // (0: no Landlock; best effort then runs containers unrestricted).
      {"annotations",
       {{"io.github.ward.landlock", "process.landlock"},
        {"io.github.ward.landlock.abi", std::to_string(security::landlock_abi())}}},
  };
  return document.dump(2);
}

}  // namespace ward::oci
