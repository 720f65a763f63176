// Engine::finish_monitored: what happens when a detached container's init
// ends, run by its monitor as `ward monitor-exit ID STATUS`.
#include <unistd.h>

#include "engine/container_events.h"
#include "engine/engine.h"
#include "engine/monitor/restart_policy.h"
#include "engine/monitor/state_rows.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::engine {

Result<bool> Engine::finish_monitored(const std::string& id, int exit_code) {
  auto oom = runtime_.oom_kills(id);
  bool oom_killed = oom && *oom > 0;
  if (auto removed = forget_runtime_state(id); !removed) log::warning(removed.error().what());
  tidy_parent_cgroup();
  (void)sys::remove_all(bundle_dir(id));
  auto container = find_container(store_.database(), id);
  if (!container) {
    if (container.error().is(ErrorKind::not_found)) return false;  // removed meanwhile (rm -f)
    return std::unexpected(container.error());
  }
  WARD_TRY(monitor::record_exited(store_.database(), id, exit_code, oom_killed, now_rfc3339()));
  if (oom_killed) note_container_event(store_.database(), *container, "oom");
  note_container_event(store_.database(), *container, "die", {{"exitCode", std::to_string(exit_code)}});
  if (monitor::should_restart(container->spec.restart, exit_code, container->restart_count,
                              container->stop_requested)) {
    WARD_TRY(monitor::record_restarting(store_.database(), id));
    return true;
  }
  WARD_TRY(monitor::record_monitor(store_.database(), id, 0, 0));
  if (container->spec.auto_remove) {
    container->status = ContainerStatus::exited;
    container->monitor_pid = 0;
    WARD_TRY(remove(*container, true, true));
  }
  return false;
}

}  // namespace ward::engine
