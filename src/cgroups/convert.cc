#include "cgroups/convert.h"

#include <fmt/format.h>

namespace ward::cgroups {

std::uint64_t shares_to_weight(std::uint64_t shares) {
  if (shares == 0) return 0;
  if (shares < 2) shares = 2;
  if (shares > 262144) shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

std::uint64_t blkio_weight_to_io_weight(std::uint64_t weight) {
  if (weight == 0) return 0;
  // Clamped like shares_to_weight: below 10 the subtraction would wrap to
  // a huge io.weight, above 1000 it would pass 10000.
  if (weight < 10) weight = 10;
  if (weight > 1000) weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

std::string cpu_max(std::optional<std::int64_t> quota, std::optional<std::uint64_t> period) {
  std::string q = (!quota || *quota <= 0) ? "max" : std::to_string(*quota);
  return fmt::format("{} {}", q, period.value_or(100000));
}

std::string swap_max(std::int64_t swap, std::int64_t limit) {
  if (swap < 0) return "max";
  if (limit < 0) return std::to_string(swap);
  return std::to_string(swap > limit ? swap - limit : 0);
}

std::string v1_limit(std::int64_t value) { return value < 0 ? "-1" : std::to_string(value); }

std::string v2_limit(std::int64_t value) { return value < 0 ? "max" : std::to_string(value); }

std::string device_rule_line(const oci::DeviceRule& rule) {
  auto number = [](const std::optional<std::int64_t>& n) { return n && *n >= 0 ? std::to_string(*n) : "*"; };
  std::string access = rule.access.empty() ? "rwm" : rule.access;
  return fmt::format("{} {}:{} {}", rule.type, number(rule.major), number(rule.minor), access);
}

bool valid_hugepage_size(const std::string& size) {
  if (size.size() < 3 || !size.ends_with("B")) return false;
  char unit = size[size.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G') return false;
  for (size_t i = 0; i + 2 < size.size(); ++i)
    if (size[i] < '0' || size[i] > '9') return false;
  return true;
}

}  // namespace ward::cgroups
