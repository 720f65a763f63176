// Sizes and ages as Docker prints them (its go-units package's rules), so
// that scripts and eyes used to Docker's columns read ward's the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ward::cli {

// Decimal units with `precision` significant digits: human_size(1234567, 3)
// is "1.23MB", human_size(2000000, 3) "2MB", human_size(999, 3) "999B".
// `docker images` uses 3; progress bars use 4.
[[nodiscard]] std::string human_size(std::uint64_t bytes, int precision = 3);
// go-units' BytesSize: binary units, 4 significant digits ("1.52MiB"), as
// docker stats and docker info print memory.
[[nodiscard]] std::string binary_size(std::uint64_t bytes);

// "Less than a second", "About a minute", "3 hours", "2 weeks", "4 years".
[[nodiscard]] std::string human_duration(std::chrono::seconds elapsed);

// Go's time.Time String() of a UTC time, as Docker's CreatedAt columns
// show it: "2024-05-01 12:00:00 +0000 UTC".
[[nodiscard]] std::string go_time_utc(std::int64_t seconds);

// Seconds since the epoch of an RFC 3339 time ("2024-05-01T12:00:00.123Z",
// "...+02:00"); nullopt when `text` is not one.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339(const std::string& text);

}  // namespace ward::cli
