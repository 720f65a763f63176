// Secrets in a root filesystem and an image's configuration, found by the
// rules of secret_rules.h: every regular text file up to a size limit
// (binaries only by a rule whose path names them), minus the paths the
// allow rules skip; each rule's keywords are looked for before its regex
// runs.  A finding names the rule, the file and line, and the secret
// redacted: a report never carries the secret it found.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "audit/scan/rootfs.h"
#include "audit/scan/secret_rules.h"
#include "image/spec.h"

namespace ward::audit::scan {

// Files larger than this are not read; each is an info finding.
inline constexpr std::size_t kSecretFileLimit = 10 * 1024 * 1024;
// A NUL byte in this many first bytes makes a file binary.
inline constexpr std::size_t kBinaryProbe = 8 * 1024;
// At most this many secrets are reported per file (or per image setting),
// and a rule's pattern is searched for at most this many times per file
// (matches an allow rule or the entropy check sets aside count too).
inline constexpr std::size_t kSecretsPerFile = 100;
inline constexpr std::size_t kCandidatesPerRule = 1000;

struct SecretMatch {
  const SecretRule* rule = nullptr;
  std::string secret;      // the text the rule calls a secret: never printed as is
  std::size_t offset = 0;  // of the secret in the text
  int line = 1;            // of the match's first character
  int column = 1;
};

// Every secret `rules` find in `text`, the contents of the file at `path`
// (a path in the root filesystem, or "image-config"): one match per secret
// (the first rule that claims a span of text reports it), at most
// kSecretsPerFile of them and kCandidatesPerRule searches per rule
// (`capped` says when either limit left something out).
// `binary`: only rules whose path matches `path` run.
[[nodiscard]] std::vector<SecretMatch> find_secrets(const SecretRules& rules, std::string_view path,
                                                    std::string_view text, bool binary = false, bool* capped = nullptr);

// Whether an allow rule with a path and no regex skips the file at `path`.
[[nodiscard]] bool secret_scan_skips(const SecretRules& rules, std::string_view path);

// "ghp_*****": at most the first 4 characters (fewer for a short secret,
// none that are not printable ASCII), then five stars.
[[nodiscard]] std::string redact_secret(std::string_view secret);

// Shannon entropy of `text`'s bytes, in bits per byte.
[[nodiscard]] double shannon_entropy(std::string_view text);

// The report's rule for each of `rules`.
[[nodiscard]] std::vector<Rule> secret_report_rules(const SecretRules& rules);

struct SecretScanStats {
  std::size_t files_read = 0;  // text files (and targeted binaries) the rules ran on
  std::size_t binary = 0;      // binaries no rule targets
  std::size_t too_large = 0;   // over kSecretFileLimit, reported as info findings
  std::size_t unreadable = 0;  // could not be opened or read, reported as info findings
  std::size_t skipped = 0;     // paths the allow rules skip
};

class SecretScanner {
 public:
  explicit SecretScanner(SecretRules rules) : rules_(std::move(rules)) {}

  // One entry of Rootfs::walk; anything but a regular file is passed over.
  void check(const RootfsEntry& entry);
  // The text of the file at `path`, as check() reads it.
  void check_text(std::string_view path, std::string_view text, bool binary = false);
  // ENV, LABEL, ENTRYPOINT, CMD and history of an image, as "image-config".
  void check_image_config(const image::ImageConfig& config);

  [[nodiscard]] std::vector<Finding>& findings() { return findings_; }
  [[nodiscard]] const SecretScanStats& stats() const { return stats_; }
  [[nodiscard]] const SecretRules& rules() const { return rules_; }

 private:
  void not_scanned(const std::string& path, std::string why);
  void report(std::string_view path, std::string_view text, bool binary, std::string_view where);

  SecretRules rules_;
  std::vector<Finding> findings_;
  SecretScanStats stats_;
};

}  // namespace ward::audit::scan
