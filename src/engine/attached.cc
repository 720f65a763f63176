// Engine::run_attached: a container in the foreground, its own monitor
// (ENGINE.md): stdio attached (and kept in its log), signals forwarded,
// its exit recorded here.
#include <unistd.h>

#include <memory>
#include <optional>

#include "engine/container_events.h"
#include "engine/engine.h"
#include "engine/health_prober.h"
#include "engine/monitor/state_rows.h"
#include "engine/monitor/monitor.h"
#include "engine/null_stdio.h"
#include "engine/output_tee.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::engine {

Result<int> Engine::run_attached(const ContainerRecord& container) {
  const std::string& id = container.id;
  auto launch = WARD_TRY(prepare_launch(container));
  runtime::RunOptions options = run_options(launch);
  db::Database& database = store_.database();
  options.on_started = [&](const runtime::ContainerState& state) {
    if (auto r = monitor::record_started(database, id, state.pid, state.pid_start_time, now_rfc3339()); !r)
      log::warning(r.error().what());
    if (auto r = record_health_starting(database, container); !r) log::warning(r.error().what());
    note_container_event(database, container, "start");
  };
  WARD_TRY(monitor::set_stop_requested(database, id, false));
  std::optional<NullStdio> no_stdin;
  if (!container.spec.open_stdin) no_stdin.emplace({STDIN_FILENO});
  const bool relay_out = container.spec.attach_stdout, relay_err = container.spec.attach_stderr;
  // Its output is kept for `ward logs`, unless nobody can read it later
  // (--rm, --log-driver none).
  std::unique_ptr<OutputTee> tee;
  if (!container.spec.auto_remove && container.spec.log_driver == "json-file") {
    auto log_options = WARD_TRY(monitor::parse_json_log_options(container.spec.log_options));
    tee =
        WARD_TRY(OutputTee::install(monitor::container_log_path(store_.root(), id), log_options, relay_out, relay_err));
  }
  // Without a log, an unattached stream (run -a) goes nowhere.
  std::optional<NullStdio> unattached;
  if (!tee && (!relay_out || !relay_err)) {
    if (!relay_out && !relay_err)
      unattached.emplace({STDOUT_FILENO, STDERR_FILENO});
    else
      unattached.emplace({relay_out ? STDERR_FILENO : STDOUT_FILENO});
  }
  note_container_event(database, container, "attach");
  // A foreground container's health checks: this ward is its monitor.
  std::unique_ptr<HealthProber> prober;
  if (auto check = active_healthcheck(container.spec)) {
    std::vector<std::string> env = {"WARD_RUN_ROOT=" + run_root_};
    for (char** entry = environ; *entry != nullptr; ++entry)
      if (!std::string_view(*entry).starts_with("WARD_RUN_ROOT=")) env.emplace_back(*entry);
    prober = WARD_TRY(HealthProber::start({WARD_TRY(own_program()), "--root", store_.root(), "monitor-health", id},
                                          std::move(env), *check));
  }
  auto status = runtime_.run(options);
  prober.reset();
  tee.reset();
  // The secrets' copies go with the run (a detached one's go with its bundle).
  (void)sys::remove_all(bundle_dir(id) + "/secrets");
  unattached.reset();
  no_stdin.reset();
  if (!status) {
    (void)forget_runtime_state(id);
    return std::unexpected(status.error());
  }
  auto oom = runtime_.oom_kills(id);
  bool oom_killed = oom && *oom > 0;
  if (auto removed = forget_runtime_state(id); !removed) log::warning(removed.error().what());
  tidy_parent_cgroup();
  WARD_TRY(monitor::record_exited(database, id, *status, oom_killed, now_rfc3339()));
  if (oom_killed) note_container_event(database, container, "oom");
  note_container_event(database, container, "die", {{"exitCode", std::to_string(*status)}});
  if (container.spec.auto_remove) {
    auto current = WARD_TRY(find_container(database, id));
    WARD_TRY(remove(current, true, true));
  }
  return *status;
}

}  // namespace ward::engine
