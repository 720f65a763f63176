// The --filter of the prune verbs (image prune, container prune): until=
// (a Go duration, an RFC 3339 time, a date or seconds) and label= /
// label!=; and the question they ask before removing anything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/core/args.h"
#include "util/error.h"

namespace ward::cli::engine {

struct PruneFilters {
  std::optional<std::int64_t> until;                 // created before this (seconds since the epoch)
  std::vector<std::pair<std::string, bool>> labels;  // "key" or "key=value", and whether it must match
};

[[nodiscard]] Result<PruneFilters> parse_prune_filters(const ParsedArgs& parsed);
// Whether `created` (RFC 3339) is before --filter until (true without one).
[[nodiscard]] bool created_before_until(const PruneFilters& filters, const std::string& created);
// Whether `labels` pass every label= and label!= filter.
[[nodiscard]] bool labels_match(const PruneFilters& filters, const std::map<std::string, std::string>& labels);
// Prints `warning` and Docker's "Are you sure you want to continue? [y/N]";
// true when the answer on stdin is y.
[[nodiscard]] bool confirm_prune(std::string_view warning);

}  // namespace ward::cli::engine
