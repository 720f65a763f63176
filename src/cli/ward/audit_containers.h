// `ward audit`'s view of ward's own containers (section 5): gathered here,
// where the engine may be used, and handed to the audit module as data.
#pragma once

#include <string>

#include "audit/bench/ward_containers.h"
#include "util/error.h"

namespace ward::cli::engine {

// Every container in the store at `store_root`, running or not: its
// inspect record, and for a running one its bundle's config.json and its
// processes' command lines.  No store: no containers (none is created).
[[nodiscard]] Result<audit::bench::WardContainers> gather_ward_containers(const std::string& store_root);

}  // namespace ward::cli::engine
