// Engine::start_detached: a container under its own monitor
// (engine/monitor/monitor.h).  The processes:
//
//   ward (this one)          prepares the launch, forks, reads one report
//    └─ fork, setsid, fork   (the intermediate exits: the monitor is
//                             nobody's child but init's)
//        monitor             a child subreaper; makes the container's pipes,
//         │                   forks the starter, then execs ward-monitor
//         └─ starter         a fork of this ward: the runtime creates and
//                             starts the container with the pipes as its
//                             stdio, records the start (and its monitor),
//                             reports to the monitor and exits, so the
//                             init becomes the monitor's child
//
// The monitor then answers this ward, so `ward run -d` returns with the
// row saying running (or with the start's error).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "engine/container_events.h"
#include "engine/engine.h"
#include "engine/socket_dir.h"
#include "engine/monitor/attach_protocol.h"
#include "engine/monitor/monitor.h"
#include "engine/monitor/state_rows.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// ward-monitor is installed beside ward.
Result<std::string> monitor_program() {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n < 0) return fail_errno(errno, "readlink /proc/self/exe");
  std::string path(self, static_cast<std::size_t>(n));
  path = path.substr(0, path.rfind('/') + 1) + "ward-monitor";
  if (::access(path.c_str(), X_OK) < 0) return fail_errno(errno, "the container monitor " + path);
  return path;
}

std::string console_name(const std::string& id) {
  std::string path = monitor::console_socket_path("", id);
  return path.substr(path.rfind('/') + 1);
}

// The socket a terminal's master is sent to (the runtime's --console-socket).
Result<UniqueFd> listen_for_console(const std::string& run_root, const std::string& id) {
  auto dir = WARD_TRY(SocketDir::open(run_root + "/containers"));
  return dir.listen(console_name(id), SOCK_STREAM);
}

std::string attach_name(const std::string& id) {
  std::string path = monitor::attach_socket_path("", id);
  return path.substr(path.rfind('/') + 1);
}

// The socket `ward attach` connects to, served by the monitor.
Result<UniqueFd> listen_for_attach(const std::string& run_root, const std::string& id) {
  auto dir = WARD_TRY(SocketDir::open(run_root + "/containers"));
  return dir.listen(attach_name(id), SOCK_SEQPACKET);
}

void write_line(int fd, const std::string& line) {
  sys::raw::write_all(fd, line.data(), line.size());
}

// Keeps `fd` open across execve.
std::string inherit(int fd) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  return std::to_string(fd);
}

// The start, and the monitor that holds the container: this process's
// parent (the monitor forked or ran it).
Result<> record_monitored_start(db::Database& database, const ContainerRecord& container,
                                const monitor::StartReport& report) {
  pid_t monitor = ::getppid();
  auto monitor_start = WARD_TRY(sys::process_start_time(monitor));
  auto transaction = WARD_TRY(database.begin("record the start"));
  WARD_TRY(monitor::record_started(database, container.id, report.pid, report.start_time, now_rfc3339()));
  WARD_TRY(monitor::record_monitor(database, container.id, monitor, monitor_start));
  WARD_TRY(record_health_starting(database, container));
  WARD_TRY(transaction.commit());
  note_container_event(database, container, "start");
  return {};
}

Result<> record_monitored_start(const std::string& database_path, const ContainerRecord& container,
                                const monitor::StartReport& report) {
  auto database = WARD_TRY(db::Database::open(database_path));
  return record_monitored_start(database, container, report);
}

// What the monitor is told on its command line.
struct MonitorFds {
  Pipe ready, report, out, err, in;
  UniqueFd console, attach;
};

}  // namespace

Result<monitor::StartReport> Engine::launch_detached(const PreparedLaunch& launch, const ContainerSpec& spec) {
  runtime::RunOptions options = run_options(launch);
  options.detach = true;
  std::optional<SocketDir> console_dir;
  if (spec.tty) {
    console_dir = WARD_TRY(SocketDir::open(run_root_ + "/containers"));
    options.create.console_socket = console_dir->path(console_name(launch.id));
  }
  monitor::StartReport report;
  options.on_started = [&](const runtime::ContainerState& state) {
    report.pid = state.pid;
    report.start_time = state.pid_start_time;
  };
  WARD_TRY(runtime_.run(options));
  return report;
}

Result<> Engine::start_for_monitor(const ContainerRecord& container, int report_fd) {
  auto launched = [&]() -> Result<monitor::StartReport> {
    auto state = WARD_TRY(monitor::read_restart_state(store_.database(), container.id));
    if (state && state->stop_requested) {
      // Stopped while its monitor waited to restart it: exited, as before.
      WARD_TRY(monitor::record_not_restarting(store_.database(), container.id));
      return fail(ErrorKind::wrong_state, "stopped while waiting to restart");
    }
    auto launch = WARD_TRY(prepare_launch(container));
    auto report = WARD_TRY(launch_detached(launch, container.spec));
    if (auto recorded = record_monitored_start(store_.database(), container, report); !recorded) {
      (void)forget_runtime_state(container.id);
      return std::unexpected(recorded.error());
    }
    launch.bundle.keep();
    return report;
  }();
  write_line(report_fd, launched ? monitor::encode_started(*launched) : monitor::encode_failed(launched.error()));
  if (!launched) return std::unexpected(launched.error());
  return {};
}

