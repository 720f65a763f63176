// The two ways `ward audit` runs: over container descriptions (files or a
// live engine's API: section 5), or over ward itself (sections 1 to 5).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/bench/bench.h"
#include "audit/bench/ward_containers.h"
#include "util/error.h"

namespace ward::audit::bench {

struct ContainerInputs {
  std::vector<std::string> docker_inspect_files;  // docker/podman inspect output
  std::vector<std::string> config_files;          // OCI config.json
  std::string docker_host;                        // unix:///PATH, or ""
};

// Section 5 over every container the inputs describe.  A file that cannot
// be read or parsed fails the whole audit with its name in the message.
[[nodiscard]] Result<BenchReport> audit_containers(const ContainerInputs& inputs);

// Whether a store is at `store_root` (opening one would create it).
[[nodiscard]] bool ward_store_exists(const std::string& store_root);

// Sections 1 to 4 over ward's store at `store_root` and this host, and
// section 5 over ward's containers, which the front end gathers (it may
// use the engine; this module may not).  Never creates the store.
[[nodiscard]] Result<BenchReport> audit_ward(const std::string& store_root, std::string_view version,
                                             const WardContainers& containers);

}  // namespace ward::audit::bench
