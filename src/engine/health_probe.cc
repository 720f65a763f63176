// Engine::check_health: one probe of a container's health check, run by
// its monitor every interval as `ward monitor-health ID`.  The probe is an
// exec in the container (its namespaces, cgroup and confinement) whose
// output is kept; past its timeout it is killed and counts as failed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "engine/container_events.h"
#include "engine/db/event_log.h"
#include "engine/engine.h"
#include "engine/health.h"
#include "engine/monitor/json_log.h"
#include "util/clock.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

using Clock = std::chrono::steady_clock;

// Go's Duration.String() for the durations health checks use: "30s",
// "1m30s", "1.5s", "500ms".
std::string duration_text(std::int64_t ns) {
  if (ns < 1'000'000'000) return fmt::format("{}ms", ns / 1'000'000);
  std::int64_t ms = ns / 1'000'000;
  std::int64_t hours = ms / 3'600'000, minutes = ms / 60'000 % 60, seconds = ms / 1000 % 60, rest = ms % 1000;
  std::string text;
  if (hours > 0) text += fmt::format("{}h", hours);
  if (hours > 0 || minutes > 0) text += fmt::format("{}m", minutes);
  text += std::to_string(seconds);
  if (rest > 0) {
    std::string fraction = fmt::format("{:03}", rest);
    text += "." + fraction.substr(0, fraction.find_last_not_of('0') + 1);
  }
  return text + "s";
}

// Reads the probe's output until it ends or `deadline`; false at the deadline.
bool collect_output(int fd, Clock::time_point deadline, std::string& output) {
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    struct pollfd pfd {
      fd, POLLIN, 0
    };
    int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ready == 0 ? false : true;
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    if (output.size() < kHealthOutputLimit)
      output.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), kHealthOutputLimit - output.size()));
  }
}

void kill_probe(const std::string& pid_file) {
  std::FILE* file = std::fopen(pid_file.c_str(), "re");
  if (file == nullptr) return;
  long pid = 0;
  if (std::fscanf(file, "%ld", &pid) == 1 && pid > 1) ::kill(static_cast<pid_t>(pid), SIGKILL);
  std::fclose(file);
}

}  // namespace

ProbeResult Engine::run_probe(const ContainerRecord& container, const image::Healthcheck& check) {
  ProbeResult result;
  result.start = now_rfc3339();
  runtime::ExecOptions options;
  options.id = container.id;
  options.args = probe_command(check);
  options.pid_file = bundle_dir(container.id) + "/health.pid";
  (void)::unlink(options.pid_file.c_str());
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) {
    result.exit_code = -1;
    result.output = fail_errno(errno, "pipe").error().what();
    result.end = now_rfc3339();
    return result;
  }
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  pid_t child = ::fork();
  if (child == 0) {
    // The exec's stdout and stderr are the pipe; its stdin is empty.
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, STDIN_FILENO);
    ::dup2(write_end.get(), STDOUT_FILENO);
    ::dup2(write_end.get(), STDERR_FILENO);
    auto status = runtime_.exec(options);
    if (!status) {
      std::fprintf(stderr, "%s\n", status.error().what().c_str());
      std::fflush(stderr);
      ::_exit(255);
    }
    ::_exit(*status & 0xff);
  }
  write_end.reset();
  if (child < 0) {
    result.exit_code = -1;
    result.output = fail_errno(errno, "fork the health probe").error().what();
    result.end = now_rfc3339();
    return result;
  }
  auto deadline = Clock::now() + std::chrono::nanoseconds(check.timeout);
  bool ended = collect_output(read_end.get(), deadline, result.output);
  if (!ended) kill_probe(options.pid_file);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  (void)::unlink(options.pid_file.c_str());
  result.end = now_rfc3339();
  if (!ended) {
    result.exit_code = -1;
    result.output = fmt::format("Health check exceeded timeout ({})", duration_text(check.timeout));
  } else {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return result;
}

Result<std::string> Engine::check_health(const ContainerRecord& container) {
  auto current = WARD_TRY(reconcile(container));
  auto check = active_healthcheck(current.spec);
  if (!check) return fail(ErrorKind::invalid_input, fmt::format("container {} has no health check", current.id));
  // A stopped or frozen container is not probed: its state stays.
  if (current.status != ContainerStatus::running || current.paused) return health_status(current.health);
  ProbeResult result = run_probe(current, *check);
  std::int64_t now = db::now_nano();
  auto started = monitor::parse_log_time(current.started_at, now);
  bool in_start_period = started && now < *started + check->start_period;
  auto change = WARD_TRY(record_probe(store_.database(), current.id, result, in_start_period, check->retries));
  if (change.changed) note_container_event(store_.database(), current, "health_status: " + change.status);
  return change.status;
}

}  // namespace ward::engine