Result<> Engine::start_detached(const ContainerRecord& container) {
  const ContainerSpec& spec = container.spec;
  std::string monitor_path = WARD_TRY(monitor_program());
  std::string ward_path = WARD_TRY(own_program());
  WARD_TRY(monitor::set_stop_requested(store_.database(), container.id, false));
  auto launch = WARD_TRY(prepare_launch(container));
  MonitorFds fds;
  fds.ready = WARD_TRY(make_pipe());
  fds.report = WARD_TRY(make_pipe());
  if (spec.tty) {
    fds.console = WARD_TRY(listen_for_console(run_root_, container.id));
  } else {
    fds.out = WARD_TRY(make_pipe());
    fds.err = WARD_TRY(make_pipe());
  }
  if (spec.open_stdin) fds.in = WARD_TRY(make_pipe());
  fds.attach = WARD_TRY(listen_for_attach(run_root_, container.id));
  std::vector<std::string> args = {monitor_path, "--id",   container.id, "--store",      store_.root(),  "--run",
                                   run_root_,    "--ward", ward_path,    "--log-driver", spec.log_driver};
  for (const auto& [key, value] : spec.log_options) args.insert(args.end(), {"--log-opt", key + "=" + value});
  if (auto check = active_healthcheck(spec)) {
    auto ms = [](std::int64_t ns) { return std::to_string(std::max<std::int64_t>(ns / 1'000'000, 1)); };
    args.insert(args.end(),
                {"--health-interval-ms", ms(check->interval), "--health-start-interval-ms", ms(check->start_interval),
                 "--health-start-period-ms", std::to_string(check->start_period / 1'000'000)});
  }

  pid_t intermediate = ::fork();
  if (intermediate < 0) return fail_errno(errno, "fork the container's monitor");
  if (intermediate == 0) {
    ::setsid();
    pid_t monitor = ::fork();
    if (monitor != 0) ::_exit(monitor < 0 ? 1 : 0);
    // The monitor, still this program until it execs ward-monitor.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    int ready = fds.ready.write.get();
    pid_t starter = ::fork();
    if (starter == 0) {
      int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      ::dup2(fds.in.read ? fds.in.read.get() : null, STDIN_FILENO);
      ::dup2(fds.out.write ? fds.out.write.get() : null, STDOUT_FILENO);
      ::dup2(fds.err.write ? fds.err.write.get() : null, STDERR_FILENO);
      fds.ready.write.reset();
      auto report = launch_detached(launch, spec);
      if (report) {
        // A connection of its own: the parent's must not be used after fork.
        auto recorded = record_monitored_start(store_.root() + "/ward.db", container, *report);
        if (!recorded) {
          (void)runtime_.remove(container.id, true);
          report = std::unexpected(recorded.error());
        }
      }
      write_line(fds.report.write.get(),
                 report ? monitor::encode_started(*report) : monitor::encode_failed(report.error()));
      // Not exit(): this ward's database connection and objects belong to
      // the parent, whose files a destructor here could disturb.
      ::_exit(report ? 0 : 1);
    }
    if (starter < 0) {
      write_line(ready, monitor::encode_failed(fail_errno(errno, "fork the container's starter").error()));
      ::_exit(1);
    }
    args.insert(args.end(), {"--ready-fd", inherit(ready), "--starter-fd", inherit(fds.report.read.get()),
                             "--starter-pid", std::to_string(starter)});
    if (fds.out.read) args.insert(args.end(), {"--stdout-fd", inherit(fds.out.read.get())});
    if (fds.err.read) args.insert(args.end(), {"--stderr-fd", inherit(fds.err.read.get())});
    if (fds.in.read)
      args.insert(args.end(),
                  {"--stdin-read-fd", inherit(fds.in.read.get()), "--stdin-write-fd", inherit(fds.in.write.get())});
    if (fds.console) args.insert(args.end(), {"--console-fd", inherit(fds.console.get())});
    args.insert(args.end(), {"--attach-fd", inherit(fds.attach.get())});
    fds.report.write.reset();
    fds.out.write.reset();
    fds.err.write.reset();
    int null = ::open("/dev/null", O_RDWR);
    for (int stdio : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, stdio);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    // No monitor: the container the starter makes must not stay.
    Error error = fail_errno(errno, "exec " + monitor_path).error();
    int status = 0;
    ::waitpid(starter, &status, 0);
    (void)runtime_.remove(container.id, true);
    write_line(ready, monitor::encode_failed(error));
    ::_exit(1);
  }
  // This ward: only the report of the start is its business.
  fds.ready.write.reset();
  fds.report = {};
  fds.out = {};
  fds.err = {};
  fds.in = {};
  fds.console.reset();
  fds.attach.reset();
  int status = 0;
  while (::waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
  }
  std::string line = monitor::read_report_line(fds.ready.read.get());
  if (line == "ok\n") {
    launch.bundle.keep();  // the monitor removes it when the container ends
    return {};
  }
  (void)::unlink(monitor::console_socket_path(run_root_, container.id).c_str());
  (void)::unlink(monitor::attach_socket_path(run_root_, container.id).c_str());
  auto report = monitor::decode_start_report(line);
  if (!report) return std::unexpected(report.error());
  return fail("the container's monitor answered \"" + line + "\"");
}

}  // namespace ward::engine
