// Wall-clock time as the formats ward writes want it.
#pragma once

#include <ctime>
#include <string>

namespace ward {

// RFC 3339 in UTC with nanoseconds, "2026-12-05T22:55:11.123456789Z": the
// form of runc's state "created" and of its log lines.
[[nodiscard]] std::string rfc3339(const struct timespec& time);
[[nodiscard]] std::string now_rfc3339();

}  // namespace ward
