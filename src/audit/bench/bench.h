// `ward audit`: the CIS Docker Benchmark's checks with docker-bench-security's
// IDs (CIS Docker Benchmark 1.6.0 numbering, docs/AUDIT.md).  A run is a
// list of sections, each a list of check results at docker-bench's levels;
// a scored PASS adds one to the score and a scored WARN takes one away.
// This header holds that model and its outputs: the table for people,
// docker-bench's JSON shape, and the shared finding model (audit/finding.h)
// for SARIF and the other machine formats.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "util/error.h"

namespace ward::audit::bench {

enum class Level { pass, warn, info, note };

[[nodiscard]] std::string_view level_name(Level level);  // "PASS", "WARN", "INFO", "NOTE"

struct CheckResult {
  std::string id;    // "5.5"
  std::string desc;  // one line: what the check wants
  Level level = Level::info;
  bool scored = false;             // counts towards the score
  std::string details;             // "" for a plain PASS; why otherwise
  std::vector<std::string> items;  // what the details name: containers, images, paths
};

struct Section {
  std::string id;    // "5"
  std::string desc;  // "Container Runtime"
  std::vector<CheckResult> results;
  std::string note;  // printed under the heading when there is nothing to check
};

struct BenchReport {
  std::string input;  // what was audited: a file name, "unix:///run/docker.sock", the store root
  std::vector<Section> sections;
  std::int64_t start = 0;  // Unix time
  std::int64_t end = 0;
};

// Checks counted and the score, as docker-bench counts them.
[[nodiscard]] int check_count(const BenchReport& report);
[[nodiscard]] int score(const BenchReport& report);
[[nodiscard]] int count_level(const BenchReport& report, Level level);

// Every check ID `ward audit` knows, for --ignore's validation.
[[nodiscard]] const std::set<std::string>& known_check_ids();
// Drops the results whose ID is in `ignored`.
void remove_ignored(BenchReport& report, const std::set<std::string>& ignored);

// The exit threshold: warn (any WARN fails), info (WARN or INFO), note
// (WARN, INFO or NOTE) or none.
using FailLevel = std::optional<Level>;
[[nodiscard]] Result<FailLevel> parse_fail_level(std::string_view text);
[[nodiscard]] bool fails(const BenchReport& report, FailLevel threshold);

// docker-bench's log lines: "[WARN] 5.5  - ..." with the items under it,
// then the score.  Colour only when asked.
[[nodiscard]] std::string render_bench_table(const BenchReport& report, bool colour);
// docker-bench's JSON: {dockerbenchsecurity, start, tests: [{id, desc,
// results: [{id, desc, result, details, items}]}], checks, score, end}.
[[nodiscard]] std::string render_bench_json(const BenchReport& report, std::string_view version);
// The non-PASS results as findings of the shared model (WARN a warning,
// INFO an info, NOTE a style finding, which SARIF prints as a note), each
// located at the report's input.
[[nodiscard]] Report to_findings(const BenchReport& report);

}  // namespace ward::audit::bench
