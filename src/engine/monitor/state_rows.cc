#include "engine/monitor/state_rows.h"

namespace ward::monitor {

namespace {

Result<> update(db::Database& database, std::string_view sql, std::string_view purpose, const std::string& id) {
  auto statement = WARD_TRY(database.prepare(sql, purpose));
  WARD_TRY(statement.bind(1, id));
  return statement.run();
}

}  // namespace

Result<> record_started(db::Database& database, const std::string& id, pid_t pid, std::uint64_t start_time,
                        const std::string& started_at) {
  auto statement = WARD_TRY(database.prepare(
      "UPDATE containers SET status = 'running', pid = ?2, pid_start_time = ?3, started_at = ?4, exit_code = 0, "
      "oom_killed = 0, finished_at = '', paused = 0 WHERE id = ?1",
      "record the start"));
  WARD_TRY(statement.bind(1, id));
  WARD_TRY(statement.bind(2, std::int64_t{pid}));
  WARD_TRY(statement.bind(3, static_cast<std::int64_t>(start_time)));
  WARD_TRY(statement.bind(4, started_at));
  return statement.run();
}

Result<> record_exited(db::Database& database, const std::string& id, int exit_code, bool oom_killed,
                       const std::string& finished_at) {
  auto statement = WARD_TRY(database.prepare(
      "UPDATE containers SET status = 'exited', pid = 0, pid_start_time = 0, exit_code = ?2, oom_killed = ?3, "
      "finished_at = ?4, paused = 0 WHERE id = ?1",
      "record the exit"));
  WARD_TRY(statement.bind(1, id));
  WARD_TRY(statement.bind(2, std::int64_t{exit_code}));
  WARD_TRY(statement.bind(3, std::int64_t{oom_killed ? 1 : 0}));
  WARD_TRY(statement.bind(4, finished_at));
  return statement.run();
}

Result<> record_restarting(db::Database& database, const std::string& id) {
  return update(database,
                "UPDATE containers SET status = 'restarting', restart_count = restart_count + 1 WHERE id = ?1",
                "record the restart", id);
}

Result<> record_not_restarting(db::Database& database, const std::string& id) {
  return update(database, "UPDATE containers SET status = 'exited' WHERE id = ?1 AND status = 'restarting'",
                "record the restart's end", id);
}

Result<> set_stop_requested(db::Database& database, const std::string& id, bool requested) {
  return update(database,
                requested ? "UPDATE containers SET stop_requested = 1 WHERE id = ?1"
                          : "UPDATE containers SET stop_requested = 0 WHERE id = ?1",
                "record the stop request", id);
}

Result<> set_paused(db::Database& database, const std::string& id, bool paused) {
  return update(
      database,
      paused ? "UPDATE containers SET paused = 1 WHERE id = ?1" : "UPDATE containers SET paused = 0 WHERE id = ?1",
      "record the pause", id);
}

Result<> record_monitor(db::Database& database, const std::string& id, pid_t pid, std::uint64_t start_time) {
  auto statement = WARD_TRY(database.prepare(
      "UPDATE containers SET monitor_pid = ?2, monitor_start_time = ?3 WHERE id = ?1", "record the monitor"));
  WARD_TRY(statement.bind(1, id));
  WARD_TRY(statement.bind(2, std::int64_t{pid}));
  WARD_TRY(statement.bind(3, static_cast<std::int64_t>(start_time)));
  return statement.run();
}

Result<std::optional<RestartState>> read_restart_state(db::Database& database, const std::string& id) {
  auto statement = WARD_TRY(
      database.prepare("SELECT stop_requested, restart_count FROM containers WHERE id = ?1", "read the restart state"));
  WARD_TRY(statement.bind(1, id));
  if (WARD_TRY(statement.step()) != db::Step::row) return std::nullopt;
  return RestartState{statement.column_int64(0) != 0, static_cast<int>(statement.column_int64(1))};
}

}  // namespace ward::monitor
