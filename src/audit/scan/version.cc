#include "audit/scan/version.h"

#include <optional>
#include <string>
#include <vector>

namespace ward::audit::scan {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// dpkg's weight of one character of a non-digit run; 0 is the run's end.
int dpkg_order(std::string_view text, std::size_t i) {
  if (i >= text.size()) return 0;
  char c = text[i];
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  return static_cast<unsigned char>(c) + 256;
}

// Two digit strings as numbers of any length.
int compare_digits(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// dpkg's verrevcmp: one part (upstream or revision).
int compare_dpkg_part(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = dpkg_order(a, i);
      int bc = dpkg_order(b, j);
      if (ac != bc) return ac < bc ? -1 : 1;
      ++i;
      ++j;
    }
    std::size_t ai = i;
    std::size_t bj = j;
    while (i < a.size() && is_digit(a[i])) ++i;
    while (j < b.size() && is_digit(b[j])) ++j;
    if (int c = compare_digits(a.substr(ai, i - ai), b.substr(bj, j - bj)); c != 0) return c;
  }
  return 0;
}

struct DebianVersion {
  std::string_view epoch;
  std::string_view upstream;
  std::string_view revision;
};

DebianVersion split_debian(std::string_view text) {
  DebianVersion v;
  if (std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    v.epoch = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  if (std::size_t dash = text.rfind('-'); dash != std::string_view::npos) {
    v.revision = text.substr(dash + 1);
    text = text.substr(0, dash);
  }
  v.upstream = text;
  return v;
}

// apk's suffixes, in order; `none` sits between the pre-releases and the
// post-releases.
constexpr std::string_view kPreSuffixes[] = {"alpha", "beta", "pre", "rc"};
constexpr std::string_view kPostSuffixes[] = {"cvs", "svn", "git", "hg", "p"};

struct ApkSuffix {
  int rank = 0;  // <0 before a release, >0 after
  std::string_view number;
};

struct ApkVersion {
  std::vector<std::string_view> numbers;
  char letter = 0;
  std::vector<ApkSuffix> suffixes;
  std::optional<std::string_view> revision;
};

std::string_view take_digits(std::string_view text, std::size_t& i) {
  std::size_t start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return text.substr(start, i - start);
}

std::optional<ApkVersion> parse_apk(std::string_view text) {
  ApkVersion v;
  std::size_t i = 0;
  for (;;) {
    std::string_view number = take_digits(text, i);
    if (number.empty()) return std::nullopt;
    v.numbers.push_back(number);
    if (i < text.size() && text[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  if (i < text.size() && text[i] >= 'a' && text[i] <= 'z') v.letter = text[i++];
  while (i < text.size() && text[i] == '_') {
    ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view name = text.substr(start, i - start);
    ApkSuffix suffix;
    for (std::size_t k = 0; k < std::size(kPreSuffixes); ++k)
      if (name == kPreSuffixes[k]) suffix.rank = static_cast<int>(k) - static_cast<int>(std::size(kPreSuffixes));
    for (std::size_t k = 0; k < std::size(kPostSuffixes); ++k)
      if (name == kPostSuffixes[k]) suffix.rank = static_cast<int>(k) + 1;
    if (suffix.rank == 0) return std::nullopt;
    suffix.number = take_digits(text, i);
    v.suffixes.push_back(suffix);
  }
  if (i < text.size() && text.substr(i).starts_with("-r")) {
    i += 2;
    v.revision = take_digits(text, i);
    if (v.revision->empty()) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return v;
}

// A number after a dot with a leading zero is a decimal fraction to apk
// ("1.01" < "1.1"): compared as a string.
int compare_apk_component(std::string_view a, std::string_view b, bool first) {
  if (!first && ((a.size() > 1 && a.front() == '0') || (b.size() > 1 && b.front() == '0'))) {
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return compare_digits(a, b);
}

int compare_apk_parsed(const ApkVersion& a, const ApkVersion& b) {
  std::size_t n = std::min(a.numbers.size(), b.numbers.size());
  for (std::size_t k = 0; k < n; ++k)
    if (int c = compare_apk_component(a.numbers[k], b.numbers[k], k == 0); c != 0) return c;
  if (a.numbers.size() != b.numbers.size()) return a.numbers.size() < b.numbers.size() ? -1 : 1;
  if (a.letter != b.letter) return a.letter < b.letter ? -1 : 1;
  std::size_t m = std::min(a.suffixes.size(), b.suffixes.size());
  for (std::size_t k = 0; k < m; ++k) {
    if (a.suffixes[k].rank != b.suffixes[k].rank) return a.suffixes[k].rank < b.suffixes[k].rank ? -1 : 1;
    if (int c = compare_digits(a.suffixes[k].number, b.suffixes[k].number); c != 0) return c;
  }
  if (a.suffixes.size() != b.suffixes.size()) {
    // The longer one's next suffix decides: a pre-release sorts before
    // the end, a post-release after it.
    if (a.suffixes.size() > b.suffixes.size()) return a.suffixes[m].rank < 0 ? -1 : 1;
    return b.suffixes[m].rank < 0 ? 1 : -1;
  }
  if (a.revision.has_value() != b.revision.has_value()) return a.revision ? 1 : -1;
  if (a.revision) return compare_digits(*a.revision, *b.revision);
  return 0;
}

}  // namespace

int compare_debian_versions(std::string_view a, std::string_view b) {
  DebianVersion va = split_debian(a);
  DebianVersion vb = split_debian(b);
  if (int c = compare_digits(va.epoch, vb.epoch); c != 0) return c;
  if (int c = compare_dpkg_part(va.upstream, vb.upstream); c != 0) return c;
  return compare_dpkg_part(va.revision, vb.revision);
}

int compare_apk_versions(std::string_view a, std::string_view b) {
  auto pa = parse_apk(a);
  auto pb = parse_apk(b);
  if (pa && pb) return compare_apk_parsed(*pa, *pb);
  if (pa) return -1;
  if (pb) return 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool valid_apk_version(std::string_view text) {
  return parse_apk(text).has_value();
}

namespace {

// rpm's rpmvercmp: alphanumeric segments compared one by one (digits as
// numbers, a numeric segment newer than an alphabetic one), everything
// else a separator, except `~` (before everything, even the end) and `^`
// (after the end, before anything else).
int compare_rpm_segments(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  auto separator = [](char c) { return !is_digit(c) && !is_alpha(c) && c != '~' && c != '^'; };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && separator(a[i])) ++i;
    while (j < b.size() && separator(b[j])) ++j;
    char ca = i < a.size() ? a[i] : '\0';
    char cb = j < b.size() ? b[j] : '\0';
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (ca == '\0') return -1;
      if (cb == '\0') return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '\0' || cb == '\0') break;
    bool numeric = is_digit(ca);
    auto same_kind = [numeric](char c) { return numeric ? is_digit(c) : is_alpha(c); };
    std::size_t ai = i;
    std::size_t bj = j;
    while (i < a.size() && same_kind(a[i])) ++i;
    while (j < b.size() && same_kind(b[j])) ++j;
    // The other side has a segment of the other kind: numbers are newer.
    if (bj == j) return numeric ? 1 : -1;
    std::string_view sa = a.substr(ai, i - ai);
    std::string_view sb = b.substr(bj, j - bj);
    int c = numeric ? compare_digits(sa, sb) : sa.compare(sb);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i >= a.size() ? -1 : 1;
}

struct RpmVersion {
  std::optional<std::string_view> epoch;
  std::string_view version;
  std::optional<std::string_view> release;
};

// [epoch:]version[-release], the release after the last '-'.
RpmVersion split_rpm(std::string_view text) {
  RpmVersion out;
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  std::size_t dash = text.rfind('-');
  if (digits < text.size() && text[digits] == ':') {
    out.epoch = digits == 0 ? std::string_view("0") : text.substr(0, digits);
    text.remove_prefix(digits + 1);
    if (dash != std::string_view::npos) dash -= digits + 1;
  }
  if (dash != std::string_view::npos) {
    out.version = text.substr(0, dash);
    out.release = text.substr(dash + 1);
  } else {
    out.version = text;
  }
  return out;
}

}  // namespace

int compare_rpm_versions(std::string_view a, std::string_view b) {
  RpmVersion va = split_rpm(a);
  RpmVersion vb = split_rpm(b);
  if (int c = compare_rpm_segments(va.epoch.value_or("0"), vb.epoch.value_or("0")); c != 0) return c;
  if (int c = compare_rpm_segments(va.version, vb.version); c != 0) return c;
  // rpm compares a missing release as an empty one.
  return compare_rpm_segments(va.release.value_or(""), vb.release.value_or(""));
}

}  // namespace ward::audit::scan
