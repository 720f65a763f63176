// ward system SUBCOMMAND: df for now (info and prune come with the engine,
// issue 15).  `system df` prints Docker's four rows; ward has no containers,
// volumes or build cache before the engine, so those rows count zero, and
// every image is reclaimable (no container uses it).  Images' SIZE is what
// the store holds on disk: each unpacked layer once, plus the blobs.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kDfFlags = {
    {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"},
    {{"verbose", "v"}, false, "per-image usage: not supported yet"},
    {{"help", "h"}, false, "show help"},
};

const HeaderLabels kLabels = {
    {"Type", "TYPE"}, {"TotalCount", "TOTAL"}, {"Active", "ACTIVE"}, {"Size", "SIZE"}, {"Reclaimable", "RECLAIMABLE"}};

std::string reclaimable(std::int64_t bytes, std::int64_t total) {
  std::string text = human_size(static_cast<std::uint64_t>(bytes));
  if (total > 0) text += fmt::format(" ({}%)", bytes * 100 / total);
  return text;
}

nlohmann::json row(std::string type, std::int64_t count, std::int64_t size) {
  return {{"Type", std::move(type)},
          {"TotalCount", std::to_string(count)},
          {"Active", "0"},
          {"Size", human_size(static_cast<std::uint64_t>(size))},
          {"Reclaimable", reclaimable(size, size)}};
}

int cmd_system_df(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kDfFlags, false);
  if (!parsed) return kReporter.fail("system df", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward system df [OPTIONS]\n\nShow ward disk usage.\n\nOptions:\n" + flags_help(kDfFlags)).c_str(),
        stdout);
    return 0;
  }
  if (parsed->flag("verbose"))
    return kReporter.fail("system df", "--verbose: not supported yet (per-image shared and unique sizes)",
                          kExitDockerUsage);
  if (!parsed->positional.empty()) return kReporter.fail("system df", "accepts no arguments", kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("system df", store.error());
  auto usage = store->disk_usage();
  if (!usage) return kReporter.fail("system df", usage.error());
  std::vector<nlohmann::json> rows = {row("Images", usage->images, usage->layers_size + usage->blobs_size),
                                      row("Containers", 0, 0), row("Local Volumes", 0, 0), row("Build Cache", 0, 0)};
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (format.empty()) format = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
  auto text = render_format(format, kLabels, rows);
  if (!text) return kReporter.fail("system df", text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

constexpr Verb<WardOptions> kSystemVerbs[] = {
    {"df", "show disk usage", cmd_system_df},
};

}  // namespace

int cmd_system(const WardOptions& options, const std::vector<std::string>& args) {
  return run_subcommand({"system", "Manage ward.", kSystemVerbs, {}}, options, args);
}

}  // namespace ward::cli::engine
