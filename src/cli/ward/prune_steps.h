// What the prune verbs remove, one step each, shared by `container prune`,
// `image prune`, `volume prune` and `system prune` (which runs them in
// Docker's order: containers, then volumes, then images).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/ward/prune_filters.h"
#include "engine/engine.h"

namespace ward::cli::engine {

struct PruneResult {
  std::string deleted;          // one line per thing removed, Docker's words
  std::uint64_t reclaimed = 0;  // bytes
  int status = 0;               // 1 when something could not be removed (reported as `verb`'s error)
};

// Every container that does not run and passes the filters.
[[nodiscard]] PruneResult prune_containers(ward::engine::Engine& engine, const PruneFilters& filters,
                                           std::string_view verb);
// Dangling images, or with `all` every image no container uses.
[[nodiscard]] PruneResult prune_images(image::Store& store, const PruneFilters& filters, bool all,
                                       std::string_view verb);
// Every volume no container uses and whose labels pass the filters.
[[nodiscard]] PruneResult prune_volumes(image::Store& store, const PruneFilters& filters, std::string_view verb);

}  // namespace ward::cli::engine
