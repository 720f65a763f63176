// Sections 1 to 3 adapted to ward: the host (a partition for the store,
// auditd rules on ward's binaries and directories), the engine's
// configuration (insecure registries, user namespaces, the defaults every
// container gets) and the modes and owners of ward's files.  ward has no
// daemon and its container engine is not built yet: a check with nothing
// real to look at says so as INFO or NOTE rather than pass or fail.
#pragma once

#include <string>
#include <vector>

#include "audit/bench/bench.h"

namespace ward::audit::bench {

// Where each thing is looked for; tests point them into a temporary tree.
struct HostPaths {
  std::string store_root;  // ward's store (the default or --root)
  std::string config_dir = "/etc/ward";
  std::string run_dir = "/run/ward";
  std::vector<std::string> audit_rule_files = {"/etc/audit/audit.rules"};
  std::string audit_rules_dir = "/etc/audit/rules.d";
  std::string registries_conf = "/etc/containers/registries.conf";
  std::string subuid = "/etc/subuid";
  std::string subgid = "/etc/subgid";
  std::string mountinfo = "/proc/self/mountinfo";
  std::string ward_binary;     // the running ward (/proc/self/exe)
  std::string runtime_binary;  // ward-oci beside it
  unsigned owner = 0;          // whose files the store's should be: the caller's uid
};

// The paths of a real run: the store root given, the rest as above, the
// binaries found from /proc/self/exe.
[[nodiscard]] HostPaths default_host_paths(const std::string& store_root);

[[nodiscard]] Section host_section(const HostPaths& paths, std::string_view version);
[[nodiscard]] Section engine_configuration_section(const HostPaths& paths);
[[nodiscard]] Section engine_files_section(const HostPaths& paths);

// What auditd rules watch: the paths of "-w PATH" and of "-F path=" or
// "-F dir=" fields, from the text of a rules file.
[[nodiscard]] std::vector<std::string> audit_watched_paths(std::string_view rules);

// The registries a registries.conf marks insecure: v2 [[registry]] tables
// with insecure = true (by location or prefix) and the v1
// [registries.insecure] list.
[[nodiscard]] std::vector<std::string> insecure_registries(std::string_view conf);

}  // namespace ward::audit::bench
