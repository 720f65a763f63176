// The containers table (engine/db/schema.h): one row per container.  Names
// are UNIQUE in the table, so of two commands creating the same name one
// wins and the other gets already_exists.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/container_spec.h"
#include "engine/db/database.h"
#include "engine/monitor/state_rows.h"
#include "util/error.h"

namespace ward::engine {

// The exit code recorded for a container whose init ended while no ward
// watched it (the foreground `ward run` was killed): its status is lost.
inline constexpr int kUnknownExitCode = 255;

// restarting: exited, and its monitor waits to start it again.
enum class ContainerStatus : std::uint8_t { created, running, exited, restarting };
[[nodiscard]] std::string_view status_name(ContainerStatus status);

struct ContainerRecord {
  std::string id;  // 64 hex digits
  std::string name;
  std::string image_id;  // "sha256:<hex>"
  std::string created;   // RFC 3339
  ContainerSpec spec;
  ContainerStatus status = ContainerStatus::created;
  pid_t pid = 0;
  std::uint64_t pid_start_time = 0;  // /proc/PID/stat field 22, to tell a reused pid
  int exit_code = 0;
  bool oom_killed = false;
  std::string started_at, finished_at;  // RFC 3339, "" before the first start / exit
  int restart_count = 0;                // restarts by its monitor
  bool stop_requested = false;          // stopped by the user: not restarted
  pid_t monitor_pid = 0;                // a detached container's ward-monitor, 0: none
  std::uint64_t monitor_start_time = 0;
  bool paused = false;  // running, its processes frozen (`ward pause`)
  std::string health;   // Docker's State.Health as JSON (engine/health.h); "" without a health check
};

// Inserts the row (status created); already_exists naming the container
// that holds the name.
[[nodiscard]] Result<> insert_container(db::Database& database, const ContainerRecord& record);
// Gives the container another name; already_exists naming the container
// that holds it.
[[nodiscard]] Result<> rename_container(db::Database& database, const std::string& id, const std::string& name);
// Replaces the container's recorded spec (`ward update`).
[[nodiscard]] Result<> update_container_spec(db::Database& database, const std::string& id, const ContainerSpec& spec);
// Every container, newest first.
[[nodiscard]] Result<std::vector<ContainerRecord>> list_containers(db::Database& database);
// A full id, a unique id prefix, or a name ("/name" too, as Docker).
// not_found: "No such container: TEXT".
[[nodiscard]] Result<ContainerRecord> find_container(db::Database& database, std::string_view text);
// The ids of the containers made from `image_id`.
[[nodiscard]] Result<std::vector<std::string>> containers_of_image(db::Database& database, std::string_view image_id);
// Deletes the row and its user-namespace range.  Deleting a row that is
// gone is not an error (a racing `rm` got there first).
[[nodiscard]] Result<> delete_container(db::Database& database, const std::string& id);

}  // namespace ward::engine
