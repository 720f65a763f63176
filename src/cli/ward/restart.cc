// ward restart [-t SECONDS] CONTAINER...: stop (as `ward stop`), then start
// in the background under a monitor (as `ward start`).
#include <charconv>

#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "engine/container_events.h"

namespace ward::cli::engine {

int cmd_restart(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"time", "t"}, true, "seconds to wait for it to stop before killing it (default: its --stop-timeout, or 10)"},
  };
  auto parsed = parse_container_verb("restart", "[OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers.",
                                     args, kFlags);
  if (!parsed) return kExitDockerUsage;
  std::optional<int> timeout;
  if (parsed->has("time")) {
    std::string text = parsed->value("time");
    int seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size())
      return kReporter.fail("restart", fmt::format("--time {}: not a number of seconds", text), kExitDockerUsage);
    timeout = seconds;
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("restart", engine.error());
  return for_each_container("restart", *engine, parsed->positional, true,
                            [&](const ward::engine::ContainerRecord& record) -> Result<> {
                              WARD_TRY(engine->stop(record, timeout));
                              auto stopped = WARD_TRY(engine->find(record.id));
                              WARD_TRY(engine->start_detached(stopped));
                              ward::engine::note_container_event(engine->store().database(), stopped, "restart");
                              return {};
                            });
}

}  // namespace ward::cli::engine
