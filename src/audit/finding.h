// The one finding model of ward's checking tools (lint now; audit and scan
// next): a rule with an ID, a severity and help text, and findings that
// point at a place.  Outputs (output.h) take a Report and print it for
// people or for machines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::audit {

// Most severe first, so `a < b` means a is more severe.  `ignore` is a rule
// that is off unless a configuration raises it (hadolint's "ignore").
enum class Severity { error, warning, info, style, ignore };

[[nodiscard]] std::string_view severity_name(Severity severity);
// error, warning, info, style, ignore; the field name goes in the message.
[[nodiscard]] Result<Severity> parse_severity(std::string_view text);

struct Rule {
  std::string id;     // "DL3008", "WARD-SECRET-001", "SC2086"
  std::string title;  // one line: what is wrong
  Severity severity = Severity::warning;
  std::string help;  // what to do instead
};

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when the finding is about the whole file
  int column = 1;
};

struct Finding {
  std::string rule;
  Severity severity = Severity::warning;
  Location location;
  std::string message;
};

struct Report {
  std::string tool;               // "ward lint"
  std::vector<Rule> rules;        // every rule a finding names
  std::vector<Finding> findings;  // in file, line order
};

// The rule a report knows by `id`, or nullptr.
[[nodiscard]] const Rule* find_rule(const Report& report, std::string_view id);

// A failure threshold: findings at or above it make the exit non-zero.
// nullopt is "none": never fail.
using Threshold = std::optional<Severity>;

// error|warning|info|style|ignore|none.
[[nodiscard]] Result<Threshold> parse_threshold(std::string_view text);

[[nodiscard]] bool fails(const std::vector<Finding>& findings, Threshold threshold);

}  // namespace ward::audit
