// LABEL rules: key syntax (DL3048) and hadolint's label-schema checks
// (DL3049-DL3056, DL3058), which run only when the configuration names a
// schema.
#include <algorithm>
#include <cctype>
#include <set>

#include "audit/lint/rules.h"

namespace ward::audit::lint {

namespace {

bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Lower-case letters, digits, '.', '-'; starts and ends with a letter or
// digit; no doubled separators; not in Docker's reserved namespaces.
bool valid_label_key(std::string_view key) {
  if (key.empty() || !alnum(key.front()) || !alnum(key.back())) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char ch = key[i];
    bool separator = ch == '.' || ch == '-';
    if (!(separator || std::isdigit(static_cast<unsigned char>(ch)) != 0 || (ch >= 'a' && ch <= 'z'))) return false;
    if (separator && i + 1 < key.size() && (key[i + 1] == '.' || key[i + 1] == '-')) return false;
  }
  return !(key.starts_with("com.docker.") || key.starts_with("io.docker.") || key.starts_with("org.dockerproject."));
}

bool is_url(std::string_view v) {
  size_t colon = v.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::all_of(v.begin(), v.begin() + static_cast<long>(colon), [](char ch) {
        return std::isalpha(static_cast<unsigned char>(ch)) != 0 || ch == '+' || ch == '-' || ch == '.';
      }))
    return false;
  std::string_view rest = v.substr(colon + 3);
  return !rest.empty() && rest.find(' ') == std::string_view::npos;
}

bool digits(std::string_view s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; });
}

// 2024-01-31T12:00:00Z, with optional fraction and a Z or +hh:mm offset.
bool is_rfc3339(std::string_view v) {
  if (v.size() < 20 || !digits(v.substr(0, 4), 4) || v[4] != '-' || !digits(v.substr(5, 2), 2) || v[7] != '-' ||
      !digits(v.substr(8, 2), 2) || (v[10] != 'T' && v[10] != 't' && v[10] != ' ') || !digits(v.substr(11, 2), 2) ||
      v[13] != ':' || !digits(v.substr(14, 2), 2) || v[16] != ':' || !digits(v.substr(17, 2), 2))
    return false;
  std::string_view rest = v.substr(19);
  if (rest.starts_with('.')) {
    size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n])) != 0) ++n;
    if (n == 1) return false;
    rest.remove_prefix(n);
  }
  if (rest == "Z" || rest == "z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest.substr(1, 2), 2) && rest[3] == ':' &&
         digits(rest.substr(4, 2), 2);
}

bool is_git_hash(std::string_view v) {
  return (v.size() == 40 || v.size() == 7) &&
         std::all_of(v.begin(), v.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
}

bool numeric_identifier(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; }) &&
         (s.size() == 1 || s[0] != '0');
}

// MAJOR.MINOR.PATCH[-pre][+build] (semver.org 2.0).
bool is_semver(std::string_view v) {
  size_t plus = v.find('+');
  std::string_view core = v.substr(0, plus);
  size_t dash = core.find('-');
  std::string_view numbers = core.substr(0, dash);
  size_t a = numbers.find('.');
  if (a == std::string_view::npos) return false;
  size_t b = numbers.find('.', a + 1);
  if (b == std::string_view::npos) return false;
  if (!numeric_identifier(numbers.substr(0, a)) || !numeric_identifier(numbers.substr(a + 1, b - a - 1)) ||
      !numeric_identifier(numbers.substr(b + 1)))
    return false;
  auto identifiers_ok = [](std::string_view s) {
    if (s.empty()) return false;
    for (size_t start = 0;;) {
      size_t dot = s.find('.', start);
      std::string_view id = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (id.empty() || !std::all_of(id.begin(), id.end(), [](char ch) { return alnum(ch) || ch == '-'; }))
        return false;
      if (dot == std::string_view::npos) return true;
      start = dot + 1;
    }
  };
  if (dash != std::string_view::npos && !identifiers_ok(core.substr(dash + 1))) return false;
  if (plus != std::string_view::npos && !identifiers_ok(v.substr(plus + 1))) return false;
  return true;
}

bool is_email(std::string_view v) {
  size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || v.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = v.substr(at + 1);
  return domain.find('.') != std::string_view::npos && !domain.starts_with('.') && !domain.ends_with('.') &&
         v.find_first_of(" \t<>()[],;:\\\"") == std::string_view::npos;
}

