#include "cli/ward/prune_filters.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/core/human_units.h"
#include "engine/monitor/json_log.h"

namespace ward::cli::engine {

namespace {

Result<std::int64_t> parse_until(const std::string& text) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  if (auto duration = monitor::parse_go_duration_ns(text)) return now.count() - *duration / 1'000'000'000;
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
