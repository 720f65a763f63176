// The secret scan: reading files through the root filesystem view, the
// keyword pre-filter, RE2 matching, allow rules, entropy and redaction.
#include "audit/scan/secrets.h"

#include <re2/re2.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "audit/scan/image_checks.h"
#include "audit/scan/rules.h"
#include "util/sys.h"

namespace ward::audit::scan {

namespace {

re2::StringPiece piece(std::string_view text) {
  return {text.data(), text.size()};
}

bool matches(const std::shared_ptr<const re2::RE2>& pattern, std::string_view text) {
  return re2::RE2::PartialMatch(piece(text), *pattern);
}

// An allow rule applies when each of its patterns matches.
bool allowed(const std::vector<SecretAllowRule>& allow, std::string_view path, std::string_view secret) {
  return std::any_of(allow.begin(), allow.end(), [&](const SecretAllowRule& rule) {
    if (!rule.regex && !rule.path) return false;
    return (!rule.regex || matches(rule.regex, secret)) && (!rule.path || matches(rule.path, path));
  });
}

// A path-only allow rule of `allow` that matches `path`.
bool path_allowed(const std::vector<SecretAllowRule>& allow, std::string_view path) {
  return std::any_of(allow.begin(), allow.end(),
                     [&](const SecretAllowRule& rule) { return !rule.regex && rule.path && matches(rule.path, path); });
}

// Whether a rule's path names the file, which makes the rule run even on a
// binary.
bool targets(const SecretRules& rules, std::string_view path) {
  return std::any_of(rules.rules.begin(), rules.rules.end(),
                     [&](const SecretRule& rule) { return rule.path && matches(rule.path, path); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Line and column of a byte offset, from the text's newlines (found once).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {}

  std::pair<int, int> at(std::size_t offset) {
    if (!built_) {
      for (std::size_t i = text_.find('\n'); i != std::string_view::npos; i = text_.find('\n', i + 1))
        newlines_.push_back(i);
      built_ = true;
    }
    auto before = std::lower_bound(newlines_.begin(), newlines_.end(), offset);
    std::size_t line_start = before == newlines_.begin() ? 0 : *(before - 1) + 1;
    return {static_cast<int>(before - newlines_.begin()) + 1, static_cast<int>(offset - line_start) + 1};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> newlines_;
  bool built_ = false;
};

Result<std::size_t> read_into(int fd, std::string& text, std::size_t limit) {
  std::array<char, 65536> buffer{};
  while (text.size() < limit) {
    std::size_t want = std::min(buffer.size(), limit - text.size());
    ssize_t n = sys::raw::read_some(fd, buffer.data(), want);
    if (n < 0) return fail_errno(static_cast<int>(-n), "read");
    if (n == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return text.size();
}

}  // namespace

std::string redact_secret(std::string_view secret) {
  std::size_t shown = std::min<std::size_t>(4, secret.size() / 4);
  std::string out;
  for (char ch : secret.substr(0, shown)) {
    if (ch < '!' || ch > '~') break;
    out += ch;
  }
  return out + "*****";
}

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<std::size_t, 256> counts{};
  for (unsigned char ch : text) ++counts[ch];
  double bits = 0;
  const auto total = static_cast<double>(text.size());
  for (std::size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / total;
    bits -= p * std::log2(p);
  }
  return bits;
}

bool secret_scan_skips(const SecretRules& rules, std::string_view path) {
  return path_allowed(rules.allow, path);
}

std::vector<SecretMatch> find_secrets(const SecretRules& rules, std::string_view path, std::string_view text,
                                      bool binary, bool* capped) {
  std::vector<SecretMatch> out;
  if (capped != nullptr) *capped = false;
  if (text.empty()) return out;
  std::string lowered;
  bool have_lowered = false;
  LineIndex lines(text);
  std::vector<std::pair<std::size_t, std::size_t>> claimed;  // secret spans reported so far
  auto overlaps = [&](std::size_t begin, std::size_t end) {
    return std::any_of(claimed.begin(), claimed.end(),
                       [&](const auto& span) { return begin < span.second && span.first < end; });
  };
  const re2::StringPiece input = piece(text);
  bool full = false;
  for (const SecretRule& rule : rules.rules) {
    bool targeted = rule.path && matches(rule.path, path);
    if ((rule.path || binary) && !targeted) continue;
    if (path_allowed(rule.allow, path)) continue;
    if (!rule.keywords.empty()) {
      if (!have_lowered) {
        lowered = lower(text);
        have_lowered = true;
      }
      if (std::none_of(rule.keywords.begin(), rule.keywords.end(),
                       [&](const std::string& k) { return lowered.find(k) != std::string::npos; }))
        continue;
    }
    const int groups = rule.secret_group + 1;
    std::vector<re2::StringPiece> found(static_cast<std::size_t>(groups));
    std::size_t position = 0;
    std::size_t candidates = 0;
    while (position <= text.size() &&
           rule.regex->Match(input, position, text.size(), re2::RE2::UNANCHORED, found.data(), groups)) {
      // Each search is linear, but a user's pattern may look far ahead of
      // the matches it then gives up (allowed, low entropy): bound the
      // searches, not only the findings.
      if (++candidates > kCandidatesPerRule) {
        if (capped != nullptr) *capped = true;
        break;
      }
      const auto start = static_cast<std::size_t>(found[0].data() - text.data());
      const std::size_t end = start + found[0].size();
      position = end > start ? end : start + 1;
      const re2::StringPiece& secret = found[static_cast<std::size_t>(rule.secret_group)];
      if (secret.data() == nullptr || secret.empty()) continue;
      const auto secret_start = static_cast<std::size_t>(secret.data() - text.data());
      std::string_view value(secret.data(), secret.size());
      if (rule.min_entropy > 0 && shannon_entropy(value) <= rule.min_entropy) continue;
      if (allowed(rule.allow, path, value) || allowed(rules.allow, path, value)) continue;
      if (overlaps(secret_start, secret_start + value.size())) continue;
      if (out.size() == kSecretsPerFile) {
        if (capped != nullptr) *capped = true;
        full = true;
        break;
      }
      // The line of the match's first character, past any line breaks a
      // pattern consumed before it.
      std::size_t first = start;
      while (first < end && (text[first] == '\n' || text[first] == '\r')) ++first;
      auto [line, column] = lines.at(first);
      claimed.emplace_back(secret_start, secret_start + value.size());
      out.push_back(SecretMatch{&rule, std::string(value), secret_start, line, column});
    }
    if (full) break;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SecretMatch& a, const SecretMatch& b) { return a.offset < b.offset; });
  return out;
}

std::vector<Rule> secret_report_rules(const SecretRules& rules) {
  std::vector<Rule> out;
  for (const SecretRule& rule : rules.rules)
    out.push_back(Rule{rule.id, rule.title, rule.severity,
                       fmt::format("{} ({}). Remove it from the image and revoke it: whoever has the image has the "
                                   "secret. Give it to the container at run time instead (a secret mount, an "
                                   "environment set at deploy time). Not a secret: an allow rule in "
                                   "--secret-config (docs/SCAN.md).",
                                   rule.category, rule.name)});
  return out;
}

void SecretScanner::not_scanned(const std::string& path, std::string why) {
  findings_.push_back(Finding{std::string(kSecretNotScanned), rule_severity(kSecretNotScanned), Location{path, 0, 1},
                              fmt::format("not scanned for secrets: {}", why)});
}

void SecretScanner::report(std::string_view path, std::string_view text, bool binary, std::string_view where) {
  bool capped = false;
  for (const SecretMatch& match : find_secrets(rules_, path, text, binary, &capped)) {
    const SecretRule& rule = *match.rule;
    if (where.empty())
      findings_.push_back(Finding{rule.id, rule.severity, Location{std::string(path), match.line, match.column},
                                  fmt::format("{}: {}", rule.title, redact_secret(match.secret))});
    else
      findings_.push_back(Finding{rule.id, rule.severity, Location{std::string(path), 0, 1},
                                  fmt::format("{} in {}: {}", rule.title, where, redact_secret(match.secret))});
  }
  if (capped)
    findings_.push_back(Finding{std::string(kSecretNotScanned), rule_severity(kSecretNotScanned),
                                Location{std::string(path), 0, 1},
                                fmt::format("more than {} secrets, or more than {} matches of one rule, in {}: the "
                                            "rest are not reported",
                                            kSecretsPerFile, kCandidatesPerRule, where.empty() ? "the file" : where)});
}

void SecretScanner::check_text(std::string_view path, std::string_view text, bool binary) {
  ++stats_.files_read;
  report(path, text, binary, "");
}

void SecretScanner::check(const RootfsEntry& entry) {
  if (!S_ISREG(entry.st.st_mode)) return;
  if (secret_scan_skips(rules_, entry.path)) {
    ++stats_.skipped;
    return;
  }
  auto file = open_regular(entry);
  if (!file) {
    ++stats_.unreadable;
    not_scanned(entry.path, file.error().what());
    return;
  }
  std::string text;
  if (auto head = read_into(file->get(), text, kBinaryProbe); !head) {
    ++stats_.unreadable;
    not_scanned(entry.path, head.error().what());
    return;
  }
  bool binary = std::memchr(text.data(), '\0', text.size()) != nullptr;
  if (binary && !targets(rules_, entry.path)) {
    ++stats_.binary;
    return;
  }
  auto too_large = [&] {
    ++stats_.too_large;
    not_scanned(entry.path, fmt::format("larger than the {} MiB the secret scan reads", kSecretFileLimit >> 20));
  };
  if (static_cast<std::size_t>(entry.st.st_size) > kSecretFileLimit) return too_large();
  // One byte past the limit tells a file that grew since the walk saw it.
  auto size = read_into(file->get(), text, kSecretFileLimit + 1);
  if (!size) {
    ++stats_.unreadable;
    not_scanned(entry.path, size.error().what());
    return;
  }
  if (*size > kSecretFileLimit) return too_large();
  check_text(entry.path, text, binary);
}

void SecretScanner::check_image_config(const image::ImageConfig& config) {
  const image::ContainerConfig& c = config.config;
  const std::string location(kImageConfigLocation);
  for (const std::string& variable : c.env)
    report(location, variable, false, fmt::format("ENV {}", variable.substr(0, variable.find('='))));
  for (const auto& [name, value] : c.labels) report(location, name + "=" + value, false, fmt::format("LABEL {}", name));
  auto joined = [](const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
    return out;
  };
  if (!c.entrypoint.empty()) report(location, joined(c.entrypoint), false, "ENTRYPOINT");
  if (!c.cmd.empty()) report(location, joined(c.cmd), false, "CMD");
  for (std::size_t i = 0; i < config.history.size(); ++i)
    report(location, config.history[i].created_by, false, fmt::format("history step {}", i + 1));
}

}  // namespace ward::audit::scan
