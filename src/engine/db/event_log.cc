#include "engine/db/event_log.h"

#include <time.h>

#include <nlohmann/json.hpp>

namespace ward::db {

namespace {

// Trimming runs on every kTrimEvery-th row, so it costs nothing on the rest.
constexpr std::int64_t kTrimEvery = 256;

std::map<std::string, std::string> attributes_of(const std::string& text) {
  std::map<std::string, std::string> attributes;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return attributes;
  for (const auto& [key, value] : parsed.items())
    if (value.is_string()) attributes.emplace(key, value.get<std::string>());
  return attributes;
}

}  // namespace

std::int64_t now_nano() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

Result<> record_event(Database& database, Event event) {
  if (event.time_nano == 0) event.time_nano = now_nano();
  auto insert = WARD_TRY(
      database.prepare("INSERT INTO events (time_nano, type, action, actor_id, attributes) VALUES (?1, ?2, ?3, ?4, ?5)",
                       "record an event"));
  WARD_TRY(insert.bind(1, event.time_nano));
  WARD_TRY(insert.bind(2, event.type));
  WARD_TRY(insert.bind(3, event.action));
  WARD_TRY(insert.bind(4, event.actor_id));
  WARD_TRY(insert.bind(5, nlohmann::json(event.attributes).dump()));
  WARD_TRY(insert.run());
  std::int64_t seq = WARD_TRY(last_event_seq(database));
  if (seq % kTrimEvery != 0) return {};
  auto trim = WARD_TRY(database.prepare("DELETE FROM events WHERE seq <= ?1", "forget old events"));
  WARD_TRY(trim.bind(1, seq - kEventsKept));
  return trim.run();
}

Result<std::vector<Event>> read_events(Database& database, const EventRange& range) {
  auto select =
      WARD_TRY(database.prepare("SELECT seq, time_nano, type, action, actor_id, attributes FROM events "
                                "WHERE seq > ?1 AND time_nano >= ?2 AND time_nano <= ?3 ORDER BY seq",
                                "read events"));
  WARD_TRY(select.bind(1, range.after_seq));
  WARD_TRY(select.bind(2, range.since_nano.value_or(INT64_MIN)));
  WARD_TRY(select.bind(3, range.until_nano.value_or(INT64_MAX)));
  std::vector<Event> events;
  while (WARD_TRY(select.step()) == Step::row)
    events.push_back({select.column_int64(0), select.column_int64(1), select.column_text(2), select.column_text(3),
                      select.column_text(4), attributes_of(select.column_text(5))});
  return events;
}

Result<std::int64_t> last_event_seq(Database& database) {
  auto select = WARD_TRY(database.prepare("SELECT COALESCE(MAX(seq), 0) FROM events", "read the last event"));
  WARD_TRY(select.step());
  return select.column_int64(0);
}

}  // namespace ward::db
