// Reading image manifests, indexes and configs (spec.h).  Field names are
// the spec's; Docker's schema 2 uses the same ones.  Every failure is the
// document's fault, so every error is invalid_input.
#include <utility>

#include <fmt/format.h>

#include "image/spec.h"
#include "util/json_reader.h"

namespace ward::image {

namespace {

using json::Node;

Result<Digest> parse_digest(const Node& node) {
  auto text = WARD_TRY(node.as<std::string>());
  auto digest = Digest::parse(text);
  if (!digest) return node.error(digest.error().message);
  return *digest;
}

// A JSON object used as a set ("ExposedPorts": {"80/tcp": {}}): its keys.
// The values carry nothing (Docker writes {}), so they are not read.
Result<std::set<std::string>> parse_key_set(const Node& parent, std::string_view key) {
  std::set<std::string> keys;
  auto member = parent.find(key);
  if (!member) return keys;
  WARD_TRY(member->expect_object());
  for (const auto& [name, value] : member->value().items()) {
    if (name.empty() || name.find('\0') != std::string::npos)
      return member->error("keys must be non-empty and without NUL characters");
    keys.insert(name);
  }
  return keys;
}

// Node::read_array for a member the spec requires: absent or null is
// "<key>: required"; an empty array is fine.
template <class T, class Parse>
Result<> read_required_array(const Node& node, std::string_view key, std::vector<T>& out, Parse&& parse) {
  if (auto member = node.require(key); !member) return std::unexpected(std::move(member.error()));
  return node.read_array(key, out, std::forward<Parse>(parse));
}

Result<Platform> parse_platform_fields(const Node& node) {
  Platform platform;
  platform.architecture = WARD_TRY(node.required<std::string>("architecture"));
  platform.os = WARD_TRY(node.required<std::string>("os"));
  WARD_TRY(node.read("variant", platform.variant));
  WARD_TRY(node.read("os.version", platform.os_version));
  WARD_TRY(node.read("os.features", platform.os_features));
  return platform;
}

Result<Descriptor> parse_descriptor(const Node& node) {
  WARD_TRY(node.expect_object());
  Descriptor descriptor;
  descriptor.media_type = WARD_TRY(node.required<std::string>("mediaType"));
  descriptor.digest = WARD_TRY(parse_digest(WARD_TRY(node.require("digest"))));
  auto size = WARD_TRY(node.require("size"));
  descriptor.size = WARD_TRY(size.as<std::int64_t>());
  if (descriptor.size < 0) return size.error(fmt::format("must not be negative, got {}", descriptor.size));
  WARD_TRY(node.read("urls", descriptor.urls));
  WARD_TRY(node.read("annotations", descriptor.annotations));
  WARD_TRY(node.read("artifactType", descriptor.artifact_type));
  if (auto platform = node.find("platform")) {
    WARD_TRY(platform->expect_object());
    descriptor.platform = WARD_TRY(parse_platform_fields(*platform));
  }
  return descriptor;
}

// schemaVersion 2 and, when present, a media type of the expected kind.
// Schema 1 is named in the refusal so that a user knows why a very old
// image does not pull.
Result<> check_version_and_type(const Node& document, std::string_view media_type, bool want_index) {
  if (is_schema1_media_type(media_type))
    return document.find("mediaType")
        ->error(fmt::format("\"{}\" is Docker schema 1, which ward does not support", media_type));
  auto version_node = WARD_TRY(document.require("schemaVersion"));
  auto version = WARD_TRY(version_node.as<int>());
  if (version == 1) return version_node.error("1 is Docker schema 1, which ward does not support; must be 2");
  if (version != 2) return version_node.error(fmt::format("must be 2, got {}", version));
  if (media_type.empty()) return {};
  bool expected = want_index ? is_index_media_type(media_type) : is_manifest_media_type(media_type);
  if (!expected) {
    std::string_view kind = is_index_media_type(media_type)      ? "an index, not a manifest"
                            : is_manifest_media_type(media_type) ? "a manifest, not an index"
                                                                 : "not a manifest or index type";
    return document.find("mediaType")->error(fmt::format("\"{}\" is {}", media_type, kind));
  }
  return {};
}

Result<json::Value> parse_object(std::string_view text) {
  auto value = WARD_TRY(json::parse(text));
  WARD_TRY(Node(value, "").expect_object());
  return value;
}

Result<Manifest> parse_manifest_document(std::string_view text) {
  auto value = WARD_TRY(parse_object(text));
  Node document(value, "");
  Manifest manifest;
  WARD_TRY(document.read("mediaType", manifest.media_type));
  WARD_TRY(check_version_and_type(document, manifest.media_type, /*want_index=*/false));
  WARD_TRY(document.read("artifactType", manifest.artifact_type));
  manifest.config = WARD_TRY(parse_descriptor(WARD_TRY(document.require("config"))));
  WARD_TRY(read_required_array(document, "layers", manifest.layers, parse_descriptor));
  if (auto subject = document.find("subject")) manifest.subject = WARD_TRY(parse_descriptor(*subject));
  WARD_TRY(document.read("annotations", manifest.annotations));
  return manifest;
}

Result<Index> parse_index_document(std::string_view text) {
  auto value = WARD_TRY(parse_object(text));
  Node document(value, "");
  Index index;
  WARD_TRY(document.read("mediaType", index.media_type));
  WARD_TRY(check_version_and_type(document, index.media_type, /*want_index=*/true));
  WARD_TRY(document.read("artifactType", index.artifact_type));
  WARD_TRY(read_required_array(document, "manifests", index.manifests, parse_descriptor));
  if (auto subject = document.find("subject")) index.subject = WARD_TRY(parse_descriptor(*subject));
  WARD_TRY(document.read("annotations", index.annotations));
  return index;
}

Result<Healthcheck> parse_healthcheck(const Node& node) {
  WARD_TRY(node.expect_object());
  Healthcheck check;
  WARD_TRY(node.read("Test", check.test));
  for (auto [key, out] :
       {std::pair{"Interval", &check.interval}, std::pair{"Timeout", &check.timeout},
        std::pair{"StartPeriod", &check.start_period}, std::pair{"StartInterval", &check.start_interval}}) {
    WARD_TRY(node.read(key, *out));
    if (*out < 0) return node.find(key)->error(fmt::format("must not be negative, got {}", *out));
  }
  WARD_TRY(node.read("Retries", check.retries));
  if (check.retries < 0) return node.find("Retries")->error(fmt::format("must not be negative, got {}", check.retries));
  return check;
}

Result<ContainerConfig> parse_container_config(const Node& node) {
  WARD_TRY(node.expect_object());
  ContainerConfig config;
  WARD_TRY(node.read("User", config.user));
  config.exposed_ports = WARD_TRY(parse_key_set(node, "ExposedPorts"));
  WARD_TRY(node.read("Env", config.env));
  WARD_TRY(node.read("Entrypoint", config.entrypoint));
  WARD_TRY(node.read("Cmd", config.cmd));
  config.volumes = WARD_TRY(parse_key_set(node, "Volumes"));
  WARD_TRY(node.read("WorkingDir", config.working_dir));
  WARD_TRY(node.read("Labels", config.labels));
  WARD_TRY(node.read("StopSignal", config.stop_signal));
  if (auto healthcheck = node.find("Healthcheck")) config.healthcheck = WARD_TRY(parse_healthcheck(*healthcheck));
  WARD_TRY(node.read("ArgsEscaped", config.args_escaped));
  WARD_TRY(node.read("OnBuild", config.on_build));
  WARD_TRY(node.read("Shell", config.shell));
  return config;
}

Result<RootFs> parse_rootfs(const Node& node) {
  WARD_TRY(node.expect_object());
  RootFs rootfs;
  auto type = WARD_TRY(node.require("type"));
  rootfs.type = WARD_TRY(type.as<std::string>());
  if (rootfs.type != "layers") return type.error(fmt::format("must be \"layers\", got \"{}\"", rootfs.type));
  WARD_TRY(read_required_array(node, "diff_ids", rootfs.diff_ids, parse_digest));
  return rootfs;
}

Result<HistoryEntry> parse_history_entry(const Node& node) {
  WARD_TRY(node.expect_object());
  HistoryEntry entry;
  WARD_TRY(node.read("created", entry.created));
  WARD_TRY(node.read("created_by", entry.created_by));
  WARD_TRY(node.read("author", entry.author));
  WARD_TRY(node.read("comment", entry.comment));
  WARD_TRY(node.read("empty_layer", entry.empty_layer));
  return entry;
}

Result<ImageConfig> parse_image_config_document(std::string_view text) {
  auto value = WARD_TRY(parse_object(text));
  Node document(value, "");
  ImageConfig config;
  WARD_TRY(document.read("created", config.created));
  WARD_TRY(document.read("author", config.author));
  config.platform = WARD_TRY(parse_platform_fields(document));
  if (auto container = document.find("config")) config.config = WARD_TRY(parse_container_config(*container));
  config.rootfs = WARD_TRY(parse_rootfs(WARD_TRY(document.require("rootfs"))));
  WARD_TRY(document.read_array("history", config.history, parse_history_entry));
  return config;
}

// The module's edge, as in oci/config_parse.cc: nothing nlohmann throws
// gets past, and every failure is the input's.
template <class Parse>
auto parse_at_edge(std::string_view what, Parse&& parse) -> decltype(parse()) {
  try {
    auto parsed = parse();
    if (!parsed) parsed.error().as(ErrorKind::invalid_input).wrap(what);
    return parsed;
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("{}: unexpected JSON error: {}", what, error.what()));
  }
}

}  // namespace

Result<Manifest> parse_manifest(std::string_view json) {
  return parse_at_edge("image manifest", [&] { return parse_manifest_document(json); });
}

Result<Index> parse_index(std::string_view json) {
  return parse_at_edge("image index", [&] { return parse_index_document(json); });
}

Result<ImageConfig> parse_image_config(std::string_view json) {
  return parse_at_edge("image config", [&] { return parse_image_config_document(json); });
}

}  // namespace ward::image
