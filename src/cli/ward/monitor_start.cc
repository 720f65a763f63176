// What a container's monitor runs (engine/monitor/monitor.h); not for users
// and not in `ward --help`:
//   ward monitor-start ID         creates and starts the container again with
//                                 this process's stdio (the monitor's pipes);
//                                 the start's report goes to fd 3
//   ward monitor-exit ID STATUS   records its end; exit status 75 when its
//                                 restart policy wants it started again
//   ward monitor-health ID        runs its health check once and records
//                                 the result
#include <fcntl.h>

#include <charconv>

#include "cli/ward/commands.h"
#include "engine/monitor/monitor.h"

namespace ward::cli::engine {

int cmd_monitor_start(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr int kReportFd = 3;
  // The report pipe must not reach the container.
  if (args.size() != 1 || ::fcntl(kReportFd, F_SETFD, FD_CLOEXEC) < 0)
    return kReporter.fail("monitor-start", "run by a container's monitor only: ward monitor-start ID, report on fd 3",
                          kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("monitor-start", engine.error());
  auto started = [&]() -> Result<> { return engine->start_for_monitor(WARD_TRY(engine->find(args[0])), kReportFd); }();
  if (!started) return kReporter.fail("monitor-start", started.error());
  return 0;
}

int cmd_monitor_health(const WardOptions& options, const std::vector<std::string>& args) {
  if (args.size() != 1)
    return kReporter.fail("monitor-health", "run by a container's monitor only: ward monitor-health ID",
                          kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("monitor-health", engine.error());
  auto checked = [&]() -> Result<std::string> { return engine->check_health(WARD_TRY(engine->find(args[0]))); }();
  if (!checked) return kReporter.fail("monitor-health", checked.error());
  return 0;
}

int cmd_monitor_exit(const WardOptions& options, const std::vector<std::string>& args) {
  int status = -1;
  if (args.size() == 2) {
    auto [end, ec] = std::from_chars(args[1].data(), args[1].data() + args[1].size(), status);
    if (ec != std::errc() || end != args[1].data() + args[1].size()) status = -1;
  }
  if (status < 0)
    return kReporter.fail("monitor-exit", "run by a container's monitor only: ward monitor-exit ID STATUS",
                          kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("monitor-exit", engine.error());
  auto restart = engine->finish_monitored(args[0], status);
  if (!restart) return kReporter.fail("monitor-exit", restart.error());
  return *restart ? ward::monitor::kRestartWanted : 0;
}

}  // namespace ward::cli::engine
