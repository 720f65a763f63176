// A container described by an OCI runtime-spec config.json: each section 5
// check mapped onto the runtime-spec field that carries the same setting
// (docs/AUDIT.md has the table).  What a runtime config cannot say (ports,
// restart policy, health, networks) stays unset.
#pragma once

#include <string_view>

#include "audit/bench/container.h"
#include "util/error.h"

namespace ward::audit::bench {

// `name`: what to call the container in results (the file's name).  Errors
// name the field ("linux.namespaces[1].type: expected a string, got integer").
[[nodiscard]] Result<ContainerDescription> parse_oci_config(std::string_view text, std::string_view name);

}  // namespace ward::audit::bench
