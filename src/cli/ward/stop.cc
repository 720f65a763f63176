// ward stop [-t SECONDS] CONTAINER...: the stop signal (--stop-signal, else
// SIGTERM), then SIGKILL after the timeout (--stop-timeout, else 10 s); a
// stopped container is not restarted by its policy.
#include <charconv>

#include <fmt/format.h>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

int cmd_stop(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"time", "t"}, true, "seconds to wait for it to stop before killing it (default: its --stop-timeout, or 10)"},
  };
  auto parsed = parse_container_verb("stop", "[OPTIONS] CONTAINER [CONTAINER...]",
                                     "Stop one or more running containers.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  std::optional<int> timeout;
  if (parsed->has("time")) {
    std::string text = parsed->value("time");
    int seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size())
      return kReporter.fail("stop", fmt::format("--time {}: not a number of seconds", text), kExitDockerUsage);
    timeout = seconds;
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("stop", engine.error());
  return for_each_container("stop", *engine, parsed->positional, true,
                            [&](const ward::engine::ContainerRecord& record) { return engine->stop(record, timeout); });
}

}  // namespace ward::cli::engine
