// Internal to src/engine: a container's volumes at create and at removal
// (engine/volumes.h keeps the volumes themselves).
#pragma once

#include <set>
#include <string>

#include "engine/container_spec.h"
#include "engine/db/database.h"
#include "util/error.h"

namespace ward::engine {

// Completes the flags' volumes at create: each --volumes-from
// container's volumes and binds (with its mode, or the one given), then
// the image's VOLUME paths not mounted over, as anonymous volumes.
[[nodiscard]] Result<> complete_volume_mounts(db::Database& database, ContainerSpec& spec,
                                              const std::set<std::string>& image_volumes);

// After its row is gone: removes the anonymous volumes `names` of a
// removed container that no other container mounts (rm -v, --rm).
void remove_unused_volumes(db::Database& database, const std::string& store_root,
                           const std::vector<std::string>& names);

}  // namespace ward::engine
