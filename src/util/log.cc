#include "util/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "util/clock.h"
#include "util/sys.h"

namespace ward::log {

namespace {
// Function-local, not namespace-scope globals: no static initialiser runs
// for a program (or the child side of the runtime) that never logs.
Settings& g_settings_ref() {
  static Settings settings;
  return settings;
}
UniqueFd& g_file_ref() {
  static UniqueFd file;
  return file;
}

std::chrono::steady_clock::time_point& g_start_ref() {
  static std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  return start;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "info";
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
  g_settings_ref() = settings;
  g_start_ref() = std::chrono::steady_clock::now();
  if (settings.file.empty()) return true;
  int fd = ::open(settings.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    problem = fmt::format("open log file {}: {}", settings.file, std::strerror(errno));
    return false;
  }
  g_file_ref().reset(fd);
  return true;
}

void write(Level level, std::string_view message) {
  if (level == Level::debug && !g_settings_ref().debug) return;
  if (!g_file_ref()) {
    if (level == Level::warning || level == Level::debug) {
      std::string line = fmt::format("ward-oci: {}: {}\n", level_name(level), message);
      sys::raw::write_all(2, line.data(), line.size());
    }
    return;
  }
  std::string line;
  if (g_settings_ref().format == Format::json) {
    line = fmt::format("{{\"level\":\"{}\",\"msg\":\"{}\",\"time\":\"{}\"}}\n", level_name(level), json_escape(message),
                       now_rfc3339());
  } else {
    line = fmt::format("time=\"{}\" level={} msg=\"{}\"\n", now_rfc3339(), level_name(level), json_escape(message));
  }
  sys::raw::write_all(g_file_ref().get(), line.data(), line.size());
}

bool debug_enabled() {
  return g_settings_ref().debug;
}

void timing(std::string_view what) {
  if (!debug_enabled()) return;
  std::chrono::duration<double, std::milli> since = std::chrono::steady_clock::now() - g_start_ref();
  write(Level::debug, fmt::format("+{:.3f} ms: {}", since.count(), what));
}

}  // namespace ward::log
