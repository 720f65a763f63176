#include "engine/monitor/start_report.h"

#include <charconv>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::monitor {

namespace {

template <class T>
bool parse_number(std::string_view& text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return true;
}

}  // namespace

std::string encode_started(const StartReport& report) {
  return fmt::format("started {} {}\n", report.pid, report.start_time);
}

std::string encode_failed(const Error& error) {
  std::string message = error.message;  // what() adds strerror(code), which the reader does again
  for (char& c : message)
    if (c == '\n') c = ' ';
  return fmt::format("error {} {} {}\n", static_cast<int>(error.kind), error.code, message);
}

Result<StartReport> decode_start_report(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  StartReport report;
  if (line.starts_with("started ")) {
    line.remove_prefix(8);
    if (parse_number(line, report.pid) && parse_number(line, report.start_time) && line.empty() && report.pid > 0)
      return report;
  } else if (line.starts_with("error ")) {
    line.remove_prefix(6);
    int kind = 0, code = 0;
    if (parse_number(line, kind) && parse_number(line, code)) {
      Error error;
      error.kind = static_cast<ErrorKind>(kind);
      error.code = code;
      error.message = std::string(line);
      return std::unexpected(error);
    }
  }
  return fail(fmt::format("the container's start ended without a report{}",
                          line.empty() ? "" : fmt::format(" (got \"{}\")", line)));
}

std::string read_report_line(int fd) {
  std::string line;
  char c = 0;
  while (line.size() < 65536 && sys::raw::read_some(fd, &c, 1) == 1) {
    line += c;
    if (c == '\n') break;
  }
  return line;
}

}  // namespace ward::monitor
