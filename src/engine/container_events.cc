#include "engine/container_events.h"

#include "engine/db/event_log.h"
#include "util/log.h"

namespace ward::engine {

void note_container_event(db::Database& database, const ContainerRecord& container, std::string_view action,
                          std::map<std::string, std::string> extra) {
  db::Event event;
  event.type = "container";
  event.action = action;
  event.actor_id = container.id;
  event.attributes = container.spec.labels;
  event.attributes["image"] = container.spec.image;
  event.attributes["name"] = container.name;
  for (auto& [key, value] : extra) event.attributes[key] = std::move(value);
  if (auto recorded = db::record_event(database, std::move(event)); !recorded) log::warning(recorded.error().what());
}

}  // namespace ward::engine
