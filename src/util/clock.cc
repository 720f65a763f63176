#include "util/clock.h"

#include <fmt/format.h>

namespace ward {

std::string rfc3339(const struct timespec& time) {
  struct tm tm {};
  ::gmtime_r(&time.tv_sec, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, time.tv_nsec);
}

std::string now_rfc3339() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return rfc3339(now);
}

}  // namespace ward
