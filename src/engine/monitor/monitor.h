// ward-monitor: the monitor of one detached container (ENGINE.md "The
// monitor").  `ward run -d`/`ward start` fork it before the container is
// created, so the container's init is its child; it is a child subreaper,
// so the init of a restart (created by a `ward monitor-start` it runs)
// becomes its child too.  It
//   - holds the container's stdio: reads its output (pipes, or a
//     terminal's master) into the json-file log, keeps -i's stdin open;
//   - serves `ward attach` clients on the attach socket (attach_server.h);
//   - answers the `ward` that started it once the start is recorded;
//   - reaps the init and runs `ward monitor-exit ID STATUS`, which records
//     the exit and OOM kill, deletes the runtime's state, cgroup and
//     bundle, removes a --rm container, and says whether the restart
//     policy wants it again;
//   - waits out Docker's backoff and restarts it (`ward monitor-start`);
//   - runs its health check every interval (`ward monitor-health ID`).
// Like conmon, which calls Podman's exit command, it keeps no database
// connection and links no runtime or image code: a small static program
// whose resident memory is measured against conmon's (bench/monitor).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <string_view>

namespace ward::monitor {

struct MonitorSetup {
  std::string id;
  std::string store_root;                // ward.db, containers/<id>/<id>-json.log
  std::string run_root;                  // runtime/ (the runtime's state), containers/<id> (the bundle)
  std::string ward_path;                 // the ward that restarts (`monitor-start`) and removes (`rm -f`) it
  std::string log_driver = "json-file";  // or "none"
  std::map<std::string, std::string> log_options;
  // To the ward that asked for the start: one report line (start_report.h).
  int ready_fd = -1;
  // The first start: the report of the process that creates the container
  // (a fork of that ward), and that process, which the monitor reaps.
  int starter_fd = -1;
  pid_t starter_pid = 0;
  // The container's output (read ends) and -i's stdin (both ends, kept
  // open so that its stdin never ends); -1 when unused.
  int stdout_fd = -1, stderr_fd = -1;
  int stdin_read_fd = -1, stdin_write_fd = -1;
  // A terminal (-t): the listening socket the runtime sends its master to.
  int console_fd = -1;
  // `ward attach`'s listening socket (attach_protocol.h), or -1.
  int attach_fd = -1;
  // The health check (engine/health.h): `ward monitor-health ID` every
  // interval after each start, every start interval during the start
  // period; 0: the container has none.
  std::int64_t health_interval_ms = 0, health_start_interval_ms = 0, health_start_period_ms = 0;
};

// The cgroup every container of the engine is made under (cgroupsPath
// /ward/<id>); removed when its last container is deleted.
inline constexpr std::string_view kCgroupParent = "/ward";

// The exit status of `ward monitor-exit` that asks the monitor to restart
// the container (EX_TEMPFAIL); any other means it has ended for good.
inline constexpr int kRestartWanted = 75;

// Where the json-file driver writes a container's log (Docker's LogPath).
[[nodiscard]] std::string container_log_path(const std::string& store_root, const std::string& id);
// The socket a container with a terminal hands its pty master to.
[[nodiscard]] std::string console_socket_path(const std::string& run_root, const std::string& id);

// Runs the monitor until the container has ended for good; returns the
// monitor's exit status (0, or 1 when the first start failed).
[[nodiscard]] int run_monitor(const MonitorSetup& setup);

}  // namespace ward::monitor
