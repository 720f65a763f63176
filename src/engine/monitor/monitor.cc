#include "engine/monitor/monitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "engine/monitor/json_log.h"
#include "engine/monitor/start_report.h"
#include "engine/monitor/state_rows.h"
#include "cgroups/cgroup.h"
#include "runtime/container.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::monitor {

namespace {

using Clock = std::chrono::steady_clock;

// How long the output may still come after the init exited: the rest of
// the container's processes die with its pid namespace, so their pipes end
// at once; a process outside it that holds one must not keep the monitor.
constexpr auto kDrainLimit = std::chrono::seconds(2);

struct timespec now_real() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return now;
}

// A wait status as Docker reports it: the exit code, or 128+N.
int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// One of the container's output streams.
struct Stream {
  UniqueFd fd;
  std::string_view name;  // "stdout" or "stderr"
  bool terminal = false;  // a pty master: EIO means the terminal closed
};

class Monitor {
 public:
  Monitor(const MonitorSetup& setup, db::Database database)
      : setup_(setup), database_(std::move(database)), runtime_(setup.run_root + "/runtime") {}

  int run();

 private:
  [[nodiscard]] Result<> open_log();
  [[nodiscard]] Result<UniqueFd> block_signals();
  // The first start's report, from the fork of `ward` that made it.
  [[nodiscard]] Result<StartReport> first_start();
  // A restart: `ward monitor-start ID` with new pipes as its stdio.
  [[nodiscard]] Result<StartReport> restart();
  [[nodiscard]] Result<> take_terminal();
  [[nodiscard]] Result<> record_start(const StartReport& report);
  // Pumps the output into the log until the init exits; its wait status.
  [[nodiscard]] Result<int> watch(pid_t init);
  void pump(Stream& stream);
  void drain();
  void finish_run(int exit_code);
  // Waits out the restart delay; false when the container is not to be
  // restarted after all (stopped or removed meanwhile).
  [[nodiscard]] bool wait_to_restart(std::chrono::milliseconds delay);
  void end();

  const MonitorSetup& setup_;
  db::Database database_;
  runtime::Runtime runtime_;
  std::optional<JsonLogWriter> log_;
  bool log_failed_ = false;
  UniqueFd signals_;
  std::vector<Stream> streams_;
  UniqueFd console_;
  RestartBackoff backoff_;
  Clock::time_point started_;
  int last_exit_code_ = 0;
  bool last_oom_ = false;
  std::string last_finished_at_;
};

Result<> Monitor::open_log() {
  if (setup_.log_driver == "none") return {};
  auto options = WARD_TRY(parse_json_log_options(setup_.log_options));
  log_ = WARD_TRY(JsonLogWriter::open(container_log_path(setup_.store_root, setup_.id), options));
  return {};
}

Result<UniqueFd> Monitor::block_signals() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) ::sigaddset(&set, signal);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return fail_errno(errno, "sigprocmask");
  ::signal(SIGPIPE, SIG_IGN);
  int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return fail_errno(errno, "signalfd");
  return UniqueFd(fd);
}

