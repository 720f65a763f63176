// ward events [--since T] [--until T] [--filter K=V]... [--format F]:
// Docker's event stream, from the events table (engine/db/event_log.h).
// Without --since it shows what happens from now on; with --since the
// recorded events from then first.  With --until it ends at that time
// (at once when that is past); else it runs until interrupted.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "engine/event_filter.h"
#include "engine/monitor/json_log.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"filter", "f"},
     true,
     "filter: container=, event=, image=, label=KEY[=VALUE], type=, volume=, network=, scope=local"},
    {{"format"}, true, "Go template or 'json'"},
    {{"since"}, true, "show events since this time (RFC 3339, Unix seconds, or a duration: 10m, 1h30m)"},
    {{"until"}, true, "stream events until this time (same forms as --since)"},
    {{"help", "h"}, false, "show help"},
};

constexpr auto kPollInterval = std::chrono::milliseconds(100);

// Go's "2006-01-02T15:04:05.000000000Z07:00" in the local time zone, as
// Docker prints an event's time.
std::string event_time(std::int64_t time_nano) {
  time_t seconds = static_cast<time_t>(time_nano / 1'000'000'000);
  struct tm local {};
  ::localtime_r(&seconds, &local);
  char date[32];
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &local);
  std::string zone = "Z";
  if (local.tm_gmtoff != 0) {
    long minutes = local.tm_gmtoff / 60;
    zone = fmt::format("{}{:02}:{:02}", minutes < 0 ? '-' : '+', std::abs(minutes) / 60, std::abs(minutes) % 60);
  }
  return fmt::format("{}.{:09}{}", date, time_nano % 1'000'000'000, zone);
}

std::string default_line(const db::Event& event) {
  std::string line = fmt::format("{} {} {} {}", event_time(event.time_nano), event.type, event.action, event.actor_id);
  if (event.attributes.empty()) return line;
  std::string separator = " (";
  for (const auto& [key, value] : event.attributes) {
    line += separator + key + "=" + value;
    separator = ", ";
  }
  return line + ")";
}

// Docker's events.Message: the legacy status/id/from for containers and
// images, Type, Action, Actor, scope, time and timeNano.
nlohmann::json message_of(const db::Event& event) {
  nlohmann::json message = nlohmann::json::object();
  if (event.type == "container" || event.type == "image") {
    message["status"] = event.action;
    message["id"] = event.actor_id;
    auto image = event.attributes.find("image");
    if (event.type == "container" && image != event.attributes.end()) message["from"] = image->second;
  }
  message["Type"] = event.type;
  message["Action"] = event.action;
  message["Actor"] = {{"ID", event.actor_id}, {"Attributes", event.attributes}};
  message["scope"] = "local";
  message["time"] = event.time_nano / 1'000'000'000;
  message["timeNano"] = event.time_nano;
  return message;
}

struct Options {
  ward::engine::EventFilter filter;
  std::optional<Template> format;
  std::optional<std::int64_t> since, until;
};

Result<Options> options_of(const ParsedArgs& parsed) {
  Options result;
  std::vector<std::string> filters = parsed.all("filter");
  if (filters.empty() && parsed.has("filter")) filters.push_back(parsed.value("filter"));
  result.filter = WARD_TRY(ward::engine::EventFilter::parse(filters));
  if (parsed.has("format")) {
    std::string text = unescape_format_flag(parsed.value("format"));
    result.format = WARD_TRY(Template::parse(text == "json" ? "{{json .}}" : text));
  }
  std::int64_t now = db::now_nano();
  if (parsed.has("since"))
    result.since = WARD_TRY(context(monitor::parse_log_time(parsed.value("since"), now), "--since"));
  if (parsed.has("until"))
    result.until = WARD_TRY(context(monitor::parse_log_time(parsed.value("until"), now), "--until"));
  return result;
}

// Prints the events that pass the filter; false when stdout is gone.
Result<bool> print(const std::vector<db::Event>& events, const Options& options) {
  for (const auto& event : events) {
    if (!options.filter.matches(event)) continue;
    std::string line = options.format ? WARD_TRY(options.format->render(message_of(event))) : default_line(event);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0) return false;
  }
  return true;
}

}  // namespace

int cmd_events(const WardOptions& ward_options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("events", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward events [OPTIONS]\n\nGet real time events from ward.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
        stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail("events", "accepts no arguments", kExitDockerUsage);
  auto options = options_of(*parsed);
  if (!options) return kReporter.fail("events", options.error(), kExitDockerUsage);
  auto engine = open_engine(ward_options);
  if (!engine) return kReporter.fail("events", engine.error());
  db::Database& database = engine->store().database();
  // The past is shown only when asked for with a time; else from now on.
  db::EventRange range{0, options->since, options->until};
  if (!options->since && !options->until) {
    auto last = db::last_event_seq(database);
    if (!last) return kReporter.fail("events", last.error());
    range.after_seq = *last;
  }
  for (;;) {
    auto events = db::read_events(database, range);
    if (!events) return kReporter.fail("events", events.error());
    auto printed = print(*events, *options);
    if (!printed) return kReporter.fail("events", printed.error(), kExitDockerUsage);
    if (!*printed) return 0;
    if (!events->empty()) range.after_seq = events->back().seq;
    if (options->until && db::now_nano() > *options->until) return 0;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace ward::cli::engine
