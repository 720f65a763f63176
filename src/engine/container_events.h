// A container's events for `ward events` (engine/db/event_log.h), with
// Docker's attributes: the image as the user named it, the name, the
// container's labels, and what the action adds (exitCode, signal,
// oldName, execID).  An event that cannot be written costs a warning,
// not the operation it reports.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "engine/container_rows.h"
#include "engine/db/database.h"

namespace ward::engine {

void note_container_event(db::Database& database, const ContainerRecord& container, std::string_view action,
                          std::map<std::string, std::string> extra = {});

}  // namespace ward::engine
