#include "engine/monitor/monitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "engine/monitor/attach_server.h"
#include "engine/monitor/json_log.h"
#include "engine/monitor/restart_policy.h"
#include "engine/monitor/start_report.h"
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

// Starts `ward --root STORE VERB ID [ARGS...]` with `stdio` (-1: /dev/null)
// and fd 3 = `report_fd` (-1: none); its pid, -1 when it could not fork.
pid_t spawn_ward(const MonitorSetup& setup, const std::vector<std::string>& verb_args, std::array<int, 3> stdio,
                 int report_fd) {
  std::string run_root_env = "WARD_RUN_ROOT=" + setup.run_root;
  std::vector<std::string> args = {setup.ward_path, "--root", setup.store_root};
  args.insert(args.end(), verb_args.begin(), verb_args.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t child = ::fork();
  if (child == 0) {
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(stdio[fd] >= 0 ? stdio[fd] : null, fd);
    if (report_fd >= 0) ::dup2(report_fd, 3);  // dup2 clears close-on-exec
    ::putenv(run_root_env.data());
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

// Runs it to its end: its exit status, 127 when it could not run.
int run_ward(const MonitorSetup& setup, const std::vector<std::string>& verb_args, std::array<int, 3> stdio,
             int report_fd) {
  pid_t child = spawn_ward(setup, verb_args, stdio, report_fd);
  if (child < 0) return 127;
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return exit_code_of(status);
}

class Monitor {
 public:
  explicit Monitor(const MonitorSetup& setup) : setup_(setup), attach_(setup.attach_fd) {}

  int run();

 private:
  void open_log();
  [[nodiscard]] Result<UniqueFd> block_signals();
  // The first start's report, from the fork of `ward` that made it.
  [[nodiscard]] Result<StartReport> first_start();
  // A restart: `ward monitor-start ID` with new pipes as its stdio.
  [[nodiscard]] Result<StartReport> restart();
  [[nodiscard]] Result<> take_terminal();
  // Where `ward attach`'s input goes for this start: the terminal's
  // master, or -i's stdin pipe.
  void route_input();
  // Pumps the output into the log until the init exits; its wait status.
  [[nodiscard]] Result<int> watch(pid_t init);
  void pump(Stream& stream);
  void drain();
  // Sleeps the restart delay; SIGTERM (stop, rm) cuts it short.
  void wait(std::chrono::milliseconds delay);
  // Health probes: when the next is due after one ended at `now`, for an
  // init started at `started`; the poll timeout until then (-1: none).
  void schedule_probe(Clock::time_point started, Clock::time_point now);
  [[nodiscard]] int probe_timeout_ms() const;
  void start_probe_if_due();
  void reaped(pid_t child, Clock::time_point started);

  const MonitorSetup& setup_;
  std::optional<JsonLogWriter> log_;
  bool log_failed_ = false;
  UniqueFd signals_;
  std::vector<Stream> streams_;
  AttachServer attach_;
  RestartBackoff backoff_;
  std::optional<Clock::time_point> next_probe_;  // nullopt: no health check
  pid_t probe_pid_ = 0;                          // a `ward monitor-health` that runs
};

void Monitor::schedule_probe(Clock::time_point started, Clock::time_point now) {
  if (setup_.health_interval_ms <= 0) return;
  bool in_start_period = now - started < std::chrono::milliseconds(setup_.health_start_period_ms);
  next_probe_ = now + std::chrono::milliseconds(in_start_period && setup_.health_start_interval_ms > 0
                                                    ? setup_.health_start_interval_ms
                                                    : setup_.health_interval_ms);
}

int Monitor::probe_timeout_ms() const {
  if (!next_probe_ || probe_pid_ > 0) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*next_probe_ - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

void Monitor::start_probe_if_due() {
  if (!next_probe_ || probe_pid_ > 0 || Clock::now() < *next_probe_) return;
  probe_pid_ = spawn_ward(setup_, {"monitor-health", setup_.id}, {-1, -1, -1}, -1);
  if (probe_pid_ < 0) probe_pid_ = 0;  // no fork now: tried again at the next interval
  schedule_probe(Clock::now(), Clock::now());
}

void Monitor::reaped(pid_t child, Clock::time_point started) {
  if (child != probe_pid_) return;
  probe_pid_ = 0;
  schedule_probe(started, Clock::now());
}

void Monitor::open_log() {
  if (setup_.log_driver == "none") return;
  auto options = parse_json_log_options(setup_.log_options);
  auto writer = options ? JsonLogWriter::open(container_log_path(setup_.store_root, setup_.id), *options)
                        : std::unexpected(options.error());
  if (writer) log_.emplace(std::move(*writer));
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
  // The report comes before `ward monitor-start` exits: read it while it
  // runs (a pipe holds it), then reap it.
  int status = run_ward(setup_, {"monitor-start", setup_.id}, {setup_.stdin_read_fd, out[1], err[1]}, report[1]);
  report_write.reset();
  out_write.reset();
  err_write.reset();
  std::string line = read_report_line(report_read.get());
  streams_.clear();
  if (!terminal) {
    streams_.push_back({std::move(out_read), "stdout"});
    streams_.push_back({std::move(err_read), "stderr"});
  }
  if (line.empty() && status != 0)
    return fail(fmt::format("{} monitor-start exited with status {}", setup_.ward_path, status));
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

void Monitor::route_input() {
  for (auto& stream : streams_)
    if (stream.terminal) return attach_.set_input(stream.fd.get(), true);
  attach_.set_input(setup_.stdin_write_fd, false);
}

void Monitor::pump(Stream& stream) {
  char buffer[16384];
  ssize_t n = sys::raw::read_some(stream.fd.get(), buffer, sizeof(buffer));
  if (n == -EAGAIN) return;
  if (n <= 0) {  // the end, or a terminal whose last user is gone (EIO)
    stream.fd.reset();
    return;
  }
  attach_.broadcast(stream.name == "stderr" ? AttachFrame::stderr_data : AttachFrame::stdout_data,
                    std::string_view(buffer, static_cast<std::size_t>(n)));
  if (!log_ || log_failed_) return;
  if (!log_->write(stream.name, std::string_view(buffer, static_cast<std::size_t>(n)), now_real()))
    log_failed_ = true;  // a full disk: the output is dropped, the container runs on
}

Result<int> Monitor::watch(pid_t init) {
  auto started = Clock::now();
  schedule_probe(started, started);
  for (;;) {
    std::vector<struct pollfd> fds{{signals_.get(), POLLIN, 0}};
    for (auto& stream : streams_) fds.push_back({stream.fd ? stream.fd.get() : -1, POLLIN, 0});
    std::size_t attach_first = fds.size();
    attach_.add_poll_fds(fds);
    if (::poll(fds.data(), fds.size(), probe_timeout_ms()) < 0 && errno != EINTR) return fail_errno(errno, "poll");
    for (std::size_t i = 0; i < streams_.size(); ++i)
      if (fds[i + 1].revents != 0 && streams_[i].fd) pump(streams_[i]);
    attach_.handle(fds, attach_first);
    start_probe_if_due();
    if ((fds[0].revents & POLLIN) == 0) continue;
    struct signalfd_siginfo info;
    while (sys::raw::read_some(signals_.get(), &info, sizeof(info)) == sizeof(info)) {
    }
    // Reap every child: the init, and what a subreaper inherits.
    int status = 0;
    std::optional<int> init_status;
    for (pid_t done; (done = ::waitpid(-1, &status, WNOHANG)) > 0;) {
      if (done == init) init_status = status;
      reaped(done, started);
    }
    if (init_status) {
      next_probe_.reset();  // the next start schedules its own
      return *init_status;
    }
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
  attach_.set_input(-1, false);
  attach_.disconnect_all();  // their end of stream: the container stopped
}

void Monitor::wait(std::chrono::milliseconds delay) {
  auto deadline = Clock::now() + delay;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return;
    struct pollfd pfd {
      signals_.get(), POLLIN, 0
    };
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    struct signalfd_siginfo info;
    bool woken = false;
    while (sys::raw::read_some(signals_.get(), &info, sizeof(info)) == sizeof(info))
      woken = woken || info.ssi_signo != SIGCHLD;
    int status = 0;
    for (pid_t done; (done = ::waitpid(-1, &status, WNOHANG)) > 0;)
      if (done == probe_pid_) probe_pid_ = 0;
    if (woken) return;  // monitor-start then sees the stop request
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
  open_log();
  // The starter recorded the start (and this monitor) before it reported.
  auto report = first_start();
  if (!report) {
    report_ready(encode_failed(report.error()));
    return 1;
  }
  if (auto terminal = take_terminal(); !terminal) {
    (void)::kill(report->pid, SIGKILL);  // nobody could read its terminal
    report_ready(encode_failed(terminal.error()));
    return 1;
  }
  route_input();
  report_ready("ok\n");
  for (;;) {
    auto started = Clock::now();
    auto status = watch(report->pid);
    if (!status) {
      (void)::kill(report->pid, SIGKILL);
      status = 137;
    }
    drain();
    auto ran_for = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    // `ward monitor-exit` records the exit and asks for a restart with 75.
    int decided =
        run_ward(setup_, {"monitor-exit", setup_.id, std::to_string(exit_code_of(*status))}, {-1, -1, -1}, -1);
    if (decided != kRestartWanted) break;
    wait(backoff_.next(ran_for));
    report = restart();
    if (!report) break;  // monitor-start recorded why (or the stop request)
    if (!take_terminal()) {
      (void)::kill(report->pid, SIGKILL);
    }
    route_input();
  }
  (void)::unlink(console_socket_path(setup_.run_root, setup_.id).c_str());
  (void)::unlink(attach_socket_path(setup_.run_root, setup_.id).c_str());
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
  Monitor monitor(setup);
  return monitor.run();
}

}  // namespace ward::monitor
