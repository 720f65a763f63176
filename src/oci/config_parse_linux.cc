// The "linux" object of config.json (but for seccomp and resources, which
// have files of their own), and the rules that tie it to the rest of the
// config: namespaces against id mappings, time offsets, sysctls, hostname.
#include <sys/personality.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "oci/config.h"
#include "oci/config_sections.h"
#include "util/json_reader.h"
#include "oci/mount_options.h"

namespace ward::oci::detail {

namespace {

using json::Node;

constexpr std::array kNamespaceKinds = {
    NamespaceKind::pid, NamespaceKind::network, NamespaceKind::mount,  NamespaceKind::ipc,
    NamespaceKind::uts, NamespaceKind::user,    NamespaceKind::cgroup, NamespaceKind::time,
};

// Tested in place, not through WARD_TRY: GCC 12 at -O3 takes the string
// moved out of the statement expression for uninitialized
// (-Wmaybe-uninitialized, a false positive that -Werror turns fatal).
Result<std::string> absolute_path(const Node& node) {
  auto path = node.as<std::string>();
  if (path && !is_absolute(*path)) return node.error(fmt::format("must be an absolute path, got \"{}\"", *path));
  return path;
}

Result<std::vector<std::string>> absolute_paths(const Node& parent, std::string_view key) {
  std::vector<std::string> paths;
  WARD_TRY(parent.read_array(key, paths, absolute_path));
  return paths;
}

Result<std::vector<Namespace>> parse_namespaces(const Node& linux_node) {
  std::vector<Namespace> namespaces;
  WARD_TRY(linux_node.read_array("namespaces", namespaces, [&](const Node& node) -> Result<Namespace> {
    WARD_TRY(node.expect_object());
    auto type_node = WARD_TRY(node.require("type"));
    auto type = WARD_TRY(type_node.as<std::string>());
    auto kind = std::find_if(kNamespaceKinds.begin(), kNamespaceKinds.end(),
                             [&](NamespaceKind k) { return type == namespace_kind_name(k); });
    if (kind == kNamespaceKinds.end()) return type_node.error(fmt::format("unknown namespace \"{}\"", type));
    bool duplicate = std::any_of(namespaces.begin(), namespaces.end(),
                                 [&](const Namespace& earlier) { return earlier.kind == *kind; });
    if (duplicate) return type_node.error(fmt::format("duplicate namespace \"{}\"", type));
    Namespace ns{*kind, {}};
    if (auto path = node.find("path")) {
      ns.path = WARD_TRY(absolute_path(*path));
    }
    return ns;
  }));
  return namespaces;
}

Result<std::map<std::string, TimeOffset>> parse_time_offsets(const Node& node) {
  WARD_TRY(node.expect_object());
  std::map<std::string, TimeOffset> offsets;
  for (const auto& [clock, value] : node.value().items()) {
    Node offset_node(value, fmt::format("{}.{}", node.path(), clock));
    // The only clocks a time namespace can shift (time_namespaces(7)).
    if (clock != "monotonic" && clock != "boottime")
      return offset_node.error("unknown clock; a time namespace offsets only \"monotonic\" and \"boottime\"");
    WARD_TRY(offset_node.expect_object());
    TimeOffset offset;
    WARD_TRY(offset_node.read("secs", offset.secs));
    WARD_TRY(offset_node.read("nanosecs", offset.nanosecs));
    if (offset.nanosecs >= 1'000'000'000)
      return fail(fmt::format("{}: {} is out of range (0 to 999999999)", offset_node.member_path("nanosecs"),
                              offset.nanosecs));
    offsets.emplace(clock, offset);
  }
  return offsets;
}

Result<Device> parse_device(const Node& node) {
  WARD_TRY(node.expect_object());
  Device device;
  auto type_node = WARD_TRY(node.require("type"));
  auto type = WARD_TRY(type_node.as<std::string>());
  if (type.size() != 1 || std::string_view("cbup").find(type.front()) == std::string_view::npos)
    return type_node.error(fmt::format("unknown device type \"{}\" (expected c, b, u or p)", type));
  device.type = type.front();

  auto path_node = WARD_TRY(node.require("path"));
  device.path = WARD_TRY(absolute_path(path_node));

  if (device.type == 'p') {
    WARD_TRY(node.read("major", device.major));
    WARD_TRY(node.read("minor", device.minor));
  } else {
    // A character or block device is nothing without its numbers.
    auto major = WARD_TRY(node.required<std::int64_t>("major"));
    auto minor = WARD_TRY(node.required<std::int64_t>("minor"));
    device.major = major;
    device.minor = minor;
  }
  if (device.major < 0 || device.minor < 0)
    return node.error(fmt::format("device numbers must not be negative, got {}:{}", device.major, device.minor));
  WARD_TRY(node.read("fileMode", device.file_mode));
  WARD_TRY(node.read("uid", device.uid));
  WARD_TRY(node.read("gid", device.gid));
  return device;
}

Result<> parse_intel_rdt(const Node& node, Linux& section) {
  WARD_TRY(node.expect_object());
  WARD_TRY(node.read("closID", section.intel_rdt_clos_id));
  // ward has no resctrl support; a config that asks for cache or bandwidth
  // partitioning must not silently run without it.
  for (const char* key : {"l3CacheSchema", "memBwSchema"}) {
    std::string schema;
    WARD_TRY(node.read(key, schema));
    if (!schema.empty()) return fail(fmt::format("{}: Intel RDT is not supported by ward", node.member_path(key)));
  }
  std::vector<std::string> schemata;
  WARD_TRY(node.read("schemata", schemata));
  if (!schemata.empty())
    return fail(fmt::format("{}: Intel RDT is not supported by ward", node.member_path("schemata")));
  for (const char* key : {"enableCMT", "enableMBM"}) {
    bool enabled = false;
    WARD_TRY(node.read(key, enabled));
    if (enabled) return fail(fmt::format("{}: Intel RDT monitoring is not supported by ward", node.member_path(key)));
  }
  return {};
}

Result<unsigned long> parse_personality(const Node& node) {
  WARD_TRY(node.expect_object());
  auto domain_node = WARD_TRY(node.require("domain"));
  auto domain = WARD_TRY(domain_node.as<std::string>());
  std::vector<std::string> flags;
  WARD_TRY(node.read("flags", flags));
  // The spec defines no flag values yet; refuse rather than guess.
  if (!flags.empty())
    return fail(fmt::format("{}[0]: unknown personality flag \"{}\"", node.member_path("flags"), flags.front()));
  if (domain == "LINUX") return static_cast<unsigned long>(PER_LINUX);
  if (domain == "LINUX32") return static_cast<unsigned long>(PER_LINUX32);
  return domain_node.error(fmt::format("unknown personality domain \"{}\" (expected LINUX or LINUX32)", domain));
}

// Which namespace makes a sysctl the container's own rather than the host's.
// The same list runc allows; everything else would change the host.
enum class SysctlScope { ipc, network, uts, hostname, host };

SysctlScope sysctl_scope(std::string_view key) {
  if (key.starts_with("kernel.msg") || key.starts_with("kernel.shm") || key.starts_with("kernel.sem") ||
      key.starts_with("fs.mqueue."))
    return SysctlScope::ipc;
  if (key.starts_with("net.")) return SysctlScope::network;
  if (key == "kernel.domainname") return SysctlScope::uts;
  if (key == "kernel.hostname") return SysctlScope::hostname;
  return SysctlScope::host;
}

// The kernel reads net.ipv4.ping_group_range's two ends as gids of the
// writer's user namespace and refuses one that is not mapped there (with a
// bare EINVAL).  With a new user namespace the maps are known: say which.
Result<> check_ping_group_range(const Config& config, const std::string& field, const std::string& value) {
  const Namespace* user = config.find_namespace(NamespaceKind::user);
  if (user == nullptr || !user->path.empty() || config.linux.gid_mappings.empty()) return {};
  std::istringstream in(value);
  std::int64_t ends[2];
  // Malformed or negative: left to the kernel, whose error names the field.
  if (!(in >> ends[0] >> ends[1]) || ends[0] < 0 || ends[1] < 0) return {};
  for (std::int64_t end : ends) {
    auto gid = static_cast<std::uint64_t>(end);
    bool mapped = std::any_of(config.linux.gid_mappings.begin(), config.linux.gid_mappings.end(),
                              [gid](const IdMapping& m) { return gid >= m.container_id && gid - m.container_id < m.size; });
    if (!mapped)
      return fail(fmt::format("{}: gid {} is not mapped in the container's user namespace (linux.gidMappings), "
                              "so the kernel refuses \"{}\"",
                              field, gid, value));
  }
  return {};
}

Result<> validate_sysctls(const Config& config) {
  for (const auto& [key, value] : config.linux.sysctl) {
    std::string field = fmt::format("linux.sysctl[\"{}\"]", key);
    if (key.empty() || key.front() == '.' || key.front() == '/' || key.find("..") != std::string::npos ||
        key.find("//") != std::string::npos)
      return fail(fmt::format("{}: not a sysctl name", field));
    // "net/ipv4/conf/eth0.100/forwarding" is the form for names with dots.
    std::string dotted = key;
    if (dotted.find('/') != std::string::npos) std::replace(dotted.begin(), dotted.end(), '/', '.');
    NamespaceKind needed;
    switch (sysctl_scope(dotted)) {
      case SysctlScope::ipc: needed = NamespaceKind::ipc; break;
      case SysctlScope::network: needed = NamespaceKind::network; break;
      case SysctlScope::uts: needed = NamespaceKind::uts; break;
      case SysctlScope::hostname: return fail(fmt::format("{}: set the hostname field instead", field));
      case SysctlScope::host:
      default: return fail(fmt::format("{}: not namespaced; setting it would change the host", field));
    }
    if (!config.has_namespace(needed)) {
      const char* article = needed == NamespaceKind::ipc ? "an" : "a";
      return fail(fmt::format("{}: requires {} {} namespace in linux.namespaces", field, article,
                              namespace_kind_name(needed)));
    }
    if (dotted == "net.ipv4.ping_group_range") WARD_TRY(check_ping_group_range(config, field, value));
  }
  return {};
}

std::string namespace_field(const Config& config, NamespaceKind kind) {
  for (std::size_t i = 0; i < config.linux.namespaces.size(); ++i)
    if (config.linux.namespaces[i].kind == kind) return fmt::format("linux.namespaces[{}]", i);
  return "linux.namespaces";
}

Result<> validate_id_mappings(const Config& config) {
  const Namespace* user = config.find_namespace(NamespaceKind::user);
  const std::pair<const char*, const std::vector<IdMapping>*> maps[] = {
      {"linux.uidMappings", &config.linux.uid_mappings},
      {"linux.gidMappings", &config.linux.gid_mappings},
  };
  for (const auto& [field, mappings] : maps) {
    if (user == nullptr && !mappings->empty())
      return fail(fmt::format("{}: id mappings need a new user namespace in linux.namespaces", field));
    // A joined user namespace has its mappings already; they cannot change.
    if (user != nullptr && !user->path.empty() && !mappings->empty())
      return fail(fmt::format("{}: cannot be set when joining the user namespace at {}.path", field,
                              namespace_field(config, NamespaceKind::user)));
    // Without a mapping every id is the overflow id and the container's init
    // cannot even set its own uid.
    if (user != nullptr && user->path.empty() && mappings->empty())
      return fail(fmt::format("{}: required when creating a new user namespace", field));
  }
  return {};
}

}  // namespace

Result<Linux> parse_linux(const Node& node) {
  WARD_TRY(node.expect_object());
  Linux section;
  section.namespaces = WARD_TRY(parse_namespaces(node));

  section.uid_mappings = WARD_TRY(parse_id_mappings(node, "uidMappings"));
  section.gid_mappings = WARD_TRY(parse_id_mappings(node, "gidMappings"));

  if (auto offsets = node.find("timeOffsets")) {
    section.time_offsets = WARD_TRY(parse_time_offsets(*offsets));
  }
  WARD_TRY(node.read_array("devices", section.devices, parse_device));
  WARD_TRY(node.read("cgroupsPath", section.cgroups_path));
  if (auto resources = node.find("resources")) {
    section.resources = WARD_TRY(parse_resources(*resources));
  }

  if (auto propagation = node.find("rootfsPropagation")) {
    auto text = WARD_TRY(propagation->as<std::string>());
    if (!text.empty()) {
      auto flags = parse_propagation(text);
      if (!flags) return propagation->error(flags.error().message);
    }
    section.rootfs_propagation = std::move(text);
  }

  section.masked_paths = WARD_TRY(absolute_paths(node, "maskedPaths"));
  section.readonly_paths = WARD_TRY(absolute_paths(node, "readonlyPaths"));

  WARD_TRY(node.read("mountLabel", section.mount_label));
  WARD_TRY(node.read("sysctl", section.sysctl));

  if (auto seccomp = node.find("seccomp")) {
    section.seccomp = WARD_TRY(parse_seccomp(*seccomp));
  }
  if (auto intel_rdt = node.find("intelRdt")) WARD_TRY(parse_intel_rdt(*intel_rdt, section));
  if (auto personality = node.find("personality")) {
    auto domain = WARD_TRY(parse_personality(*personality));
    section.personality_domain = domain;
  }
  // ward once read Landlock here; the runtime-spec proposal puts it in the
  // process.  Refused rather than ignored, so an old config cannot lose its
  // ruleset without a word.
  if (node.find("landlock")) return fail(fmt::format("{}: moved to process.landlock", node.member_path("landlock")));
  return section;
}

Result<> validate_namespace_rules(const Config& config) {
  WARD_TRY(validate_id_mappings(config));

  if (!config.linux.time_offsets.empty()) {
    // Offsets can only be written before the first process enters the
    // namespace, so joining one cannot honour them.
    const Namespace* time = config.find_namespace(NamespaceKind::time);
    if (time == nullptr || !time->path.empty())
      return fail("linux.timeOffsets: requires a new time namespace in linux.namespaces");
  }

  // As runc: a joined namespace counts; without one, these would rename the host.
  if (!config.hostname.empty() && !config.has_namespace(NamespaceKind::uts))
    return fail("hostname: requires a uts namespace in linux.namespaces");
  if (!config.domainname.empty() && !config.has_namespace(NamespaceKind::uts))
    return fail("domainname: requires a uts namespace in linux.namespaces");

  return validate_sysctls(config);
}

}  // namespace ward::oci::detail
