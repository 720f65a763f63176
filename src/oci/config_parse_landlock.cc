// "process.landlock", in the shape of the open runtime-spec proposal
// (opencontainers/runtime-spec#1111 and #1241):
//   "landlock": {
//     "ruleset": {"handledAccessFS": [...], "handledAccessNetwork": [...]},
//     "rules": {"pathBeneath": [{"allowedAccess": [...], "paths": [...]}],
//               "netPort": [{"allowedAccess": [...], "ports": [...]}]},
//     "disableBestEffort": false
//   }
// Members ward does not know are refused inside this object: a misspelt
// rule would otherwise change the policy without a word.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "oci/config.h"
#include "oci/config_sections.h"
#include "util/json_reader.h"
#include "oci/landlock_rights.h"

namespace ward::oci::detail {

namespace {

using json::Node;

Result<> only_members(const Node& node, std::initializer_list<std::string_view> known) {
  WARD_TRY(node.expect_object());
  for (const auto& [key, value] : node.value().items()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      return fail(fmt::format("{}: unknown member", node.member_path(key)));
  }
  return {};
}

// An array of right names, each known to the kernel's Landlock (of any ABI:
// what this kernel lacks is decided when the container is created).
Result<std::vector<std::string>> access_list(const Node& parent, std::string_view key, bool network) {
  std::vector<std::string> access;
  WARD_TRY(parent.read_array(key, access, [&](const Node& node) -> Result<std::string> {
    auto name = WARD_TRY(node.as<std::string>());
    bool known = network ? landlock_net_right(name).has_value() : landlock_fs_right(name).has_value();
    if (!known)
      return node.error(fmt::format("unknown Landlock {} access \"{}\"", network ? "network" : "filesystem", name));
    return name;
  }));
  return access;
}

// A rule's allowedAccess: not empty, and each right handled by the ruleset
// (landlock_add_rule(2) refuses the others).
Result<std::vector<std::string>> allowed_access(const Node& rule, const std::vector<std::string>& handled,
                                                bool network) {
  auto access = WARD_TRY(access_list(rule, "allowedAccess", network));
  if (access.empty()) return fail(fmt::format("{}: must not be empty", rule.member_path("allowedAccess")));
  const char* handled_key = network ? "handledAccessNetwork" : "handledAccessFS";
  for (std::size_t i = 0; i < access.size(); ++i) {
    if (std::find(handled.begin(), handled.end(), (access)[i]) == handled.end())
      return fail(fmt::format("{}[{}]: \"{}\" is not in ruleset.{}", rule.member_path("allowedAccess"), i, (access)[i],
                              handled_key));
  }
  return access;
}

Result<LandlockPathBeneath> parse_path_beneath(const Node& rule, const Landlock& landlock) {
  WARD_TRY(only_members(rule, {"allowedAccess", "paths"}));
  LandlockPathBeneath parsed;
  parsed.allowed_access = WARD_TRY(allowed_access(rule, landlock.handled_access_fs, false));
  WARD_TRY(rule.read_array("paths", parsed.paths, [](const Node& node) -> Result<std::string> {
    auto path = WARD_TRY(node.as<std::string>());
    if (!is_absolute(path)) return node.error(fmt::format("must be an absolute path, got \"{}\"", path));
    return path;
  }));
  if (parsed.paths.empty()) return fail(fmt::format("{}: must not be empty", rule.member_path("paths")));
  return parsed;
}

Result<LandlockNetPort> parse_net_port(const Node& rule, const Landlock& landlock) {
  WARD_TRY(only_members(rule, {"allowedAccess", "ports"}));
  LandlockNetPort parsed;
  parsed.allowed_access = WARD_TRY(allowed_access(rule, landlock.handled_access_network, true));
  WARD_TRY(rule.read_array("ports", parsed.ports, [](const Node& node) -> Result<std::uint64_t> {
    auto port = WARD_TRY(node.as<std::uint64_t>());
    if (port > 65535) return node.error(fmt::format("{} is not a TCP port (0 to 65535)", port));
    return port;
  }));
  if (parsed.ports.empty()) return fail(fmt::format("{}: must not be empty", rule.member_path("ports")));
  return parsed;
}

}  // namespace

Result<Landlock> parse_landlock(const Node& node) {
  WARD_TRY(only_members(node, {"ruleset", "rules", "disableBestEffort"}));
  Landlock landlock;
  auto ruleset = WARD_TRY(node.require("ruleset"));
  WARD_TRY(only_members(ruleset, {"handledAccessFS", "handledAccessNetwork"}));
  landlock.handled_access_fs = WARD_TRY(access_list(ruleset, "handledAccessFS", false));
  landlock.handled_access_network = WARD_TRY(access_list(ruleset, "handledAccessNetwork", true));
  // A ruleset that handles nothing restricts nothing: a mistake, not a policy.
  if (landlock.handled_access_fs.empty() && landlock.handled_access_network.empty())
    return ruleset.error("handles nothing (handledAccessFS and handledAccessNetwork are both empty)");
  WARD_TRY(node.read("disableBestEffort", landlock.disable_best_effort));

  auto rules = node.find("rules");
  if (!rules) return landlock;
  WARD_TRY(only_members(*rules, {"pathBeneath", "netPort"}));
  WARD_TRY(rules->read_array("pathBeneath", landlock.path_beneath,
                             [&](const Node& rule) { return parse_path_beneath(rule, landlock); }));
  WARD_TRY(rules->read_array("netPort", landlock.net_port,
                             [&](const Node& rule) { return parse_net_port(rule, landlock); }));
  return landlock;
}

}  // namespace ward::oci::detail
