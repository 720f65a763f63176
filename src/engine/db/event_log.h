// The events table (schema.h): what `ward events` shows, Docker's event
// stream kept in the database, since no daemon holds it in memory.  Every
// command that creates, starts, stops or removes something appends a row;
// `ward events` reads the rows after the last one it printed.  Only the
// newest kEventsKept rows are kept.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/db/database.h"
#include "util/error.h"

namespace ward::db {

inline constexpr std::int64_t kEventsKept = 10000;

struct Event {
  std::int64_t seq = 0;                           // the row's order, set when it is recorded
  std::int64_t time_nano = 0;                     // since the epoch; 0: now, when recorded
  std::string type;                               // "container", "image", "volume"
  std::string action;                             // "create", "start", "die", "health_status: healthy", ...
  std::string actor_id;                           // the container's id, the image's id or name, the volume's name
  std::map<std::string, std::string> attributes;  // Docker's Actor.Attributes
};

// Appends the event (time_nano 0 becomes the current time).
[[nodiscard]] Result<> record_event(Database& database, Event event);

struct EventRange {
  std::int64_t after_seq = 0;              // rows after this one
  std::optional<std::int64_t> since_nano;  // at or after this time
  std::optional<std::int64_t> until_nano;  // at or before this time
};
// The events in `range`, oldest first.
[[nodiscard]] Result<std::vector<Event>> read_events(Database& database, const EventRange& range);
// The seq of the newest event, 0 when there is none.
[[nodiscard]] Result<std::int64_t> last_event_seq(Database& database);

// The current time, nanoseconds since the epoch (CLOCK_REALTIME).
[[nodiscard]] std::int64_t now_nano();

}  // namespace ward::db
