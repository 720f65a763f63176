// The secret rules of `ward scan`, in Trivy's secret-rule shape (id,
// category, title, severity, regex, keywords, path, allow-rules): the
// built-in rules (secret_builtin_rules.cc, a YAML document compiled into
// the binary) and a user's rules file (--secret-config), which adds rules
// and allow rules and disables built-in ones.  Both go through the one
// parser here.  Patterns are RE2, whose matching time is linear in the
// input whatever the pattern, so a hostile file cannot stall a scan.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "util/error.h"

namespace re2 {
class RE2;
}

namespace ward::audit::scan {

// A match that is not a secret: a placeholder value, a documentation
// path.  It applies when every pattern it has matches (at least one).
struct SecretAllowRule {
  std::string id;
  std::string description;
  std::shared_ptr<const re2::RE2> regex;  // against the secret; null: any secret
  std::shared_ptr<const re2::RE2> path;   // against the file's path; null: any file
};

struct SecretRule {
  std::string id;        // "WARD-SECRET-102", or a user rule's id
  std::string name;      // "aws-access-key-id": another name disable-rules accepts; the id when not given
  std::string category;  // "AWS"
  std::string title;     // "AWS access key ID"
  Severity severity = Severity::error;
  std::shared_ptr<const re2::RE2> regex;
  int secret_group = 0;                  // the capture group that is the secret; 0: the whole match
  std::vector<std::string> keywords;     // lower case; the regex runs only on text holding one of them
  std::shared_ptr<const re2::RE2> path;  // only files whose path matches; null: every text file
  std::vector<SecretAllowRule> allow;    // this rule's own allow rules
  double min_entropy = 0;                // ward's field: Shannon bits per character the secret must exceed
};

struct SecretRules {
  std::vector<SecretRule> rules;       // tried in this order; the first to claim a secret reports it
  std::vector<SecretAllowRule> allow;  // for every rule
  // The documents applied, in order, each as "LENGTH:TEXT": all the rules
  // depend on besides ward's code, so a layer's cached results are keyed
  // on it (layer_cache.h).
  std::string source;
};

// The YAML text of the built-in rules (secret_builtin_rules.cc).
[[nodiscard]] std::string_view builtin_secret_rules_text();

// The built-in rules, parsed and compiled once.
[[nodiscard]] Result<SecretRules> builtin_secret_rules();

// `base` changed by a rules document in Trivy's trivy-secret.yaml shape:
// `rules`, `allow-rules`, `disable-rules`, `disable-allow-rules`,
// `enable-builtin-rules`.  A failure is one line that starts with `file`
// and names the rule and field.
[[nodiscard]] Result<SecretRules> apply_secret_config(const SecretRules& base, std::string_view yaml,
                                                      const std::string& file);

// The built-in rules changed by the file at `path`.
[[nodiscard]] Result<SecretRules> load_secret_config_file(const std::string& path);

// CRITICAL and HIGH are errors, MEDIUM warnings, LOW info (Trivy's levels);
// ward's own names (error, warning, info, style) are accepted too.
[[nodiscard]] Result<Severity> parse_secret_severity(std::string_view text);

}  // namespace ward::audit::scan
