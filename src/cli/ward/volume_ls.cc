// ward volume ls [-q] [--filter ...] [--format ...] and ward volume prune
// [-f] [--filter label=...]: the volumes listed, and those no container
// uses removed (Docker 20.10's prune: named ones too).
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"
#include "cli/ward/prune_filters.h"
#include "cli/ward/prune_steps.h"
#include "engine/volumes.h"

namespace ward::cli::engine {

namespace {

using ward::engine::VolumeRecord;

// ls's --filter: every one given must match (Docker ANDs different keys
// and ORs values of one key).
struct ListFilters {
  std::optional<bool> dangling;
  std::vector<std::string> names, drivers;
  std::vector<std::string> labels;  // "key" or "key=value"
};

Result<ListFilters> parse_list_filters(const ParsedArgs& parsed) {
  ListFilters filters;
  for (const auto& text : parsed.all("filter")) {
    auto eq = text.find('=');
    std::string key = text.substr(0, eq), value = eq == std::string::npos ? "" : text.substr(eq + 1);
    if (key == "dangling") {
      if (value == "true" || value == "1") {
        filters.dangling = true;
      } else if (value == "false" || value == "0") {
        filters.dangling = false;
      } else {
        return fail(ErrorKind::invalid_input, fmt::format("--filter {}: expected dangling=true or false", text));
      }
    } else if (key == "name") {
      filters.names.push_back(value);
    } else if (key == "driver") {
      filters.drivers.push_back(value);
    } else if (key == "label") {
      filters.labels.push_back(value);
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("--filter {}: invalid filter '{}'", text, key));
    }
  }
  return filters;
}

bool has_label(const VolumeRecord& volume, const std::string& filter) {
  auto eq = filter.find('=');
  auto it = volume.labels.find(filter.substr(0, eq));
  return it != volume.labels.end() && (eq == std::string::npos || it->second == filter.substr(eq + 1));
}

bool any_matches(const std::vector<std::string>& values, const std::function<bool(const std::string&)>& match) {
  if (values.empty()) return true;
  return std::any_of(values.begin(), values.end(), match);
}

std::string labels_text(const VolumeRecord& volume) {
  std::string text;
  for (const auto& [key, value] : volume.labels) text += (text.empty() ? "" : ",") + key + "=" + value;
  return text;
}

const HeaderLabels kLabels = {{"Driver", "DRIVER"}, {"Name", "VOLUME NAME"}, {"Mountpoint", "MOUNTPOINT"},
                              {"Labels", "LABELS"}, {"Scope", "SCOPE"},      {"Links", "LINKS"},
                              {"Size", "SIZE"}};

const std::vector<FlagSpec> kListFlags = {
    {{"filter", "f"}, true, "dangling=true|false, name=TEXT, label=KEY[=VALUE], driver=NAME"},
    {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"},
    {{"quiet", "q"}, false, "only show volume names"},
    {{"help", "h"}, false, "show help"},
};

const std::vector<FlagSpec> kPruneFlags = {
    {{"filter"}, true, "label=KEY[=VALUE], label!=KEY[=VALUE]"},
    {{"force", "f"}, false, "do not prompt for confirmation"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_volume_ls(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr std::string_view verb = "volume ls";
  auto parsed = parse_docker_args(args, kListFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward volume ls [OPTIONS]\n\nList volumes.\n\nOptions:\n" + flags_help(kListFlags)).c_str(),
               stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail(verb, "accepts no arguments", kExitDockerUsage);
  auto filters = parse_list_filters(*parsed);
  if (!filters) return kReporter.fail(verb, filters.error(), kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail(verb, store.error());
  auto volumes = ward::engine::list_volumes(store->database());
  if (!volumes) return kReporter.fail(verb, volumes.error());
  std::vector<nlohmann::json> rows;
  for (const auto& volume : *volumes) {
    if (filters->dangling) {
      auto users = ward::engine::volume_users(store->database(), volume.name);
      if (!users) return kReporter.fail(verb, users.error());
      if (users->empty() != *filters->dangling) continue;
    }
    if (!any_matches(filters->names, [&](const std::string& n) { return volume.name.find(n) != std::string::npos; }))
      continue;
    if (!any_matches(filters->drivers, [&](const std::string& d) { return volume.driver == d; })) continue;
    if (!std::all_of(filters->labels.begin(), filters->labels.end(),
                     [&](const std::string& label) { return has_label(volume, label); }))
      continue;
    rows.push_back({{"Driver", volume.driver},
                    {"Labels", labels_text(volume)},
                    {"Links", "N/A"},
                    {"Mountpoint", ward::engine::volume_mountpoint(store->root(), volume.name)},
                    {"Name", volume.name},
                    {"Scope", "local"},
                    {"Size", "N/A"}});
  }
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (parsed->flag("quiet")) format = "{{.Name}}";
  if (format.empty()) format = "table {{.Driver}}\t{{.Name}}";
  auto text = render_format(format, kLabels, rows);
  if (!text) return kReporter.fail(verb, text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

int cmd_volume_prune(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr std::string_view verb = "volume prune";
  auto parsed = parse_docker_args(args, kPruneFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward volume prune [OPTIONS]\n\nRemove all unused local volumes.\n\nOptions:\n" +
                flags_help(kPruneFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail(verb, "accepts no arguments", kExitDockerUsage);
  auto filters = parse_prune_filters(*parsed);
  if (!filters) return kReporter.fail(verb, filters.error(), kExitDockerUsage);
  if (filters->until)
    return kReporter.fail(verb, "--filter until: invalid filter 'until' for volumes (label is)", kExitDockerUsage);
  if (!parsed->flag("force") && !confirm_prune("WARNING! This will remove all local volumes not used by at least one "
                                               "container."))
    return 0;
  auto store = open_store(options);
  if (!store) return kReporter.fail(verb, store.error());
  auto pruned = prune_volumes(*store, *filters, verb);
  if (!pruned.deleted.empty()) std::printf("Deleted Volumes:\n%s\n", pruned.deleted.c_str());
  std::printf("Total reclaimed space: %s\n", human_size(pruned.reclaimed).c_str());
  return pruned.status;
}

}  // namespace ward::cli::engine
