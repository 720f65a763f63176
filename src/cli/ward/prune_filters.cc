#include "cli/ward/prune_filters.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/core/human_units.h"

namespace ward::cli::engine {

namespace {

// Go's time.ParseDuration for the units prune filters use: "24h",
// "1h30m", "90s", "1.5h".
std::optional<double> parse_go_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) ++digits;
    if (digits == 0) return std::nullopt;
    double number = 0;
    try {
      number = std::stod(std::string(text.substr(0, digits)));
    } catch (...) {
      return std::nullopt;
    }
    text.remove_prefix(digits);
    static constexpr std::pair<std::string_view, double> kUnits[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3},
                                                                     {"s", 1},     {"m", 60},    {"h", 3600}};
    bool matched = false;
    for (const auto& [unit, seconds] : kUnits)
      if (text.starts_with(unit) && !(unit == "m" && text.starts_with("ms"))) {
        total += number * seconds;
        text.remove_prefix(unit.size());
        matched = true;
        break;
      }
    if (!matched) return std::nullopt;
  }
  return total;
}

Result<std::int64_t> parse_until(const std::string& text) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  if (auto duration = parse_go_duration(text)) return now.count() - static_cast<std::int64_t>(*duration);
  if (auto stamp = parse_rfc3339(text)) return *stamp;
  if (auto day = parse_rfc3339(text + "T00:00:00Z")) return *day;
  if (!text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos)
    return std::stoll(text);
  return fail(ErrorKind::invalid_input,
              fmt::format("--filter until={}: not a duration (24h), an RFC 3339 time, a date or seconds", text));
}

}  // namespace

Result<PruneFilters> parse_prune_filters(const ParsedArgs& parsed) {
  PruneFilters filters;
  auto values = parsed.all("filter");
  if (values.empty() && parsed.has("filter")) values.push_back(parsed.value("filter"));
  for (const auto& value : values) {
    auto equals = value.find('=');
    std::string key = value.substr(0, equals);
    std::string rest = equals == std::string::npos ? "" : value.substr(equals + 1);
    if (key == "until") {
      filters.until = WARD_TRY(parse_until(rest));
    } else if (key == "label" || key == "label!") {
      if (rest.empty()) return fail(ErrorKind::invalid_input, fmt::format("--filter {}: needs a label", value));
      filters.labels.emplace_back(rest, key == "label");
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("--filter {}: invalid filter (until, label, label!)", value));
    }
  }
  return filters;
}

bool created_before_until(const PruneFilters& filters, const std::string& created) {
  if (!filters.until) return true;
  auto stamp = parse_rfc3339(created);
  return stamp && *stamp < *filters.until;
}

bool labels_match(const PruneFilters& filters, const std::map<std::string, std::string>& labels) {
  for (const auto& [wanted, must_match] : filters.labels) {
    auto equals = wanted.find('=');
    auto found = labels.find(wanted.substr(0, equals));
    bool has = found != labels.end() && (equals == std::string::npos || found->second == wanted.substr(equals + 1));
    if (has != must_match) return false;
  }
  return true;
}

bool confirm_prune(std::string_view warning) {
  std::fputs(fmt::format("{}\nAre you sure you want to continue? [y/N] ", warning).c_str(), stdout);
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y";
}

}  // namespace ward::cli::engine
