// How a detached start reports back, one line over a pipe: the process
// that created and started the container tells its monitor, and the
// monitor, once the start is recorded, tells the `ward` that asked for it.
//   "started PID START_TIME"                 the init runs
//   "error KIND ERRNO MESSAGE"               it did not start (KIND: ErrorKind's number)
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ward::monitor {

struct StartReport {
  pid_t pid = 0;
  std::uint64_t start_time = 0;
};

[[nodiscard]] std::string encode_started(const StartReport& report);
[[nodiscard]] std::string encode_failed(const Error& error);
// The report, or the error it carries; a damaged or empty line (the
// reporter died) is an error saying so.
[[nodiscard]] Result<StartReport> decode_start_report(std::string_view line);

// Reads one report line from `fd` (until newline or end of file).
[[nodiscard]] std::string read_report_line(int fd);

}  // namespace ward::monitor
