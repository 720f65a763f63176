// image_views.h.
#include "cli/ward/image_views.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "cli/core/human_units.h"
#include "image/reference.h"
#include "image/spec.h"

namespace ward::cli::engine {

namespace {

using Json = nlohmann::ordered_json;

Json list_or_null(const std::vector<std::string>& values) {
  return values.empty() ? Json(nullptr) : Json(values);
}

Json set_object_or_null(const std::set<std::string>& keys) {
  if (keys.empty()) return nullptr;
  Json object = Json::object();
  for (const auto& key : keys) object[key] = Json::object();
  return object;
}

// Docker's container config, as image inspect shows it: every field, the
// empty ones as Docker prints them.
Json container_config_json(const image::ContainerConfig& config) {
  Json out = {{"Hostname", ""},       {"Domainname", ""},      {"User", config.user},
              {"AttachStdin", false}, {"AttachStdout", false}, {"AttachStderr", false}};
  if (!config.exposed_ports.empty()) out["ExposedPorts"] = set_object_or_null(config.exposed_ports);
  out["Tty"] = false;
  out["OpenStdin"] = false;
  out["StdinOnce"] = false;
  out["Env"] = list_or_null(config.env);
  out["Cmd"] = list_or_null(config.cmd);
  if (config.healthcheck) {
    Json check = {{"Test", config.healthcheck->test}};
    if (config.healthcheck->interval != 0) check["Interval"] = config.healthcheck->interval;
    if (config.healthcheck->timeout != 0) check["Timeout"] = config.healthcheck->timeout;
    if (config.healthcheck->start_period != 0) check["StartPeriod"] = config.healthcheck->start_period;
    if (config.healthcheck->retries != 0) check["Retries"] = config.healthcheck->retries;
    out["Healthcheck"] = check;
  }
  if (config.args_escaped) out["ArgsEscaped"] = true;
  out["Image"] = "";
  out["Volumes"] = set_object_or_null(config.volumes);
  out["WorkingDir"] = config.working_dir;
  out["Entrypoint"] = list_or_null(config.entrypoint);
  out["OnBuild"] = list_or_null(config.on_build);
  out["Labels"] = config.labels.empty() ? Json(nullptr) : Json(config.labels);
  if (!config.stop_signal.empty()) out["StopSignal"] = config.stop_signal;
  if (!config.shell.empty()) out["Shell"] = config.shell;
  return out;
}

std::vector<std::string> familiar_all(const std::vector<std::string>& references) {
  std::vector<std::string> out;
  for (const auto& text : references) {
    auto parsed = image::parse_reference(text);
    out.push_back(parsed ? parsed->familiar() : text);
  }
  return out;
}

}  // namespace

Result<Json> image_inspect_json(image::Store& store, const image::ImageRecord& record) {
  auto config_bytes = WARD_TRY(store.blobs().read_blob(record.config_digest));
  auto config = WARD_TRY(image::parse_image_config(config_bytes));
  Json out;
  out["Id"] = record.id.string();
  out["RepoTags"] = familiar_all(record.repo_tags);
  out["RepoDigests"] = familiar_all(record.repo_digests);
  out["Parent"] = "";
  out["Comment"] = config.history.empty() ? "" : config.history.back().comment;
  out["Created"] = config.created;
  out["Author"] = config.author;
  out["Config"] = container_config_json(config.config);
  out["Architecture"] = config.platform.architecture;
  if (!config.platform.variant.empty()) out["Variant"] = config.platform.variant;
  out["Os"] = config.platform.os;
  out["Size"] = record.size;
  out["VirtualSize"] = record.size;
  // The layer directories, top first, as an overlay mount stacks them.
  std::string lower;
  for (auto layer = record.layers.rbegin(); layer != record.layers.rend(); ++layer)
    lower += (lower.empty() ? "" : ":") + store.layer_path(layer->chain_id);
  out["GraphDriver"] = {{"Data", {{"LowerDir", lower}}}, {"Name", "overlay"}};
  Json layers = Json::array();
  for (const auto& layer : record.layers) layers.push_back(layer.diff_id.string());
  out["RootFS"] = {{"Type", "layers"}, {"Layers", layers}};
  out["Metadata"] = {{"LastTagTime", "0001-01-01T00:00:00Z"}};
  return out;
}

std::vector<Json> image_rows(const image::ImageRecord& record, bool no_trunc) {
  std::string id = no_trunc ? record.id.string() : record.id.hex().substr(0, 12);
  auto created = parse_rfc3339(record.created);
  std::string since = "N/A";
  if (created) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    since = human_duration(std::chrono::seconds(now.count() - *created)) + " ago";
  }
  // Go's time.Time String(), which Docker's CreatedAt shows.
  std::string created_at = created ? go_time_utc(*created) : record.created;
  std::string size = human_size(static_cast<std::uint64_t>(record.size));
  std::string digest = "<none>";
  if (!record.repo_digests.empty()) {
    auto at = record.repo_digests.front().find('@');
    if (at != std::string::npos) digest = record.repo_digests.front().substr(at + 1);
  }
  auto row = [&](std::string repository, std::string tag) {
    return Json{{"Containers", "N/A"},
                {"CreatedAt", created_at},
                {"CreatedSince", since},
                {"Digest", digest},
                {"ID", id},
                {"Repository", repository},
                {"SharedSize", "N/A"},
                {"Size", size},
                {"Tag", tag},
                {"UniqueSize", "N/A"},
                {"VirtualSize", size}};
  };
  std::vector<Json> rows;
  for (const auto& text : record.repo_tags) {
    auto reference = image::parse_reference(text);
    if (!reference) continue;
    std::string familiar = reference->familiar();
    std::string repository = familiar.substr(0, familiar.size() - reference->tag.size() - 1);
    rows.push_back(row(repository, reference->tag));
  }
  if (rows.empty()) rows.push_back(row("<none>", "<none>"));
  return rows;
}

}  // namespace ward::cli::engine
