// The time forms the json-file module reads, shared by its files (not part
// of the module's interface: json_log.h's parse_log_time is).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ward::monitor {

// An RFC 3339 time as nanoseconds since the epoch: "2026-12-07" or
// "2026-12-07T05", "...T05:39", "...T05:39:41" with an optional fraction
// (digits past the ninth ignored), then optionally "Z" or "+hh:mm"/"-hh:mm";
// without a zone it is UTC.  nullopt for anything else or a time outside
// the int64 nanosecond range (years 1678 to 2261).
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text);

}  // namespace ward::monitor
