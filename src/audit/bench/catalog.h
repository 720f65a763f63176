// The checks `ward audit` knows: docker-bench-security's IDs (CIS Docker
// Benchmark 1.6.0 numbering) where the meaning carries over to ward or to
// the container description audited, and ward's own (W.*) for ward's files
// that the benchmark has no ID for.  docs/AUDIT.md explains each.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/bench/bench.h"

namespace ward::audit::bench {

struct CheckInfo {
  std::string_view id;
  std::string_view desc;
  bool scored = true;
};

[[nodiscard]] std::span<const CheckInfo> check_catalog();

// The catalog's entry for `id`; the check must be in the catalog.
[[nodiscard]] const CheckInfo& check_info(std::string_view id);

// A result of check `id` with its description and scoring from the catalog.
[[nodiscard]] CheckResult make_result(std::string_view id, Level level, std::string details = {},
                                      std::vector<std::string> items = {});

}  // namespace ward::audit::bench
