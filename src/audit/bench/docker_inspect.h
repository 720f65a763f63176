// Containers described by what `docker inspect` or `podman inspect` prints
// (a JSON array of records), or by one record as the Docker API's
// GET /containers/{id}/json returns it.  Podman's records are Docker's
// shape with additions; a record with Podman's own keys (OCIRuntime,
// ConmonPidFile, EffectiveCaps) is named a Podman one.
#pragma once

#include <string_view>
#include <vector>

#include "audit/bench/container.h"
#include "util/error.h"

namespace ward::audit::bench {

// Errors name the JSON path ("[0].HostConfig.Memory: expected ...").
[[nodiscard]] Result<std::vector<ContainerDescription>> parse_docker_inspect(std::string_view text);

}  // namespace ward::audit::bench
