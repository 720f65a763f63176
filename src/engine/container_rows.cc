#include "engine/container_rows.h"

#include <fmt/format.h>

namespace ward::engine {

namespace {

constexpr std::string_view kColumns =
    "id, name, image_id, created, spec, status, pid, pid_start_time, exit_code, oom_killed, started_at, finished_at, "
    "restart_count, stop_requested, monitor_pid, monitor_start_time, paused, health";

Result<ContainerStatus> parse_status(const std::string& text) {
  if (text == "created") return ContainerStatus::created;
  if (text == "running") return ContainerStatus::running;
  if (text == "exited") return ContainerStatus::exited;
  if (text == "restarting") return ContainerStatus::restarting;
  return fail(ErrorKind::invalid_input, fmt::format("container row: unknown status \"{}\"", text));
}

Result<ContainerRecord> read_row(const db::Statement& row) {
  ContainerRecord record;
  record.id = row.column_text(0);
  record.name = row.column_text(1);
  record.image_id = row.column_text(2);
  record.created = row.column_text(3);
  record.spec = WARD_TRY(context(spec_from_json(row.column_text(4)), "container {}", record.id));
  record.status = WARD_TRY(parse_status(row.column_text(5)));
  record.pid = static_cast<pid_t>(row.column_int64(6));
  record.pid_start_time = static_cast<std::uint64_t>(row.column_int64(7));
  record.exit_code = static_cast<int>(row.column_int64(8));
  record.oom_killed = row.column_int64(9) != 0;
  record.started_at = row.column_text(10);
  record.finished_at = row.column_text(11);
  record.restart_count = static_cast<int>(row.column_int64(12));
  record.stop_requested = row.column_int64(13) != 0;
  record.monitor_pid = static_cast<pid_t>(row.column_int64(14));
  record.monitor_start_time = static_cast<std::uint64_t>(row.column_int64(15));
  record.paused = row.column_int64(16) != 0;
  record.health = row.column_text(17);
  return record;
}

Result<std::vector<ContainerRecord>> query(db::Database& database, const std::string& sql, std::string_view bound,
                                           std::string_view purpose) {
  auto statement = WARD_TRY(database.prepare(sql, purpose));
  if (sql.find("?1") != std::string::npos) WARD_TRY(statement.bind(1, bound));
  std::vector<ContainerRecord> records;
  while (WARD_TRY(statement.step()) == db::Step::row) records.push_back(WARD_TRY(read_row(statement)));
  return records;
}

bool is_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string_view status_name(ContainerStatus status) {
  switch (status) {
    case ContainerStatus::created: return "created";
    case ContainerStatus::running: return "running";
    case ContainerStatus::exited: return "exited";
    case ContainerStatus::restarting: return "restarting";
  }
  return "unknown";
}

namespace {

std::unexpected<Error> name_conflict(db::Database& database, const std::string& name) {
  auto holder = find_container(database, name);
  std::string holder_id = holder ? holder->id : std::string("?");
  return fail(ErrorKind::already_exists,
              fmt::format("Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to "
                          "remove (or rename) that container to be able to reuse that name.",
                          name, holder_id));
}

}  // namespace

Result<> insert_container(db::Database& database, const ContainerRecord& record) {
  auto statement =
      WARD_TRY(database.prepare(fmt::format("INSERT INTO containers ({}) VALUES "
                                            "(?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0, 0, '', '', 0, 0, 0, 0, 0, '')",
                                            kColumns),
                                "add the container"));
  WARD_TRY(statement.bind(1, record.id));
  WARD_TRY(statement.bind(2, record.name));
  WARD_TRY(statement.bind(3, record.image_id));
  WARD_TRY(statement.bind(4, record.created));
  WARD_TRY(statement.bind(5, spec_to_json(record.spec).dump()));
  WARD_TRY(statement.bind(6, status_name(record.status)));
  auto inserted = statement.run();
  if (!inserted && inserted.error().is(ErrorKind::already_exists)) return name_conflict(database, record.name);
  return inserted;
}

Result<> update_container_spec(db::Database& database, const std::string& id, const ContainerSpec& spec) {
  auto statement =
      WARD_TRY(database.prepare("UPDATE containers SET spec = ?2 WHERE id = ?1", "record the container's new limits"));
  WARD_TRY(statement.bind(1, id));
  WARD_TRY(statement.bind(2, spec_to_json(spec).dump()));
  return statement.run();
}

Result<> rename_container(db::Database& database, const std::string& id, const std::string& name) {
  auto statement = WARD_TRY(database.prepare("UPDATE containers SET name = ?2 WHERE id = ?1", "rename the container"));
  WARD_TRY(statement.bind(1, id));
  WARD_TRY(statement.bind(2, name));
  auto renamed = statement.run();
  if (!renamed && renamed.error().is(ErrorKind::already_exists)) return name_conflict(database, name);
  return renamed;
}

Result<std::vector<ContainerRecord>> list_containers(db::Database& database) {
  return query(database, fmt::format("SELECT {} FROM containers ORDER BY created DESC, rowid DESC", kColumns), "",
               "list containers");
}

Result<ContainerRecord> find_container(db::Database& database, std::string_view text) {
  std::string_view name = text.starts_with('/') ? text.substr(1) : text;
  auto by_name = WARD_TRY(query(database, fmt::format("SELECT {} FROM containers WHERE name = ?1 OR id = ?1", kColumns),
                                name, "find container"));
  if (!by_name.empty()) return by_name.front();
  if (!text.empty() && is_hex(text)) {
    auto by_prefix = WARD_TRY(query(database,
                                    fmt::format("SELECT {} FROM containers WHERE substr(id, 1, length(?1)) = ?1 "
                                                "LIMIT 2",
                                                kColumns),
                                    text, "find container"));
    if (by_prefix.size() == 1) return by_prefix.front();
    if (by_prefix.size() > 1)
      return fail(ErrorKind::invalid_input, fmt::format("multiple containers match the prefix \"{}\"", text));
  }
  return fail(ErrorKind::not_found, fmt::format("No such container: {}", text));
}

Result<std::vector<std::string>> containers_of_image(db::Database& database, std::string_view image_id) {
  auto statement =
      WARD_TRY(database.prepare("SELECT id FROM containers WHERE image_id = ?1", "find the image's containers"));
  WARD_TRY(statement.bind(1, image_id));
  std::vector<std::string> ids;
  while (WARD_TRY(statement.step()) == db::Step::row) ids.push_back(statement.column_text(0));
  return ids;
}

Result<> delete_container(db::Database& database, const std::string& id) {
  auto statement = WARD_TRY(database.prepare("DELETE FROM containers WHERE id = ?1", "remove the container"));
  WARD_TRY(statement.bind(1, id));
  return statement.run();
}

}  // namespace ward::engine
