// ward monitor-start ID: not for users.  A container's monitor runs it to
// restart the container (engine/monitor/monitor.h): the container is
// created and started with this process's stdio (the monitor's pipes) and
// the start's report goes to fd 3.
#include <fcntl.h>

#include "cli/ward/commands.h"

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

}  // namespace ward::cli::engine
