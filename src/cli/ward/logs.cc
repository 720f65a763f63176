// ward logs [OPTIONS] CONTAINER: what the container wrote, from its
// json-file log (engine/monitor/json_log.h): stdout records to ward's
// stdout, stderr records to its stderr.  -f follows the log (across
// rotations) until the container stops.
#include <time.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "engine/monitor/json_log.h"
#include "engine/monitor/monitor.h"

namespace ward::cli::engine {

namespace {

std::int64_t now_ns() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

void print(const std::vector<monitor::LogRecord>& records, bool timestamps,
           std::optional<std::int64_t> until_ns = std::nullopt) {
  for (const auto& record : records) {
    if (until_ns && record.time_ns > *until_ns) continue;
    std::FILE* out = record.stream == "stderr" ? stderr : stdout;
    if (timestamps) std::fprintf(out, "%s ", record.time.c_str());
    std::fwrite(record.text.data(), 1, record.text.size(), out);
  }
  std::fflush(stdout);
  std::fflush(stderr);
}

Result<monitor::LogFilter> filter_of(const ParsedArgs& parsed) {
  monitor::LogFilter filter;
  std::int64_t now = now_ns();
  if (parsed.has("since"))
    filter.since_ns = WARD_TRY(context(monitor::parse_log_time(parsed.value("since"), now), "--since"));
  if (parsed.has("until"))
    filter.until_ns = WARD_TRY(context(monitor::parse_log_time(parsed.value("until"), now), "--until"));
  std::string tail = parsed.value("tail", "all");
  if (tail != "all") {
    std::size_t count = 0;
    auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), count);
    if (ec != std::errc() || end != tail.data() + tail.size())
      return fail(ErrorKind::invalid_input, fmt::format("--tail {}: a number of lines or \"all\"", tail));
    filter.tail = count;
  }
  return filter;
}

bool is_active(ward::engine::ContainerStatus status) {
  return status == ward::engine::ContainerStatus::running || status == ward::engine::ContainerStatus::restarting;
}

}  // namespace

int cmd_logs(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"follow", "f"}, false, "follow the output until the container stops"},
      {{"since"}, true, "only records since this time (RFC 3339, Unix seconds, or a duration: 10m, 1h30m)"},
      {{"until"}, true, "only records before this time (same forms as --since)"},
      {{"tail", "n"}, true, "only the last N lines (default \"all\")"},
      {{"timestamps", "t"}, false, "show each line's time"},
      {{"details"}, false, "show extra details given to the log (not supported yet)"},
  };
  auto parsed = parse_container_verb("logs", "[OPTIONS] CONTAINER", "Fetch the logs of a container.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 1)
    return kReporter.fail("logs", "requires exactly 1 argument: CONTAINER", kExitDockerUsage);
  if (parsed->flag("details")) return kReporter.fail("logs", "--details: not supported yet", kExitDockerUsage);
  auto filter = filter_of(*parsed);
  if (!filter) return kReporter.fail("logs", filter.error(), kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("logs", engine.error());
  auto record = engine->find(parsed->positional.front());
  if (!record) return kReporter.fail("logs", record.error());
  if (record->spec.log_driver != "json-file")
    return kReporter.fail(
        "logs", fmt::format("configured logging driver \"{}\" does not support reading", record->spec.log_driver));
  std::string path = monitor::container_log_path(engine->store().root(), record->id);
  bool timestamps = parsed->flag("timestamps");
  auto records = monitor::read_json_log(path, *filter);
  if (!records) return kReporter.fail("logs", records.error());
  print(*records, timestamps);
  if (!parsed->flag("follow")) return 0;
  auto follower = monitor::JsonLogFollower::at_end(path);
  if (!follower) return kReporter.fail("logs", follower.error());
  for (;;) {
    auto current = engine->find(record->id);
    bool active = current && is_active(current->status);
    auto more = follower->next();
    if (!more) return kReporter.fail("logs", more.error());
    print(*more, timestamps, filter->until_ns);
    if (!active) return 0;  // read once more after it stopped: nothing is lost
    if (more->empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace ward::cli::engine
