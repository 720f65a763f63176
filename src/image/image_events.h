// An image's events for `ward events` (engine/db/event_log.h), as Docker
// records them: pull, push, load and save name the image by reference;
// tag, untag, delete and import by id (tag's "name" is the new name).  An
// event that cannot be written costs a warning, not the operation.
#pragma once

#include <string>
#include <string_view>

#include "engine/db/database.h"

namespace ward::image {

void note_image_event(db::Database& database, std::string_view action, const std::string& id, const std::string& name);

}  // namespace ward::image
