// ward stats [-a] [--no-stream] [--no-trunc] [--format F] [CONTAINER...]:
// Docker's live table of what running containers use (CPU %, memory,
// network and block I/O, pids), redrawn every second on a terminal and
// printed again every second when piped; --no-stream prints one.  Rates
// come from two readings a second apart.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

using ward::engine::ContainerRecord;
using ward::engine::ContainerUsage;

const std::vector<FlagSpec> kFlags = {
    {{"all", "a"}, false, "show all containers (default shows just running)"},
    {{"format"}, true, "format the output using a Go template (or json)"},
    {{"no-stream"}, false, "print the first result only"},
    {{"no-trunc"}, false, "do not truncate the output"},
    {{"help"}, false, "show help"},
};

const HeaderLabels kLabels = {{"BlockIO", "BLOCK I/O"}, {"CPUPerc", "CPU %"}, {"Container", "CONTAINER"},
                              {"ID", "CONTAINER ID"},   {"MemPerc", "MEM %"}, {"MemUsage", "MEM USAGE / LIMIT"},
                              {"Name", "NAME"},         {"NetIO", "NET I/O"}, {"PIDs", "PIDS"}};

constexpr auto kInterval = std::chrono::seconds(1);

double percent(double part, double whole) {
  return whole > 0 ? part / whole * 100.0 : 0.0;
}

// One row: `now` against `before` (the same container's earlier reading)
// for CPU %; a container that does not run has zeros, as Docker shows.
nlohmann::json stats_row(const std::string& given, const ContainerRecord& record,
                         const std::optional<ContainerUsage>& before, const std::optional<ContainerUsage>& now,
                         bool no_trunc) {
  ContainerUsage zero;
  const ContainerUsage& usage = now ? *now : zero;
  double cpu = 0;
  if (before && now && now->taken > before->taken && now->cpu_ns >= before->cpu_ns) {
    auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(now->taken - before->taken).count();
    cpu = percent(static_cast<double>(now->cpu_ns - before->cpu_ns), static_cast<double>(wall));
  }
  return {
      {"BlockIO", fmt::format("{} / {}", human_size(usage.block_read), human_size(usage.block_write))},
      {"CPUPerc", fmt::format("{:.2f}%", cpu)},
      {"Container", given.empty() ? (no_trunc ? record.id : record.id.substr(0, 12)) : given},
      {"ID", no_trunc ? record.id : record.id.substr(0, 12)},
      {"MemPerc", fmt::format("{:.2f}%", percent(static_cast<double>(usage.memory_bytes),
                                                 static_cast<double>(usage.memory_limit)))},
      {"MemUsage", fmt::format("{} / {}", binary_size(usage.memory_bytes), binary_size(usage.memory_limit))},
      {"Name", record.name},
      {"NetIO", fmt::format("{} / {}", human_size(usage.net_received), human_size(usage.net_sent))},
      {"PIDs", std::to_string(usage.pids)},
  };
}

struct Watched {
  std::string given;  // the name the user typed, "" when listing
  ContainerRecord record;
  std::optional<ContainerUsage> last;
};

}  // namespace

int cmd_stats(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("stats", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward stats [OPTIONS] [CONTAINER...]\n\nDisplay a live stream of container(s) resource usage "
                "statistics.\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (format.empty())
    format = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
  bool no_trunc = parsed->flag("no-trunc"), all = parsed->flag("all"), stream = !parsed->flag("no-stream");
  bool terminal = ::isatty(STDOUT_FILENO) == 1;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("stats", engine.error());
  // Named containers are the ones shown for good (an unknown name is an
  // error); without names, the running ones (-a: all) each time round.
  std::vector<Watched> watched;
  for (const auto& name : parsed->positional) {
    auto record = engine->find(name);
    if (!record) return kReporter.fail("stats", record.error());
    watched.push_back({name, *record, std::nullopt});
  }
  bool listing = parsed->positional.empty();
  auto refresh = [&]() -> Result<> {
    if (listing) {
      std::map<std::string, std::optional<ContainerUsage>> previous;
      for (auto& item : watched) previous[item.record.id] = item.last;
      watched.clear();
      for (auto& record : WARD_TRY(engine->list()))
        if (all || record.status == ward::engine::ContainerStatus::running)
          watched.push_back({"", record, previous[record.id]});
    } else {
      for (auto& item : watched) item.record = WARD_TRY(engine->find(item.record.id));
    }
    return {};
  };
  auto sample = [&](Watched& item) -> std::optional<ContainerUsage> {
    auto usage = engine->usage(item.record);
    return usage ? std::optional<ContainerUsage>(*usage) : std::nullopt;
  };
  if (auto r = refresh(); !r) return kReporter.fail("stats", r.error());
  for (auto& item : watched) item.last = sample(item);
  for (;;) {
    std::this_thread::sleep_for(kInterval);
    if (auto r = refresh(); !r) return kReporter.fail("stats", r.error());
    std::vector<nlohmann::json> rows;
    for (auto& item : watched) {
      auto now = sample(item);
      rows.push_back(stats_row(item.given, item.record, item.last, now, no_trunc));
      item.last = now;
    }
    auto text = render_format(format, kLabels, rows);
    if (!text) return kReporter.fail("stats", text.error(), kExitDockerUsage);
    if (stream && terminal) std::fputs("\033[2J\033[H", stdout);
    std::fputs(text->c_str(), stdout);
    std::fflush(stdout);
    if (!stream) return 0;
  }
}

}  // namespace ward::cli::engine
