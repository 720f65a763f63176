#include "util/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::log {

namespace {
Settings g_settings;
UniqueFd g_file;

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "info";
}

std::string timestamp() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  ::gmtime_r(&ts.tv_sec, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}
}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool configure(const Settings& settings, std::string& problem) {
  g_settings = settings;
  if (settings.file.empty()) return true;
  int fd = ::open(settings.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    problem = fmt::format("open log file {}: {}", settings.file, std::strerror(errno));
    return false;
  }
  g_file.reset(fd);
  return true;
}

void write(Level level, std::string_view message) {
  if (level == Level::debug && !g_settings.debug) return;
  if (!g_file) {
    if (level == Level::warning || level == Level::debug) {
      std::string line = fmt::format("ward-oci: {}: {}\n", level_name(level), message);
      sys::raw::write_all(2, line.data(), line.size());
    }
    return;
  }
  std::string line;
  if (g_settings.format == Format::json) {
    line = fmt::format("{{\"level\":\"{}\",\"msg\":\"{}\",\"time\":\"{}\"}}\n", level_name(level),
                       json_escape(message), timestamp());
  } else {
    line = fmt::format("time=\"{}\" level={} msg=\"{}\"\n", timestamp(), level_name(level), json_escape(message));
  }
  sys::raw::write_all(g_file.get(), line.data(), line.size());
}

}  // namespace ward::log
