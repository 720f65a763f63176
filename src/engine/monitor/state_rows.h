// The containers table's state columns (engine/db/schema.h), written by
// the engine and by a detached container's monitor: when it started and
// ended, its restarts, the user's stop requests and which monitor holds
// it.  The rest of the row (name, spec, ...) is the engine's
// (engine/container_rows.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "engine/db/database.h"
#include "util/error.h"

namespace ward::monitor {

// Running, with its init `pid` (`start_time`: /proc/PID/stat field 22, to
// tell a reused pid).
[[nodiscard]] Result<> record_started(db::Database& database, const std::string& id, pid_t pid,
                                      std::uint64_t start_time, const std::string& started_at);
[[nodiscard]] Result<> record_exited(db::Database& database, const std::string& id, int exit_code, bool oom_killed,
                                     const std::string& finished_at);
// Exited and waiting for its monitor to start it again; counts the restart.
[[nodiscard]] Result<> record_restarting(db::Database& database, const std::string& id);
// Back to exited (its recorded exit kept) from restarting, when it is not
// restarted after all.
[[nodiscard]] Result<> record_not_restarting(db::Database& database, const std::string& id);
// Set by stop, kill and rm before they signal: the monitor does not
// restart a container the user stopped.  Cleared by start.
[[nodiscard]] Result<> set_stop_requested(db::Database& database, const std::string& id, bool requested);
// Frozen by `ward pause`, or thawed; a start or an exit clears it.
[[nodiscard]] Result<> set_paused(db::Database& database, const std::string& id, bool paused);
// The monitor that holds the container (pid 0: none).
[[nodiscard]] Result<> record_monitor(db::Database& database, const std::string& id, pid_t pid,
                                      std::uint64_t start_time);

// What a monitor reads before it restarts a container.
struct RestartState {
  bool stop_requested = false;
  int restart_count = 0;
};
// nullopt once the container's row is gone (removed).
[[nodiscard]] Result<std::optional<RestartState>> read_restart_state(db::Database& database, const std::string& id);

}  // namespace ward::monitor
