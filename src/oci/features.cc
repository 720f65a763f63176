#include "oci/features.h"

#include <nlohmann/json.hpp>

#include "oci/mount_options.h"
#include "security/capabilities.h"

namespace ward::oci {

std::string features_json() {
  using nlohmann::json;
  json capabilities = json::array();
  for (std::string_view name : security::all_capability_names()) capabilities.push_back(name);
  json document = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.2.1"},
      {"hooks", json::array({"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                             "poststop"})},
      {"mountOptions", supported_mount_option_names()},
      {"linux",
       {
           {"namespaces", json::array({"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"})},
           {"capabilities", capabilities},
           // Resource limits and seccomp arrive with their own modules; until
           // then a config that asks for them is refused, never ignored.
           {"cgroup", {{"v1", false}, {"v2", false}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}}},
           {"seccomp", {{"enabled", false}}},
           {"apparmor", {{"enabled", false}}},
           {"selinux", {{"enabled", false}}},
           {"intelRdt", {{"enabled", false}}},
           {"mountExtensions", {{"idmap", {{"enabled", false}}}}},
       }},
  };
  return document.dump(2);
}

}  // namespace ward::oci
