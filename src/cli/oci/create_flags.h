// Flags shared by `create` and `run`.
#pragma once

#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

std::vector<FlagSpec> create_flags();
Result<runtime::CreateOptions> create_options(const GlobalOptions& global, const ParsedArgs& parsed);

}  // namespace ward::cli
