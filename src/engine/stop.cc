// Engine::stop, kill and wait: signalling a container and waiting for the
// exit that whoever watches it (its monitor, or a foreground `ward run`)
// records.
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "engine/container_events.h"
#include "engine/engine.h"
#include "engine/monitor/state_rows.h"
#include "oci/signals.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr int kDefaultStopTimeout = 10;  // seconds, as Docker's
// How long stop waits after SIGKILL for the exit to be recorded.
constexpr int kRecordTimeoutMs = 10000;

bool is_active(ContainerStatus status) {
  return status == ContainerStatus::running || status == ContainerStatus::restarting;
}

// Waits up to `timeout_ms` for the init to end; true once it has.
bool wait_for_end(const ContainerRecord& container, int timeout_ms) {
  auto pidfd = sys::pidfd_open(container.pid);
  if (!pidfd || !process_lives(container.pid, container.pid_start_time)) return true;
  struct pollfd pfd {
    pidfd->get(), POLLIN, 0
  };
  return ::poll(&pfd, 1, timeout_ms) > 0;
}

}  // namespace

Result<ContainerRecord> Engine::wait_until_not_running(const std::string& id, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto current = WARD_TRY(find(id));
    if (!is_active(current.status)) return current;
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline)
      return fail(fmt::format("container {} did not stop", current.name));
    if (current.status == ContainerStatus::running && process_lives(current.pid, current.pid_start_time))
      (void)wait_for_end(current, 100);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // its monitor is recording the exit
  }
}

Result<> Engine::stop(const ContainerRecord& container, std::optional<int> timeout_seconds) {
  auto current = WARD_TRY(reconcile(container));
  if (!is_active(current.status)) return {};
  WARD_TRY(monitor::set_stop_requested(store_.database(), current.id, true));
  if (current.status == ContainerStatus::restarting) {
    // Wake the monitor from its restart delay: it sees the request and ends.
    if (process_lives(current.monitor_pid, current.monitor_start_time)) ::kill(current.monitor_pid, SIGTERM);
    WARD_TRY(wait_until_not_running(current.id, kRecordTimeoutMs));
    return {};
  }
  int signal = SIGTERM;
  if (!current.spec.stop_signal.empty()) {
    auto parsed = oci::parse_signal(current.spec.stop_signal);
    if (parsed) signal = *parsed;
  }
  int seconds =
      timeout_seconds.value_or(current.spec.stop_timeout >= 0 ? current.spec.stop_timeout : kDefaultStopTimeout);
  auto signalled = runtime_.kill(current.id, signal, false);
  if (!signalled && !signalled.error().is(ErrorKind::not_found) && !signalled.error().is(ErrorKind::wrong_state))
    return std::unexpected(signalled.error());
  if (signalled) note_container_event(store_.database(), current, "kill", {{"signal", std::to_string(signal)}});
  thaw_after_signal(current);
  if (seconds < 0 || !wait_for_end(current, seconds * 1000)) {
    auto killed = runtime_.kill(current.id, SIGKILL, false);
    if (!killed && !killed.error().is(ErrorKind::not_found) && !killed.error().is(ErrorKind::wrong_state))
      return std::unexpected(killed.error());
    if (killed) note_container_event(store_.database(), current, "kill", {{"signal", std::to_string(SIGKILL)}});
  }
  WARD_TRY(wait_until_not_running(current.id, kRecordTimeoutMs));
  note_container_event(store_.database(), current, "stop");
  return {};
}

Result<> Engine::kill(const ContainerRecord& container, int signal) {
  auto current = WARD_TRY(reconcile(container));
  if (current.status != ContainerStatus::running)
    return fail(ErrorKind::wrong_state, fmt::format("Container {} is not running", current.id));
  WARD_TRY(monitor::set_stop_requested(store_.database(), current.id, true));
  WARD_TRY(runtime_.kill(current.id, signal, false));
  note_container_event(store_.database(), current, "kill", {{"signal", std::to_string(signal)}});
  thaw_after_signal(current);
  return {};
}

Result<int> Engine::wait(const ContainerRecord& container) {
  auto ended = WARD_TRY(wait_until_not_running(container.id, -1));
  return ended.exit_code;
}

}  // namespace ward::engine
