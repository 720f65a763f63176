// config.json to ContainerDescription.  Only the fields the checks need are
// read, each with its type checked; the rest of the document is left to
// ward-oci's own parser.
#include "audit/bench/oci_config.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace ward::audit::bench {

namespace {

using json::Node;

// The same default set the Docker inputs are measured against (5.4).
constexpr std::array<std::string_view, 14> kDockerDefaultCapabilities = {
    "CAP_AUDIT_WRITE", "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",    "CAP_FSETID",
    "CAP_KILL",        "CAP_MKNOD",   "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",   "CAP_SETFCAP",
    "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT"};

constexpr std::array<std::string_view, 8> kPropagation = {"shared",  "rshared",  "slave",      "rslave",
                                                          "private", "rprivate", "unbindable", "runbindable"};

Result<std::optional<Node>> object_member(const Node& node, std::string_view key) {
  auto member = node.find(key);
  if (!member) return std::optional<Node>{};
  WARD_TRY(member->expect_object());
  return member;
}

template <class T>
Result<T> member_or(const Node& node, std::string_view key, T fallback) {
  WARD_TRY(node.read(key, fallback));
  return fallback;
}

Result<> read_process(const Node& process, ContainerDescription& c) {
  c.apparmor_profile = WARD_TRY(member_or<std::string>(process, "apparmorProfile", ""));
  c.selinux_set = !WARD_TRY(member_or<std::string>(process, "selinuxLabel", "")).empty();
  c.no_new_privileges = WARD_TRY(member_or(process, "noNewPrivileges", false));
  WARD_TRY(process.read("args", c.command));
  // Every capability the process can hold or regain: bounding, effective,
  // permitted, inheritable and ambient, beyond Docker's defaults.
  std::set<std::string> held;
  if (auto caps = WARD_TRY(object_member(process, "capabilities")))
    for (std::string_view set : {"bounding", "effective", "permitted", "inheritable", "ambient"}) {
      std::vector<std::string> names;
      WARD_TRY(caps->read(set, names));
      held.insert(names.begin(), names.end());
    }
  for (const std::string& name : held)
    if (std::find(kDockerDefaultCapabilities.begin(), kDockerDefaultCapabilities.end(), name) ==
        kDockerDefaultCapabilities.end())
      c.capabilities.push_back(name);
  c.ulimits.emplace();
  WARD_TRY(process.read_array("rlimits", *c.ulimits, [](const Node& r) -> Result<std::string> {
    WARD_TRY(r.expect_object());
    return r.required<std::string>("type");
  }));
  return {};
}

Result<> read_mounts(const Node& root, ContainerDescription& c) {
  return root.read_array("mounts", c.mounts, [](const Node& m) -> Result<ContainerMount> {
    WARD_TRY(m.expect_object());
    ContainerMount mount;
    mount.destination = WARD_TRY(m.required<std::string>("destination"));
    mount.source = WARD_TRY(member_or<std::string>(m, "source", ""));
    std::string type = WARD_TRY(member_or<std::string>(m, "type", ""));
    std::vector<std::string> options;
    WARD_TRY(m.read("options", options));
    bool bind = type == "bind" || std::any_of(options.begin(), options.end(),
                                              [](const std::string& o) { return o == "bind" || o == "rbind"; });
    // An OCI mount with no type and a bind option is a bind mount; other
    // typeless ones are left with their (empty) type, which 5.6 also takes
    // as a bind, as runc does.
    mount.type = bind ? "bind" : (type.empty() ? "unknown" : type);
    mount.read_write = std::find(options.begin(), options.end(), "ro") == options.end();
    for (const std::string& o : options)
      if (std::find(kPropagation.begin(), kPropagation.end(), o) != kPropagation.end()) mount.propagation = o;
    return mount;
  });
}

Result<> read_namespaces(const Node& linux_section, ContainerDescription& c) {
  // A namespace type missing from the list is the host's.
  NamespaceMode host{NamespaceMode::host, ""};
  c.network = c.pid = c.ipc = c.uts = c.user = host;
  auto list = linux_section.find("namespaces");
  if (!list) return {};
  WARD_TRY(list->expect_array());
  for (std::size_t i = 0; i < list->size(); ++i) {
    Node entry = list->element(i);
    WARD_TRY(entry.expect_object());
    std::string type = WARD_TRY(entry.required<std::string>("type"));
    std::string path = WARD_TRY(member_or<std::string>(entry, "path", ""));
    NamespaceMode mode = path.empty() ? NamespaceMode{} : NamespaceMode{NamespaceMode::joined, path};
    if (type == "network") c.network = mode;
    if (type == "pid") c.pid = mode;
    if (type == "ipc") c.ipc = mode;
    if (type == "uts") c.uts = mode;
    if (type == "user") c.user = mode;
  }
  return {};
}

Result<> read_resources(const Node& resources, ContainerDescription& c) {
  if (auto memory = WARD_TRY(object_member(resources, "memory")))
    c.memory_limit = WARD_TRY(member_or<std::int64_t>(*memory, "limit", 0));
  if (auto cpu = WARD_TRY(object_member(resources, "cpu"))) {
    c.cpu_shares = static_cast<std::int64_t>(WARD_TRY(member_or<std::uint64_t>(*cpu, "shares", 0)));
    c.cpu_quota = WARD_TRY(member_or<std::int64_t>(*cpu, "quota", 0));
  }
  if (auto pids = WARD_TRY(object_member(resources, "pids")))
    c.pids_limit = WARD_TRY(member_or<std::int64_t>(*pids, "limit", 0));
  // A device rule that allows every device (no type, or type "a", with no
  // major or minor) gives the container the host's devices.
  auto rules = resources.find("devices");
  if (!rules) return {};
  WARD_TRY(rules->expect_array());
  bool all_allowed = false;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    Node rule = rules->element(i);
    WARD_TRY(rule.expect_object());
    bool allow = WARD_TRY(rule.required<bool>("allow"));
    std::string type = WARD_TRY(member_or<std::string>(rule, "type", "a"));
    bool any_number = !rule.find("major") && !rule.find("minor");
    if (type == "a" && any_number) all_allowed = allow;  // a later rule overrides an earlier one
  }
  if (all_allowed) c.devices.push_back("every device (linux.resources.devices allows all)");
  return {};
}