Result<StartReport> Monitor::first_start() {
  std::string line = read_report_line(setup_.starter_fd);
  ::close(setup_.starter_fd);
  int status = 0;
  while (::waitpid(setup_.starter_pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (setup_.stdout_fd >= 0) streams_.push_back({UniqueFd(setup_.stdout_fd), "stdout"});
  if (setup_.stderr_fd >= 0) streams_.push_back({UniqueFd(setup_.stderr_fd), "stderr"});
  return decode_start_report(line);
}

Result<StartReport> Monitor::restart() {
  int report[2], out[2] = {-1, -1}, err[2] = {-1, -1};
  if (::pipe2(report, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
  UniqueFd report_read(report[0]), report_write(report[1]);
  bool terminal = setup_.console_fd >= 0;
  if (!terminal && (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0)) return fail_errno(errno, "pipe");
  UniqueFd out_read(out[0]), out_write(out[1]), err_read(err[0]), err_write(err[1]);
  std::string run_root_env = "WARD_RUN_ROOT=" + setup_.run_root;
  std::vector<const char*> argv = {setup_.ward_path.c_str(), "--root",          setup_.store_root.c_str(),
                                   "monitor-start",          setup_.id.c_str(), nullptr};
  pid_t child = ::fork();
  if (child < 0) return fail_errno(errno, "fork");
  if (child == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(setup_.stdin_read_fd >= 0 ? setup_.stdin_read_fd : null, STDIN_FILENO);
    ::dup2(terminal ? null : out[1], STDOUT_FILENO);
    ::dup2(terminal ? null : err[1], STDERR_FILENO);
    ::dup2(report[1], 3);  // start_report.h's line, on fd 3
    ::putenv(run_root_env.data());
    ::sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  report_write.reset();
  out_write.reset();
  err_write.reset();
  std::string line = read_report_line(report_read.get());
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  streams_.clear();
  if (!terminal) {
    streams_.push_back({std::move(out_read), "stdout"});
    streams_.push_back({std::move(err_read), "stderr"});
  }
  if (line.empty() && exit_code_of(status) != 0)
    return fail(fmt::format("{} monitor-start exited with status {}", setup_.ward_path, exit_code_of(status)));
  return decode_start_report(line);
}

Result<> Monitor::take_terminal() {
  if (setup_.console_fd < 0) return {};
  int connection = ::accept4(setup_.console_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (connection < 0) return fail_errno(errno, "accept the container's terminal");
  UniqueFd conn(connection);
  char name[256];
  int master = -1;
  ssize_t n = sys::raw::recv_with_fd(conn.get(), name, sizeof(name), &master);
  if (n < 0 || master < 0) return fail_errno(n < 0 ? static_cast<int>(-n) : EPROTO, "receive the terminal's master");
  streams_.clear();
  streams_.push_back({UniqueFd(master), "stdout", true});
  return {};
}

Result<> Monitor::record_start(const StartReport& report) {
  started_ = Clock::now();
  WARD_TRY(take_terminal());
  WARD_TRY(record_started(database_, setup_.id, report.pid, report.start_time, now_rfc3339()));
  auto own_start = WARD_TRY(sys::process_start_time(::getpid()));
  return record_monitor(database_, setup_.id, ::getpid(), own_start);
}

void Monitor::pump(Stream& stream) {
  char buffer[65536];
  ssize_t n = sys::raw::read_some(stream.fd.get(), buffer, sizeof(buffer));
  if (n == -EAGAIN) return;
  if (n <= 0) {  // the end, or a terminal whose last user is gone (EIO)
    stream.fd.reset();
    return;
  }
  if (!log_ || log_failed_) return;
  if (auto written = log_->write(stream.name, std::string_view(buffer, static_cast<std::size_t>(n)), now_real());
      !written) {
    log::warning(fmt::format("container {}: log: {}", setup_.id, written.error().what()));
    log_failed_ = true;
  }
}

Result<int> Monitor::watch(pid_t init) {
  for (;;) {
    std::vector<struct pollfd> fds{{signals_.get(), POLLIN, 0}};
    for (auto& stream : streams_) fds.push_back({stream.fd ? stream.fd.get() : -1, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return fail_errno(errno, "poll");
    for (std::size_t i = 0; i < streams_.size(); ++i)
      if (fds[i + 1].revents != 0 && streams_[i].fd) pump(streams_[i]);
    if ((fds[0].revents & POLLIN) == 0) continue;
    struct signalfd_siginfo info;
    while (sys::raw::read_some(signals_.get(), &info, sizeof(info)) == sizeof(info)) {
    }
    // Reap every child: the init, and what a subreaper inherits.
    int status = 0;
    std::optional<int> init_status;
    for (pid_t done; (done = ::waitpid(-1, &status, WNOHANG)) > 0;)
      if (done == init) init_status = status;
    if (init_status) return *init_status;
  }
}

void Monitor::drain() {
  auto deadline = Clock::now() + kDrainLimit;
  for (;;) {
    std::vector<struct pollfd> fds;
    std::vector<Stream*> open;
    for (auto& stream : streams_)
      if (stream.fd) {
        fds.push_back({stream.fd.get(), POLLIN, 0});
        open.push_back(&stream);
      }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (open.empty() || left <= 0) break;
    if (::poll(fds.data(), fds.size(), static_cast<int>(left)) <= 0) break;
    for (std::size_t i = 0; i < open.size(); ++i)
      if (fds[i].revents != 0) pump(*open[i]);
  }
  if (log_ && !log_failed_) (void)log_->flush(now_real());
  streams_.clear();
}

void Monitor::finish_run(int exit_code) {
  auto oom = runtime_.oom_kills(setup_.id);
  last_oom_ = oom && *oom > 0;
  last_exit_code_ = exit_code;
  if (auto removed = runtime_.remove(setup_.id, true); !removed && !removed.error().is(ErrorKind::not_found))
    log::warning(removed.error().what());
  (void)cgroups::remove_empty_cgroup(std::string(kCgroupParent));
  (void)sys::remove_all(setup_.run_root + "/containers/" + setup_.id);
  last_finished_at_ = now_rfc3339();
  if (auto r = record_exited(database_, setup_.id, exit_code, last_oom_, last_finished_at_); !r)
    log::warning(r.error().what());
}

bool Monitor::wait_to_restart(std::chrono::milliseconds delay) {
  auto deadline = Clock::now() + delay;
  for (;;) {
    auto state = read_restart_state(database_, setup_.id);
    if (!state || !*state) return false;  // removed (or unreadable: do not guess)
    if ((*state)->stop_requested) {
      // Stopped while it waited: exited, as it was before.
      (void)record_exited(database_, setup_.id, last_exit_code_, last_oom_, last_finished_at_);
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return true;
    // stop and rm send SIGTERM to wake the monitor; a child's end too.
    struct pollfd pfd {
      signals_.get(), POLLIN, 0
    };
    if (::poll(&pfd, 1, static_cast<int>(left)) > 0) {
      struct signalfd_siginfo info;
      while (sys::raw::read_some(signals_.get(), &info, sizeof(info)) == sizeof(info)) {
      }
      int status = 0;
      while (::waitpid(-1, &status, WNOHANG) > 0) {
      }
    }
  }
}

void Monitor::end() {
  (void)record_monitor(database_, setup_.id, 0, 0);
  (void)::unlink(console_socket_path(setup_.run_root, setup_.id).c_str());
  if (!setup_.auto_remove) return;
  // --rm: `ward rm -f`, which knows the container's files.
  std::string run_root_env = "WARD_RUN_ROOT=" + setup_.run_root;
  std::vector<const char*> argv = {setup_.ward_path.c_str(), "--root", setup_.store_root.c_str(), "rm", "-f",
                                   setup_.id.c_str(),        nullptr};
  pid_t child = ::fork();
  if (child == 0) {
    ::putenv(run_root_env.data());
    ::sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  int status = 0;
  if (child > 0)
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
}

int Monitor::run() {
  auto report_ready = [&](const std::string& line) {
    if (setup_.ready_fd < 0) return;
    sys::raw::write_all(setup_.ready_fd, line.data(), line.size());
    ::close(setup_.ready_fd);
  };
  auto signals = block_signals();
  if (!signals) {
    report_ready(encode_failed(signals.error()));
    return 1;
  }
  signals_ = std::move(*signals);
  if (auto opened = open_log(); !opened) log::warning(opened.error().what());
  auto report = first_start();
  if (report) {
    if (auto recorded = record_start(*report); !recorded) report = std::unexpected(recorded.error());
  }
  if (!report) {
    // The starter removed what it made; a started container that cannot
    // be recorded is killed with its state.
    (void)runtime_.remove(setup_.id, true);
    report_ready(encode_failed(report.error()));
    return 1;
  }
  report_ready("ok\n");
  for (;;) {
    auto status = watch(report->pid);
    if (!status) {
      log::warning(status.error().what());
      (void)::kill(report->pid, SIGKILL);
      status = 137;
    }
    drain();
    finish_run(exit_code_of(*status));
    auto ran_for = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
    auto state = read_restart_state(database_, setup_.id);
    if (!state || !*state ||
        !should_restart(setup_.restart, last_exit_code_, (*state)->restart_count, (*state)->stop_requested))
      break;
    if (!record_restarting(database_, setup_.id) || !wait_to_restart(backoff_.next(ran_for))) break;
    report = restart();
    if (report) {
      if (auto recorded = record_start(*report); !recorded) report = std::unexpected(recorded.error());
    }
    if (!report) {
      // A restart that failed ends the container (Docker's "exited" with
      // the start's error in its log).
      log::warning(fmt::format("container {}: restart: {}", setup_.id, report.error().what()));
      (void)runtime_.remove(setup_.id, true);
      (void)record_exited(database_, setup_.id, 125, false, now_rfc3339());
      break;
    }
  }
  end();
  return 0;
}

}  // namespace

std::string container_log_path(const std::string& store_root, const std::string& id) {
  return fmt::format("{}/containers/{}/{}-json.log", store_root, id, id);
}

std::string console_socket_path(const std::string& run_root, const std::string& id) {
  return fmt::format("{}/containers/{}.console", run_root, id);
}

int run_monitor(const MonitorSetup& setup) {
  auto database = db::Database::open(setup.store_root + "/ward.db");
  if (!database) {
    if (setup.ready_fd >= 0) {
      std::string line = encode_failed(database.error());
      sys::raw::write_all(setup.ready_fd, line.data(), line.size());
    }
    return 1;
  }
  Monitor monitor(setup, std::move(*database));
  return monitor.run();
}

}  // namespace ward::monitor
