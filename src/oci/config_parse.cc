// config.json entry points and the top-level sections: ociVersion, root,
// mounts, hooks, annotations.  "process" lives in config_parse_process.cc,
// "linux" in config_parse_linux.cc and the files it calls.
//
// Unknown keys are ignored at every level, as runc does, so that configs
// written for a newer runtime-spec still load.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "oci/config.h"
#include "oci/config_sections.h"
#include "util/json_reader.h"
#include "util/sys.h"

namespace ward::oci {

namespace detail {

Result<std::vector<IdMapping>> parse_id_mappings(const json::Node& parent, std::string_view key) {
  std::vector<IdMapping> mappings;
  WARD_TRY(parent.read_array(key, mappings, [](const json::Node& node) -> Result<IdMapping> {
    WARD_TRY(node.expect_object());
    IdMapping mapping;
    for (auto [field, out] : {std::pair{"containerID", &mapping.container_id}, std::pair{"hostID", &mapping.host_id},
                              std::pair{"size", &mapping.size}}) {
      auto member = WARD_TRY(node.require(field));
      auto value = WARD_TRY(member.as<std::uint32_t>());
      *out = value;
    }
    if (mapping.size == 0) return fail(fmt::format("{}: must be greater than zero", node.member_path("size")));
    return mapping;
  }));
  return mappings;
}

}  // namespace detail

namespace {

using json::Node;
using detail::is_absolute;

struct SpecVersion {
  unsigned major = 0, minor = 0, patch = 0;
};

// Reads one decimal component of a version; advances `text` past it.
bool take_version_number(std::string_view& text, unsigned& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

// ociVersion is SemVer: "1.0.2", "1.0.2-dev", "1.2.0+build".  ward reads any
// 1.x: minor versions only add fields, and unknown fields are ignored.
Result<SpecVersion> parse_oci_version(const Node& root, std::string& text_out) {
  auto node = WARD_TRY(root.require("ociVersion"));
  auto text = WARD_TRY(node.as<std::string>());
  text_out = text;

  SpecVersion version;
  std::string_view rest = text;
  bool well_formed = take_version_number(rest, version.major) && rest.starts_with('.') &&
                     (rest.remove_prefix(1), take_version_number(rest, version.minor)) && rest.starts_with('.') &&
                     (rest.remove_prefix(1), take_version_number(rest, version.patch)) &&
                     (rest.empty() || ((rest.front() == '-' || rest.front() == '+') && rest.size() > 1));
  if (!well_formed) return node.error(fmt::format("\"{}\" is not a version of the form 1.x.y", text));
  if (version.major != 1)
    return node.error(fmt::format("unsupported version \"{}\": ward supports runtime-spec 1.x", text));
  return version;
}

Result<Root> parse_root(const Node& document) {
  auto node = WARD_TRY(document.require("root"));
  WARD_TRY(node.expect_object());
  Root root;
  auto path = WARD_TRY(node.require("path"));
  auto text = WARD_TRY(path.as<std::string>());
  if (text.empty()) return path.error("must not be empty");
  root.path = std::move(text);
  WARD_TRY(node.read("readonly", root.readonly));
  return root;
}

Result<Mount> parse_mount(const Node& node, const SpecVersion& version) {
  WARD_TRY(node.expect_object());
  Mount mount;
  auto destination = WARD_TRY(node.require("destination"));
  auto text = WARD_TRY(destination.as<std::string>());
  if (text.empty()) return destination.error("must not be empty");
  if (!is_absolute(text)) {
    // runtime-spec 1.0 allowed relative destinations and runc read them as
    // relative to "/"; from 1.1 on they must be absolute.
    if (version.minor != 0) return destination.error(fmt::format("must be an absolute path, got \"{}\"", text));
    text = std::string("/") + text;
  }
  mount.destination = std::move(text);
  WARD_TRY(node.read("type", mount.type));
  WARD_TRY(node.read("source", mount.source));
  WARD_TRY(node.read("options", mount.options));
  mount.uid_mappings = WARD_TRY(detail::parse_id_mappings(node, "uidMappings"));
  mount.gid_mappings = WARD_TRY(detail::parse_id_mappings(node, "gidMappings"));
  return mount;
}

Result<Hook> parse_hook(const Node& node) {
  WARD_TRY(node.expect_object());
  Hook hook;
  auto path = WARD_TRY(node.require("path"));
  auto text = WARD_TRY(path.as<std::string>());
  if (!is_absolute(text)) return path.error(fmt::format("must be an absolute path, got \"{}\"", text));
  hook.path = std::move(text);
  WARD_TRY(node.read("args", hook.args));
  WARD_TRY(node.read("env", hook.env));
  WARD_TRY(node.read("timeout", hook.timeout));
  if (hook.timeout && *hook.timeout <= 0)
    return fail(fmt::format("{}: must be greater than zero, got {}", node.member_path("timeout"), *hook.timeout));
  return hook;
}

Result<Hooks> parse_hooks(const Node& document) {
  Hooks hooks;
  auto node = document.find("hooks");
  if (!node) return hooks;
  WARD_TRY(node->expect_object());
  const std::pair<const char*, std::vector<Hook>*> kinds[] = {
      {"prestart", &hooks.prestart},
      {"createRuntime", &hooks.create_runtime},
      {"createContainer", &hooks.create_container},
      {"startContainer", &hooks.start_container},
      {"poststart", &hooks.poststart},
      {"poststop", &hooks.poststop},
  };
  for (const auto& [key, list] : kinds) WARD_TRY(node->read_array(key, *list, parse_hook));
  return hooks;
}

Result<std::map<std::string, std::string>> parse_annotations(const Node& document) {
  std::map<std::string, std::string> annotations;
  WARD_TRY(document.read("annotations", annotations));
  if (annotations.contains("")) return fail("annotations: keys must not be empty");
  return annotations;
}

Result<Config> parse_config_document(std::string_view text);

Result<Config> parse_config_document(std::string_view text) {
  auto document_value = WARD_TRY(json::parse(text));
  Node document(document_value, "");
  WARD_TRY(document.expect_object());

  Config config;
  auto version = WARD_TRY(parse_oci_version(document, config.oci_version));

  config.root = WARD_TRY(parse_root(document));

  // The spec lets "process" be absent for a container that is only created;
  // like runc, ward always starts what it creates, so it is required.
  auto process_node = WARD_TRY(document.require("process"));
  config.process = WARD_TRY(detail::parse_process_object(process_node));

  WARD_TRY(document.read("hostname", config.hostname));
  WARD_TRY(document.read("domainname", config.domainname));
  WARD_TRY(document.read_array("mounts", config.mounts, [&](const Node& node) { return parse_mount(node, version); }));

  config.hooks = WARD_TRY(parse_hooks(document));

  config.annotations = WARD_TRY(parse_annotations(document));

  if (auto linux_node = document.find("linux")) {
    config.linux = WARD_TRY(detail::parse_linux(*linux_node));
  }

  WARD_TRY(detail::validate_namespace_rules(config));
  return config;
}

// The module's edge: nlohmann throws on misuse, and that becomes an Error so
// no exception reaches the callers; and every failure of a parse is the
// input's fault (the parsers only read the document), so its kind says so.
template <class Parse>
auto catch_json_exceptions(Parse&& parse) -> decltype(parse()) {
  try {
    auto parsed = parse();
    if (!parsed) parsed.error().as(ErrorKind::invalid_input);
    return parsed;
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("unexpected JSON error: {}", error.what()));
  }
}

}  // namespace

bool Config::has_namespace(NamespaceKind kind) const { return find_namespace(kind) != nullptr; }

const Namespace* Config::find_namespace(NamespaceKind kind) const {
  auto found = std::find_if(linux.namespaces.begin(), linux.namespaces.end(),
                            [kind](const Namespace& ns) { return ns.kind == kind; });
  return found == linux.namespaces.end() ? nullptr : &*found;
}

const char* namespace_kind_name(NamespaceKind kind) {
  switch (kind) {
    case NamespaceKind::pid: return "pid";
    case NamespaceKind::network: return "network";
    case NamespaceKind::mount: return "mount";
    case NamespaceKind::ipc: return "ipc";
    case NamespaceKind::uts: return "uts";
    case NamespaceKind::user: return "user";
    case NamespaceKind::cgroup: return "cgroup";
    case NamespaceKind::time: return "time";
  }
  return "unknown";
}

Result<Config> parse_config(std::string_view json_text) {
  return context(catch_json_exceptions([&] { return parse_config_document(json_text); }), "config.json");
}

Result<Config> load_config(const std::string& bundle_dir) {
  std::string path = bundle_dir;
  if (path.empty() || path.back() != '/') path += '/';
  path += "config.json";
  auto text = sys::read_file(path);  // its errors name the path
  if (!text) return std::unexpected(std::move(text.error()));
  return context(catch_json_exceptions([&] { return parse_config_document(*text); }), "{}", path);
}

Result<Resources> parse_resources(std::string_view json_text) {
  auto parsed = catch_json_exceptions([&]() -> Result<Resources> {
    auto document = WARD_TRY(json::parse(json_text));
    return detail::parse_resources(Node(document, ""));
  });
  return context(std::move(parsed), "resources");
}

Result<Process> parse_process(std::string_view json_text) {
  auto parsed = catch_json_exceptions([&]() -> Result<Process> {
    auto document = WARD_TRY(json::parse(json_text));
    return detail::parse_process_object(Node(document, ""));
  });
  return context(std::move(parsed), "process.json");
}

}  // namespace ward::oci
