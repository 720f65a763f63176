// Internal to src/engine: the HostConfig and Config fields of the flags
// added after the first containers were recorded (limits, namespaces,
// names, devices).  Reading takes every one as optional, so a record
// written before a field existed still reads, with the field's default.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/container_spec.h"
#include "util/error.h"

namespace ward::engine {

void host_options_to_json(const ContainerSpec& spec, nlohmann::ordered_json& config, nlohmann::ordered_json& host);
// nlohmann's exceptions for a field of the wrong type (spec_from_json
// turns them into its error).
void host_options_from_json(const nlohmann::json& config, const nlohmann::json& host, ContainerSpec& spec);

}  // namespace ward::engine