Result<> read_linux(const Node& linux_section, ContainerDescription& c) {
  WARD_TRY(read_namespaces(linux_section, c));
  WARD_TRY(linux_section.read_array("devices", c.devices, [](const Node& d) -> Result<std::string> {
    WARD_TRY(d.expect_object());
    return d.required<std::string>("path");
  }));
  if (auto resources = WARD_TRY(object_member(linux_section, "resources"))) WARD_TRY(read_resources(*resources, c));
  // No seccomp section, or one that allows everything, filters nothing.
  c.seccomp_unconfined = true;
  if (auto seccomp = WARD_TRY(object_member(linux_section, "seccomp"))) {
    std::string action = WARD_TRY(seccomp->required<std::string>("defaultAction"));
    auto syscalls = seccomp->find("syscalls");
    bool has_rules = syscalls && syscalls->value().is_array() && !syscalls->value().empty();
    c.seccomp_unconfined = action == "SCMP_ACT_ALLOW" && !has_rules;
  }
  std::string propagation = WARD_TRY(member_or<std::string>(linux_section, "rootfsPropagation", ""));
  if (!propagation.empty())
    c.mounts.push_back(ContainerMount{"rootfs", "", "/ (linux.rootfsPropagation)", false, propagation});
  c.cgroup_parent = WARD_TRY(member_or<std::string>(linux_section, "cgroupsPath", ""));
  return {};
}

Result<ContainerDescription> describe(const json::Value& document, std::string_view name) {
  if (!document.is_object())
    return fail(
        ErrorKind::invalid_input,
        fmt::format("expected an OCI runtime config (an object with ociVersion), got {}{}", json::kind_name(document),
                    document.is_array() ? " (docker inspect output goes to --docker-inspect)" : ""));
  Node root(document, "");
  WARD_TRY(root.required<std::string>("ociVersion"));
  ContainerDescription c;
  c.name = std::string(name);
  c.origin = "OCI config";
  if (auto process = WARD_TRY(object_member(root, "process"))) WARD_TRY(read_process(*process, c));
  if (auto rootfs = WARD_TRY(object_member(root, "root")))
    c.read_only_rootfs = WARD_TRY(member_or(*rootfs, "readonly", false));
  WARD_TRY(read_mounts(root, c));
  if (auto linux_section = WARD_TRY(object_member(root, "linux"))) {
    WARD_TRY(read_linux(*linux_section, c));
  } else {
    // No linux section: no namespaces, no seccomp.
    NamespaceMode host{NamespaceMode::host, ""};
    c.network = c.pid = c.ipc = c.uts = c.user = host;
    c.seccomp_unconfined = true;
  }
  return c;
}

}  // namespace

Result<ContainerDescription> parse_oci_config(std::string_view text, std::string_view name) {
  try {
    auto document = WARD_TRY(json::parse(text));
    auto c = describe(document, name);
    if (!c) return std::unexpected(c.error().as(ErrorKind::invalid_input));
    return c;
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("unexpected JSON: {}", error.what()));
  }
}

}  // namespace ward::audit::bench
