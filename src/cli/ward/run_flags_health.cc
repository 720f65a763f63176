// --health-cmd, --health-interval, --health-timeout, --health-retries,
// --health-start-period, --health-start-interval: Docker's HealthConfig,
// merged with the image's HEALTHCHECK at create (engine/health.h).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cli/ward/run_flags_internal.h"
#include "engine/monitor/json_log.h"

namespace ward::cli::engine {

namespace {

constexpr std::int64_t kMillisecond = 1'000'000;

// A Go duration of at least 1ms (or 0: the image's or Docker's default).
Result<std::int64_t> duration_flag(const ParsedArgs& parsed, const std::string& name) {
  if (!parsed.has(name)) return 0;
  std::string text = parsed.value(name);
  auto ns = monitor::parse_go_duration_ns(text);
  if (!ns)
    return fail(ErrorKind::invalid_input, fmt::format("--{} {}: not a duration (30s, 1m30s, 500ms)", name, text));
  if (*ns < 0) return fail(ErrorKind::invalid_input, fmt::format("--{} cannot be negative", name));
  if (*ns != 0 && *ns < kMillisecond)
    return fail(ErrorKind::invalid_input, fmt::format("--{} {}: cannot be less than 1ms", name, text));
  return *ns;
}

}  // namespace

Result<> apply_health_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec) {
  static const std::vector<std::string> kNames = {"health-cmd",     "health-interval",     "health-timeout",
                                                  "health-retries", "health-start-period", "health-start-interval"};
  bool any = std::any_of(kNames.begin(), kNames.end(), [&](const std::string& name) { return parsed.has(name); });
  if (!any) return {};
  if (spec.no_healthcheck) return fail(ErrorKind::invalid_input, "--no-healthcheck conflicts with --health-* options");
  image::Healthcheck check;
  if (parsed.has("health-cmd") && !parsed.value("health-cmd").empty())
    check.test = {"CMD-SHELL", parsed.value("health-cmd")};
  check.interval = WARD_TRY(duration_flag(parsed, "health-interval"));
  check.timeout = WARD_TRY(duration_flag(parsed, "health-timeout"));
  check.start_period = WARD_TRY(duration_flag(parsed, "health-start-period"));
  check.start_interval = WARD_TRY(duration_flag(parsed, "health-start-interval"));
  if (parsed.has("health-retries")) {
    std::string text = parsed.value("health-retries");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), check.retries);
    if (ec != std::errc() || end != text.data() + text.size())
      return fail(ErrorKind::invalid_input, fmt::format("--health-retries {}: not a number", text));
    if (check.retries < 0) return fail(ErrorKind::invalid_input, "--health-retries cannot be negative");
  }
  spec.healthcheck = check;
  return {};
}

}  // namespace ward::cli::engine
