// human_units.h: go-units' HumanSizeWithPrecision and HumanDuration.
#include "cli/core/human_units.h"

#include <ctime>

#include <fmt/format.h>

namespace ward::cli {

std::string human_size(std::uint64_t bytes, int precision) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < std::size(kUnits)) {
    value /= 1000.0;
    ++unit;
  }
  return fmt::format("{:.{}g}{}", value, precision, kUnits[unit]);
}

std::string binary_size(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.4g}{}", value, kUnits[unit]);
}

std::string human_duration(std::chrono::seconds elapsed) {
  using namespace std::chrono;
  auto seconds = elapsed.count();
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return fmt::format("{} seconds", seconds);
  auto minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  auto hours = static_cast<std::int64_t>(static_cast<double>(seconds) / 3600.0 + 0.5);
  if (hours == 1) return "About an hour";
  if (hours < 48) return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
  if (hours < 24 * 30 * 2) return fmt::format("{} weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2) return fmt::format("{} months", hours / 24 / 30);
  return fmt::format("{} years", seconds / 3600 / 24 / 365);
}

std::optional<std::int64_t> parse_rfc3339(const std::string& text) {
  std::tm parts{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
                  &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &consumed) != 6)
    return std::nullopt;
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  std::int64_t seconds = ::timegm(&parts);
  std::string_view rest = std::string_view(text).substr(static_cast<std::size_t>(consumed));
  if (rest.starts_with('.')) {
    std::size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    rest.remove_prefix(digits);
  }
  if (rest == "Z" || rest == "z") return seconds;
  int hours = 0, minutes = 0;
  char sign = 0;
  if (rest.size() == 6 && std::sscanf(std::string(rest).c_str(), "%c%2d:%2d", &sign, &hours, &minutes) == 3 &&
      (sign == '+' || sign == '-'))
    return seconds - (sign == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
  return std::nullopt;
}

std::string go_time_utc(std::int64_t seconds) {
  std::time_t time = seconds;
  std::tm parts{};
  char text[64];
  if (::gmtime_r(&time, &parts) == nullptr ||
      std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S +0000 UTC", &parts) == 0)
    return "";
  return text;
}

}  // namespace ward::cli
