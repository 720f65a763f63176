// ward ps [OPTIONS] (also `ward container ls`): Docker's columns, -a, -q,
// -n, -l, --no-trunc, --filter and --format.
#include <fnmatch.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "cli/ward/container_views.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"all", "a"}, false, "show all containers (default: only running ones)"},
    {{"filter", "f"},
     true,
     "filter: id=, name=, status=created|running|paused|exited, exited=CODE, ancestor=IMAGE, label=KEY[=VALUE], "
     "health=starting|healthy|unhealthy|none"},
    {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"},
    {{"last", "n"}, true, "show the N last created containers (all states)"},
    {{"latest", "l"}, false, "show the last created container (all states)"},
    {{"no-trunc"}, false, "do not truncate output"},
    {{"quiet", "q"}, false, "only show container IDs"},
    {{"size", "s"}, false, "show sizes"},
    {{"help"}, false, "show help"},
};

const HeaderLabels kLabels = {{"Command", "COMMAND"}, {"CreatedAt", "CREATED AT"}, {"ID", "CONTAINER ID"},
                              {"Image", "IMAGE"},     {"Labels", "LABELS"},        {"LocalVolumes", "LOCAL VOLUMES"},
                              {"Mounts", "MOUNTS"},   {"Names", "NAMES"},          {"Networks", "NETWORKS"},
                              {"Ports", "PORTS"},     {"RunningFor", "CREATED"},   {"Size", "SIZE"},
                              {"State", "STATE"},     {"Status", "STATUS"}};

using ward::engine::ContainerRecord;

Result<bool> matches(const ContainerRecord& record, const std::string& filter) {
  auto eq = filter.find('=');
  if (eq == std::string::npos)
    return fail(ErrorKind::invalid_input, fmt::format("--filter \"{}\": expected KEY=VALUE", filter));
  std::string key = filter.substr(0, eq), value = filter.substr(eq + 1);
  if (key == "id") return record.id.starts_with(value);
  if (key == "name") return record.name.find(value) != std::string::npos;
  if (key == "status") {
    if (value != "created" && value != "running" && value != "exited" && value != "paused" && value != "restarting" &&
        value != "removing" && value != "dead")
      return fail(ErrorKind::invalid_input, fmt::format("--filter status: invalid value \"{}\"", value));
    return container_state_name(record) == value;
  }
  if (key == "health") {
    if (value != "starting" && value != "healthy" && value != "unhealthy" && value != "none")
      return fail(ErrorKind::invalid_input, fmt::format("--filter health: invalid value \"{}\"", value));
    std::string health = ward::engine::health_status(record.health);
    return value == (health.empty() ? "none" : health);
  }
  if (key == "exited")
    return record.status == ward::engine::ContainerStatus::exited && std::to_string(record.exit_code) == value;
  if (key == "ancestor")
    return record.spec.image == value || record.image_id == value || record.image_id.substr(7).starts_with(value);
  if (key == "label") {
    auto label_eq = value.find('=');
    auto it = record.spec.labels.find(value.substr(0, label_eq));
    if (it == record.spec.labels.end()) return false;
    return label_eq == std::string::npos || it->second == value.substr(label_eq + 1);
  }
  return fail(ErrorKind::invalid_input, fmt::format("--filter: invalid filter \"{}\"", key));
}

}  // namespace

int cmd_ps(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("ps", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward ps [OPTIONS]\n\nList containers.\n\nOptions:\n" + flags_help(kFlags)).c_str(), stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail("ps", "accepts no arguments", kExitDockerUsage);
  long last = -1;
  if (parsed->has("last")) {
    const std::string text = parsed->value("last");  // strtol's end points into it
    char* end = nullptr;
    last = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
      return kReporter.fail("ps", fmt::format("--last {}: not a number", text), kExitDockerUsage);
  }
  if (parsed->flag("latest")) last = 1;
  bool all = parsed->flag("all") || last >= 0;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("ps", engine.error());
  auto records = engine->list();
  if (!records) return kReporter.fail("ps", records.error());
  std::vector<std::string> filters = parsed->all("filter");
  if (filters.empty() && parsed->has("filter")) filters.push_back(parsed->value("filter"));
  // A wrong filter is an error even when no container would meet it.
  for (const auto& filter : filters)
    if (auto valid = matches(ContainerRecord{}, filter); !valid)
      return kReporter.fail("ps", valid.error(), kExitDockerUsage);
  std::vector<nlohmann::json> rows;
  std::vector<std::string> ids;
  long taken = 0;
  for (const auto& record : *records) {
    if (last >= 0 && taken >= last) break;
    ++taken;
    if (!all && record.status != ward::engine::ContainerStatus::running) continue;
    bool keep = true;
    for (const auto& filter : filters) keep = keep && matches(record, filter).value_or(false);
    if (!keep) continue;
    rows.push_back(container_row(record, parsed->flag("no-trunc")));
    if (parsed->flag("size")) {
      auto sizes = container_sizes(*engine, record);
      if (!sizes) return kReporter.fail("ps", sizes.error());
      rows.back()["Size"] = size_text(*sizes);
    }
    ids.push_back(parsed->flag("no-trunc") ? record.id : record.id.substr(0, 12));
  }
  if (parsed->flag("quiet")) {
    for (const auto& id : ids) std::printf("%s\n", id.c_str());
    return 0;
  }
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (format.empty())
    format =
        parsed->flag("size")
            ? "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}"
            : "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
  auto text = render_format(format, kLabels, rows);
  if (!text) return kReporter.fail("ps", text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

}  // namespace ward::cli::engine
