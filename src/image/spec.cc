// Media types and the writers of spec.h.  The writers use nlohmann's
// ordered_json so that fields come out in the spec's order, as registries
// and other tools write them, which keeps stored documents readable.
#include "image/spec.h"

#include <nlohmann/json.hpp>

namespace ward::image {

namespace {

using Json = nlohmann::ordered_json;

Json platform_fields(const Platform& platform, Json object) {
  object["architecture"] = platform.architecture;
  object["os"] = platform.os;
  if (!platform.os_version.empty()) object["os.version"] = platform.os_version;
  if (!platform.os_features.empty()) object["os.features"] = platform.os_features;
  if (!platform.variant.empty()) object["variant"] = platform.variant;
  return object;
}

Json descriptor_json(const Descriptor& descriptor) {
  Json object = Json::object();
  object["mediaType"] = descriptor.media_type;
  if (!descriptor.artifact_type.empty()) object["artifactType"] = descriptor.artifact_type;
  object["digest"] = descriptor.digest.string();
  object["size"] = descriptor.size;
  if (!descriptor.urls.empty()) object["urls"] = descriptor.urls;
  if (!descriptor.annotations.empty()) object["annotations"] = descriptor.annotations;
  if (descriptor.platform) object["platform"] = platform_fields(*descriptor.platform, Json::object());
  return object;
}

Json key_set(const std::set<std::string>& keys) {
  Json object = Json::object();
  for (const auto& key : keys) object[key] = Json::object();
  return object;
}

Json container_config_json(const ContainerConfig& config) {
  Json object = Json::object();
  if (!config.user.empty()) object["User"] = config.user;
  if (!config.exposed_ports.empty()) object["ExposedPorts"] = key_set(config.exposed_ports);
  if (!config.env.empty()) object["Env"] = config.env;
  if (!config.entrypoint.empty()) object["Entrypoint"] = config.entrypoint;
  if (!config.cmd.empty()) object["Cmd"] = config.cmd;
  if (!config.volumes.empty()) object["Volumes"] = key_set(config.volumes);
  if (!config.working_dir.empty()) object["WorkingDir"] = config.working_dir;
  if (!config.labels.empty()) object["Labels"] = config.labels;
  if (!config.stop_signal.empty()) object["StopSignal"] = config.stop_signal;
  if (config.healthcheck) {
    const Healthcheck& check = *config.healthcheck;
    Json health = Json::object();
    if (!check.test.empty()) health["Test"] = check.test;
    if (check.interval != 0) health["Interval"] = check.interval;
    if (check.timeout != 0) health["Timeout"] = check.timeout;
    if (check.start_period != 0) health["StartPeriod"] = check.start_period;
    if (check.start_interval != 0) health["StartInterval"] = check.start_interval;
    if (check.retries != 0) health["Retries"] = check.retries;
    object["Healthcheck"] = health;
  }
  if (config.args_escaped) object["ArgsEscaped"] = true;
  if (!config.on_build.empty()) object["OnBuild"] = config.on_build;
  if (!config.shell.empty()) object["Shell"] = config.shell;
  return object;
}

}  // namespace

bool is_manifest_media_type(std::string_view type) {
  return type == media_type::kOciManifest || type == media_type::kDockerManifest;
}

bool is_index_media_type(std::string_view type) {
  return type == media_type::kOciIndex || type == media_type::kDockerManifestList;
}

bool is_schema1_media_type(std::string_view type) {
  return type == media_type::kDockerSchema1Manifest || type == media_type::kDockerSchema1SignedManifest;
}

std::optional<LayerCompression> layer_compression(std::string_view type) {
  using namespace media_type;
  if (type == kOciLayerTar || type == kOciLayerNondistributableTar || type == kDockerLayerTar)
    return LayerCompression::none;
  if (type == kOciLayerGzip || type == kOciLayerNondistributableGzip || type == kDockerLayerGzip ||
      type == kDockerForeignLayerGzip)
    return LayerCompression::gzip;
  if (type == kOciLayerZstd || type == kOciLayerNondistributableZstd) return LayerCompression::zstd;
  return std::nullopt;
}

std::string write_manifest(const Manifest& manifest) {
  Json object = Json::object();
  object["schemaVersion"] = manifest.schema_version;
  if (!manifest.media_type.empty()) object["mediaType"] = manifest.media_type;
  if (!manifest.artifact_type.empty()) object["artifactType"] = manifest.artifact_type;
  object["config"] = descriptor_json(manifest.config);
  object["layers"] = Json::array();
  for (const auto& layer : manifest.layers) object["layers"].push_back(descriptor_json(layer));
  if (manifest.subject) object["subject"] = descriptor_json(*manifest.subject);
  if (!manifest.annotations.empty()) object["annotations"] = manifest.annotations;
  return object.dump(3);  // Docker's indent, so stored documents read like served ones
}

std::string write_index(const Index& index) {
  Json object = Json::object();
  object["schemaVersion"] = index.schema_version;
  if (!index.media_type.empty()) object["mediaType"] = index.media_type;
  if (!index.artifact_type.empty()) object["artifactType"] = index.artifact_type;
  object["manifests"] = Json::array();
  for (const auto& manifest : index.manifests) object["manifests"].push_back(descriptor_json(manifest));
  if (index.subject) object["subject"] = descriptor_json(*index.subject);
  if (!index.annotations.empty()) object["annotations"] = index.annotations;
  return object.dump(3);  // Docker's indent, so stored documents read like served ones
}

std::string write_image_config(const ImageConfig& config) {
  Json object = Json::object();
  if (!config.created.empty()) object["created"] = config.created;
  if (!config.author.empty()) object["author"] = config.author;
  object = platform_fields(config.platform, std::move(object));
  Json container = container_config_json(config.config);
  if (!container.empty()) object["config"] = container;
  Json rootfs = Json::object();
  rootfs["type"] = config.rootfs.type;
  rootfs["diff_ids"] = Json::array();
  for (const auto& diff_id : config.rootfs.diff_ids) rootfs["diff_ids"].push_back(diff_id.string());
  object["rootfs"] = rootfs;
  if (!config.history.empty()) {
    Json history = Json::array();
    for (const auto& entry : config.history) {
      Json item = Json::object();
      if (!entry.created.empty()) item["created"] = entry.created;
      if (!entry.created_by.empty()) item["created_by"] = entry.created_by;
      if (!entry.author.empty()) item["author"] = entry.author;
      if (!entry.comment.empty()) item["comment"] = entry.comment;
      if (entry.empty_layer) item["empty_layer"] = true;
      history.push_back(item);
    }
    object["history"] = history;
  }
  return object.dump(3);  // Docker's indent, so stored documents read like served ones
}

}  // namespace ward::image
