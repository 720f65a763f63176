#include "image/image_events.h"

#include "engine/db/event_log.h"
#include "util/log.h"

namespace ward::image {

void note_image_event(db::Database& database, std::string_view action, const std::string& id, const std::string& name) {
  db::Event event;
  event.type = "image";
  event.action = action;
  event.actor_id = id;
  event.attributes["name"] = name;
  if (auto recorded = db::record_event(database, std::move(event)); !recorded) log::warning(recorded.error().what());
}

}  // namespace ward::image
