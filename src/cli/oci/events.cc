// `events [--stats] [--interval DURATION] ID`: with --stats one stats
// document; otherwise a stats document every interval (runc's default
// 5s) until the container stops.  OOM notifications are not streamed yet:
// an OOM kill shows in the stats' memory.raw / failcnt.
#include <unistd.h>

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
  if (!interval || *interval <= 0) return report_error("events: --interval: \"" + parsed->value("interval") + "\" is not a duration");
  for (bool first = true;; first = false) {
    auto stats = runtime.stats(id);
    if (!stats) {
      if (first) return report_error(stats.error());
      return 0;  // the container stopped: the stream ends
    }
    std::fputs((*stats + "\n").c_str(), stdout);
    std::fflush(stdout);
    if (parsed->flag("stats")) return 0;
    ::usleep(static_cast<useconds_t>(*interval) * 1000);
  }
}

}  // namespace ward::cli
