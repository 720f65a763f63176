// `ward lint`: Dockerfile rules with hadolint's IDs and meanings, ward's
// secret rules, ShellCheck on RUN scripts where it is installed, and
// hadolint's configuration (pragmas, .hadolint.yaml, HADOLINT_*).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "audit/lint/dockerfile.h"
#include "util/error.h"

namespace ward::audit::lint {

struct LintConfig {
  std::set<std::string> ignored;
  Threshold failure_threshold = Severity::info;  // hadolint's default
  std::vector<std::string> trusted_registries;   // DL3026 is on when this is not empty
  std::map<std::string, Severity> overrides;
  std::map<std::string, std::string> label_schema;  // label -> text|url|email|semver|hash|rfc3339|spdx
  bool strict_labels = false;
  bool disable_ignore_pragma = false;
  std::string shellcheck_program = "shellcheck";  // looked up in PATH; empty: do not run ShellCheck
  std::string format;                             // the configuration's `format`, used when no --format is given
  bool no_color = false;
};

// The catalog: every rule ward lint knows, with its default severity.
[[nodiscard]] const std::vector<Rule>& lint_rules();
[[nodiscard]] const Rule* lint_rule(std::string_view id);

// Reads hadolint's YAML configuration into `config` (keys it sets replace
// or extend what is there, as hadolint merges); errors name the file and key.
[[nodiscard]] Result<> apply_config_text(LintConfig& config, std::string_view yaml, const std::string& file);
[[nodiscard]] Result<> apply_config_file(LintConfig& config, const std::string& path);
// HADOLINT_IGNORE, HADOLINT_FAILURE_THRESHOLD, HADOLINT_TRUSTED_REGISTRIES,
// HADOLINT_OVERRIDE_{ERROR,WARNING,INFO,STYLE}, HADOLINT_DISABLE_IGNORE_PRAGMA,
// HADOLINT_STRICT_LABELS, through `lookup` (getenv in the front end).
[[nodiscard]] Result<> apply_environment(LintConfig& config, const std::map<std::string, std::string>& environment);

struct LintOutcome {
  std::vector<Finding> findings;   // by line
  std::vector<Rule> extra_rules;   // ShellCheck codes seen, for SARIF
  std::vector<std::string> notes;  // "shellcheck not installed: SC rules skipped"
};

// Lints one parsed Dockerfile.
[[nodiscard]] LintOutcome lint_dockerfile(const Dockerfile& dockerfile, const LintConfig& config);

// Parses and lints; a parse error is an error naming file:line.
[[nodiscard]] Result<LintOutcome> lint_text(std::string_view text, const std::string& file, const LintConfig& config);

}  // namespace ward::audit::lint
