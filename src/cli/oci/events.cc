// `events [--stats] [--interval DURATION] ID`: with --stats one stats
// document; otherwise runc's stream: a stats document every interval
// (default 5s) and an {"type":"oom","id":ID} line at every OOM in the
// container, until the container stops.
#include <cstdio>

#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

namespace {

// "5s", "500ms", "1m", or seconds as a bare number.
std::optional<long> interval_ms(const std::string& text) {
  try {
    size_t used = 0;
    double value = std::stod(text, &used);
    std::string unit = text.substr(used);
    if (unit.empty() || unit == "s") return static_cast<long>(value * 1000);
    if (unit == "ms") return static_cast<long>(value);
    if (unit == "m") return static_cast<long>(value * 60000);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

void print_line(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int cmd_events(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("events", args,
                           {{{"stats"}, false, "print the container's resource statistics once and exit"},
                            {{"interval"}, true, "interval between stats documents (default 5s)"}},
                           1, 1, "[command options] <container-id>");
  if (!parsed) return 1;
  runtime::Runtime runtime(global.root);
  const std::string& id = parsed->positional[0];
  auto interval = interval_ms(parsed->value("interval", "5s"));
  if (!interval || *interval <= 0 || *interval > 24L * 3600 * 1000)
    return report_error("events: --interval: \"" + parsed->value("interval") + "\" is not a duration");
  if (parsed->flag("stats")) {
    auto stats = runtime.stats(id);
    if (!stats) return report_error(stats.error());
    print_line(*stats);
    return 0;
  }
  if (auto r = runtime.events(id, static_cast<int>(*interval), print_line); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