// SPDX license expressions: identifiers from a common list, joined with
// AND/OR/WITH, in parentheses, with a '+' suffix or LicenseRef-.
bool is_spdx(std::string_view v) {
  static const std::set<std::string, std::less<>> known = {"0BSD",
                                                           "AGPL-3.0",
                                                           "AGPL-3.0-only",
                                                           "AGPL-3.0-or-later",
                                                           "Apache-1.1",
                                                           "Apache-2.0",
                                                           "Artistic-2.0",
                                                           "BSD-1-Clause",
                                                           "BSD-2-Clause",
                                                           "BSD-3-Clause",
                                                           "BSD-4-Clause",
                                                           "BSL-1.0",
                                                           "CC-BY-4.0",
                                                           "CC-BY-SA-4.0",
                                                           "CC0-1.0",
                                                           "CDDL-1.0",
                                                           "EPL-1.0",
                                                           "EPL-2.0",
                                                           "EUPL-1.2",
                                                           "GPL-2.0",
                                                           "GPL-2.0-only",
                                                           "GPL-2.0-or-later",
                                                           "GPL-3.0",
                                                           "GPL-3.0-only",
                                                           "GPL-3.0-or-later",
                                                           "ISC",
                                                           "LGPL-2.1",
                                                           "LGPL-2.1-only",
                                                           "LGPL-2.1-or-later",
                                                           "LGPL-3.0",
                                                           "LGPL-3.0-only",
                                                           "LGPL-3.0-or-later",
                                                           "MIT",
                                                           "MIT-0",
                                                           "MPL-1.1",
                                                           "MPL-2.0",
                                                           "OpenSSL",
                                                           "PostgreSQL",
                                                           "Python-2.0",
                                                           "Unlicense",
                                                           "UPL-1.0",
                                                           "WTFPL",
                                                           "Zlib",
                                                           "Classpath-exception-2.0",
                                                           "LLVM-exception",
                                                           "GCC-exception-3.1"};
  std::string token;
  int terms = 0;
  auto flush = [&]() -> bool {
    if (token.empty()) return true;
    std::string_view t = token;
    bool ok = t == "AND" || t == "OR" || t == "WITH" || t.starts_with("LicenseRef-") ||
              known.contains(t.ends_with('+') ? t.substr(0, t.size() - 1) : t);
    if (t != "AND" && t != "OR" && t != "WITH") ++terms;
    token.clear();
    return ok;
  };
  for (char ch : v) {
    if (ch == ' ' || ch == '(' || ch == ')') {
      if (!flush()) return false;
    } else {
      token += ch;
    }
  }
  return flush() && terms > 0;
}

bool value_fits(std::string_view type, std::string_view value) {
  if (type == "url") return is_url(value);
  if (type == "email") return is_email(value);
  if (type == "semver") return is_semver(value);
  if (type == "hash") return is_git_hash(value);
  if (type == "rfc3339") return is_rfc3339(value);
  if (type == "spdx") return is_spdx(value);
  return true;  // text
}

std::string_view rule_for(std::string_view type) {
  if (type == "url") return "DL3052";
  if (type == "rfc3339") return "DL3053";
  if (type == "spdx") return "DL3054";
  if (type == "hash") return "DL3055";
  if (type == "semver") return "DL3056";
  if (type == "email") return "DL3058";
  return "";
}

}  // namespace

void check_labels(RuleContext& c) {
  const auto& schema = c.config.label_schema;
  std::set<std::string> present;  // per stage
  int stage = -2;
  auto finish_stage = [&](int line) {
    if (stage < 0 || schema.empty()) return;
    for (const auto& [label, type] : schema)
      if (!present.contains(label)) c.report("DL3049", line, fmt::format("Label `{}` is missing", label));
  };
  for (const Instruction& ins : c.dockerfile.instructions) {
    if (ins.keyword == "FROM") {
      stage = ins.stage;
      present.clear();
      continue;
    }
    if (ins.keyword != "LABEL") continue;
    for (const KeyValue& kv : ins.pairs) {
      present.insert(kv.key);
      if (!valid_label_key(kv.key) && kv.key.find('$') == std::string::npos)
        c.report("DL3048", ins.line, fmt::format("Invalid Label Key ({})", kv.key));
      if (schema.empty()) continue;
      auto it = schema.find(kv.key);
      if (it == schema.end()) {
        if (c.config.strict_labels) c.report("DL3050", ins.line, fmt::format("Superfluous label present: {}", kv.key));
        continue;
      }
      if (kv.value.empty()) {
        c.report("DL3051", ins.line, fmt::format("Label `{}` is empty", kv.key));
        continue;
      }
      if (kv.value.find('$') != std::string::npos) continue;  // set at build time
      if (!value_fits(it->second, kv.value)) {
        std::string_view rule = rule_for(it->second);
        c.report(std::string(rule), ins.line,
                 fmt::format("Label `{}` is not a valid {}: {}", kv.key, it->second, kv.value));
      }
    }
  }
  // hadolint checks the label schema on the final stage's labels.
  if (stage >= 0 && !schema.empty()) finish_stage(c.dockerfile.stages[static_cast<size_t>(stage)].line);
}

}  // namespace ward::audit::lint
