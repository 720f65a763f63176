// --device and --device-cgroup-rule in the OCI config.  A device is the
// host's node bound at its path in the container (a container in its own
// user namespace cannot mknod, and a bind keeps the host's node whatever
// its name inside), with a device cgroup rule that allows what
// --device's permissions say and nothing more.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fmt/format.h>

#include "engine/container_config_parts.h"

namespace ward::engine {

namespace {

using nlohmann::json;

bool is_permissions(std::string_view text) {
  return !text.empty() && text.size() <= 3 && text.find_first_not_of("rwm") == std::string_view::npos;
}

// "c 1:3 rwm", "a *:* m", "b 8:* r": Docker's --device-cgroup-rule.
Result<json> parse_cgroup_rule(const std::string& text) {
  auto bad = [&] {
    return fail(ErrorKind::invalid_input,
                fmt::format("--device-cgroup-rule \"{}\": invalid device cgroup format (TYPE MAJOR:MINOR ACCESS, as "
                            "\"c 1:3 rwm\")",
                            text));
  };
  auto first_space = text.find(' '), last_space = text.rfind(' ');
  if (first_space != 1 || last_space == first_space) return bad();
  char type = text[0];
  std::string numbers = text.substr(2, last_space - 2), access = text.substr(last_space + 1);
  auto colon = numbers.find(':');
  if ((type != 'a' && type != 'b' && type != 'c') || colon == std::string::npos || !is_permissions(access))
    return bad();
  json rule = {{"allow", true}, {"type", std::string(1, type)}, {"access", access}};
  auto number = [&](const std::string& part, const char* key) -> bool {
    if (part == "*") return true;
    if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos) return false;
    rule[key] = std::stoll(part);
    return true;
  };
  if (!number(numbers.substr(0, colon), "major") || !number(numbers.substr(colon + 1), "minor")) return bad();
  return rule;
}

}  // namespace

Result<> apply_devices(const ContainerSpec& spec, json& config) {
  json& rules = config["linux"]["resources"]["devices"];
  if (!rules.is_array()) rules = json::array();
  for (const auto& device : spec.devices) {
    std::string flag =
        fmt::format("--device {}:{}:{}", device.path_on_host, device.path_in_container, device.cgroup_permissions);
    struct stat st {};
    if (::stat(device.path_on_host.c_str(), &st) < 0) return fail_errno(errno, flag);
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
      return fail(ErrorKind::invalid_input, fmt::format("{}: {} is not a device", flag, device.path_on_host));
    if (!is_permissions(device.cgroup_permissions))
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: invalid device mode: {}", flag, device.cgroup_permissions));
    rules.push_back({{"allow", true},
                     {"type", S_ISCHR(st.st_mode) ? "c" : "b"},
                     {"major", major(st.st_rdev)},
                     {"minor", minor(st.st_rdev)},
                     {"access", device.cgroup_permissions}});
    config["mounts"].push_back({{"destination", device.path_in_container},
                                {"type", "bind"},
                                {"source", device.path_on_host},
                                {"options", {"bind", "nosuid", "noexec"}}});
  }
  for (const auto& text : spec.device_cgroup_rules) rules.push_back(WARD_TRY(parse_cgroup_rule(text)));
  if (rules.empty()) config["linux"]["resources"].erase("devices");
  return {};
}

}  // namespace ward::engine
