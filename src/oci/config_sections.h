// The section parsers that config_parse*.cc share.  Private to src/oci, like
// json_reader.h, which it includes.
#pragma once

#include <string_view>
#include <vector>

#include "oci/config.h"
#include "util/json_reader.h"
#include "util/error.h"

namespace ward::oci::detail {

// "/x" or "/": the spec's rule for paths inside the container and on the host.
[[nodiscard]] inline bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

// config_parse.cc — an array of {containerID, hostID, size}; absent is empty.
[[nodiscard]] Result<std::vector<IdMapping>> parse_id_mappings(const json::Node& parent, std::string_view key);

// config_parse_process.cc — the "process" object (also a process.json).
[[nodiscard]] Result<Process> parse_process_object(const json::Node& node);

// config_parse_landlock.cc — "process.landlock".
[[nodiscard]] Result<Landlock> parse_landlock(const json::Node& node);

// config_parse_linux.cc — the "linux" object, field by field.
[[nodiscard]] Result<Linux> parse_linux(const json::Node& node);
// Rules that tie "linux" to the rest of the config: namespaces against id
// mappings, time offsets, sysctls and the hostname.
[[nodiscard]] Result<> validate_namespace_rules(const Config& config);

// config_parse_seccomp.cc — "linux.seccomp".
[[nodiscard]] Result<Seccomp> parse_seccomp(const json::Node& node);

// config_parse_resources.cc — "linux.resources".
[[nodiscard]] Result<Resources> parse_resources(const json::Node& node);

}  // namespace ward::oci::detail
