#include "cli/ward/container_views.h"

#include <chrono>

#include <fmt/format.h>

#include "cli/core/human_units.h"
#include "engine/monitor/monitor.h"
#include "engine/volumes.h"
#include "image/digest.h"

namespace ward::cli::engine {

namespace {

using Json = nlohmann::ordered_json;
using ward::engine::ContainerRecord;
using ward::engine::ContainerStatus;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string ago(const std::string& rfc3339) {
  auto when = parse_rfc3339(rfc3339);
  if (!when) return "";
  return human_duration(std::chrono::seconds(now_seconds() - *when));
}

std::vector<std::string> process_args(const ContainerRecord& record) {
  std::vector<std::string> args = record.spec.entrypoint;
  args.insert(args.end(), record.spec.cmd.begin(), record.spec.cmd.end());
  return args;
}

// Go's zero time, which Docker shows for a time that has not happened.
std::string or_zero_time(const std::string& time) {
  return time.empty() ? "0001-01-01T00:00:00Z" : time;
}

// The engine writes the container's /etc/resolv.conf for --network host
// and for --dns, --dns-search, --dns-option (engine/container_files.cc).
bool writes_resolv_conf(const ward::engine::ContainerSpec& spec) {
  return spec.network == ward::engine::NetworkMode::host || !spec.dns.empty() || !spec.dns_search.empty() ||
         !spec.dns_options.empty();
}

}  // namespace

Result<ContainerSizes> container_sizes(ward::engine::Engine& engine, const ContainerRecord& record) {
  ContainerSizes sizes;
  sizes.writable = WARD_TRY(engine.writable_size(record));
  sizes.root_fs = sizes.writable;
  auto id = image::Digest::parse(record.image_id);
  if (!id) return sizes;
  // An image removed with -f under the container counts nothing.
  if (auto image = engine.store().image(*id); image) sizes.root_fs += static_cast<std::uint64_t>(image->size);
  return sizes;
}

std::string size_text(const ContainerSizes& sizes) {
  return fmt::format("{} (virtual {})", human_size(sizes.writable), human_size(sizes.root_fs));
}

std::string container_state_name(const ContainerRecord& record) {
  if (record.status == ContainerStatus::running && record.paused) return "paused";
  return std::string(ward::engine::status_name(record.status));
}

std::string container_status_text(const ContainerRecord& record) {
  switch (record.status) {
    case ContainerStatus::created: return "Created";
    case ContainerStatus::running: {
      std::string up = "Up " + ago(record.started_at);
      if (record.paused) return up + " (Paused)";
      std::string health = ward::engine::health_status(record.health);
      if (health.empty()) return up;
      return fmt::format("{} ({})", up, health == "starting" ? "health: starting" : health);
    }
    case ContainerStatus::exited: return fmt::format("Exited ({}) {} ago", record.exit_code, ago(record.finished_at));
    case ContainerStatus::restarting:
      return fmt::format("Restarting ({}) {} ago", record.exit_code, ago(record.finished_at));
  }
  return "";
}

namespace {

// Docker's Mounts: one entry per bind, then one per volume.
Json mounts_json(ward::engine::Engine& engine, const ContainerRecord& record) {
  Json mounts = Json::array();
  for (const auto& text : record.spec.binds) {
    if (ward::engine::names_volume(text)) continue;
    auto bind = ward::engine::parse_bind(text);
    if (!bind) continue;
    mounts.push_back({{"Type", "bind"},
                      {"Source", bind->source},
                      {"Destination", bind->destination},
                      {"Mode", bind->read_only ? "ro" : ""},
                      {"RW", !bind->read_only},
                      {"Propagation", "rprivate"}});
  }
  for (const auto& volume : record.spec.volume_mounts)
    mounts.push_back({{"Type", "volume"},
                      {"Name", volume.name},
                      {"Source", ward::engine::volume_mountpoint(engine.store().root(), volume.name)},
                      {"Destination", volume.destination},
                      {"Driver", "local"},
                      {"Mode", volume.read_only   ? "ro"
                               : volume.anonymous ? ""
                                                  : "z"},
                      {"RW", !volume.read_only},
                      {"Propagation", ""}});
  return mounts;
}

}  // namespace

Json container_inspect_json(ward::engine::Engine& engine, const ContainerRecord& record) {
  auto args = process_args(record);
  Json path = args.empty() ? Json("") : Json(args.front());
  Json rest = Json::array();
  for (std::size_t i = 1; i < args.size(); ++i) rest.push_back(args[i]);
  bool running = record.status == ContainerStatus::running;
  Json state = {
      {"Status", container_state_name(record)},
      {"Running", running},
      {"Paused", running && record.paused},
      {"Restarting", record.status == ContainerStatus::restarting},
      {"OOMKilled", record.oom_killed},
      {"Dead", false},
      {"Pid", running ? record.pid : 0},
      {"ExitCode", record.exit_code},
      {"Error", record.exit_code == ward::engine::kUnknownExitCode && record.status == ContainerStatus::exited
                    ? "exit status unknown: the ward that watched the container was killed"
                    : ""},
      {"StartedAt", or_zero_time(record.started_at)},
      {"FinishedAt", or_zero_time(record.finished_at)},
  };
  if (!record.health.empty()) {
    auto health = Json::parse(record.health, nullptr, false);
    if (health.is_object()) state["Health"] = health;
  }
  auto spec = ward::engine::spec_to_json(record.spec);
  std::string bundle = engine.bundle_dir(record.id);
  std::string layers = engine.layer_dir(record.id);
  Json out = {
      {"Id", record.id},
      {"Created", record.created},
      {"Path", path},
      {"Args", rest},
      {"State", state},
      {"Image", record.image_id},
      {"ResolvConfPath", writes_resolv_conf(record.spec) ? bundle + "/resolv.conf" : ""},
      {"HostnamePath", bundle + "/hostname"},
      {"HostsPath", bundle + "/hosts"},
      {"LogPath", record.spec.log_driver == "json-file"
                      ? ward::monitor::container_log_path(engine.store().root(), record.id)
                      : ""},
      {"Name", "/" + record.name},
      {"RestartCount", record.restart_count},
      {"Driver", "overlay"},
      {"Platform", "linux"},
      {"HostConfig", spec["HostConfig"]},
      {"GraphDriver",
       {{"Data", {{"UpperDir", layers + "/upper"}, {"WorkDir", layers + "/work"}}}, {"Name", "overlay"}}},
      {"Mounts", mounts_json(engine, record)},
      {"Config", spec["Config"]},
      {"NetworkSettings", {{"Networks", Json::object()}}},
  };
  return out;
}

namespace {

// ps's MOUNTS: the binds' sources and the volumes' names, each cut to 15
// characters unless --no-trunc, as Docker's.
std::string mount_names(const ContainerRecord& record, bool no_trunc) {
  std::string text;
  auto add = [&](const std::string& name) {
    text += (text.empty() ? "" : ",") + (no_trunc || name.size() <= 15 ? name : name.substr(0, 14) + "…");
  };
  for (const auto& bind_text : record.spec.binds)
    if (!ward::engine::names_volume(bind_text))
      if (auto bind = ward::engine::parse_bind(bind_text)) add(bind->source);
  for (const auto& volume : record.spec.volume_mounts) add(volume.name);
  return text;
}

}  // namespace

nlohmann::json container_row(const ContainerRecord& record, bool no_trunc) {
  std::string command;
  for (const auto& arg : process_args(record)) command += (command.empty() ? "" : " ") + arg;
  if (!no_trunc && command.size() > 20) command = command.substr(0, 19) + "…";
  auto created = parse_rfc3339(record.created);
  return {
      {"Command", "\"" + command + "\""},
      {"CreatedAt", created ? go_time_utc(*created) : record.created},
      {"ID", no_trunc ? record.id : record.id.substr(0, 12)},
      {"Image", record.spec.image},
      {"Labels", ""},
      {"LocalVolumes", std::to_string(record.spec.volume_mounts.size())},
      {"Mounts", mount_names(record, no_trunc)},
      {"Names", record.name},
      {"Networks", std::string(ward::engine::network_mode_name(record.spec.network))},
      {"Ports", ""},
      {"RunningFor", ago(record.created) + " ago"},
      {"Size", "N/A"},
      {"State", container_state_name(record)},
      {"Status", container_status_text(record)},
  };
}

}  // namespace ward::cli::engine
