#include "util/byte_size.h"

#include <cctype>
#include <limits>

namespace ward {

namespace {

// The power of 1024 a unit letter stands for, or -1.
int unit_power(char letter) {
  switch (std::tolower(static_cast<unsigned char>(letter))) {
    case 'k': return 1;
    case 'm': return 2;
    case 'g': return 3;
    case 't': return 4;
    case 'p': return 5;
    default: return -1;
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<std::int64_t> parse_byte_size(std::string_view text) {
  auto refuse = [&] {
    return fail(fmt::format("\"{}\" is not a size (a number of bytes, or with a unit: 100k, 100M, 1.5G, 2GiB)", text));
  };
  size_t at = 0;
  while (at < text.size() && is_digit(text[at])) ++at;
  if (at == 0) return refuse();
  std::string_view whole = text.substr(0, at);
  std::string_view fraction;
  if (at < text.size() && text[at] == '.') {
    size_t start = ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
    if (at == start) return refuse();
    fraction = text.substr(start, at - start);
  }
  if (at < text.size() && text[at] == ' ') ++at;
  int power = 0;
  if (at < text.size() && unit_power(text[at]) > 0) {
    power = unit_power(text[at++]);
    if (at < text.size() && (text[at] == 'i' || text[at] == 'I')) ++at;
  }
  if (at < text.size() && (text[at] == 'b' || text[at] == 'B')) ++at;
  if (at != text.size() || text.back() == ' ') return refuse();

  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  auto too_large = [&] { return fail(fmt::format("\"{}\" is too large (at most {} bytes)", text, kMax)); };
  // Whole part and unit in integers, so every whole size is exact.
  std::int64_t multiplier = std::int64_t{1} << (10 * power);
  std::int64_t bytes = 0;
  for (char digit : whole) {
    if (bytes > (kMax - (digit - '0')) / 10) return too_large();
    bytes = bytes * 10 + (digit - '0');
  }
  if (bytes > kMax / multiplier) return too_large();
  bytes *= multiplier;
  if (!fraction.empty()) {
    // The fraction's share of the unit, truncated as go-units truncates,
    // in exact integers (digits past the 18th are worth less than 1/500
    // of a byte even in petabytes, and are dropped).
    fraction = fraction.substr(0, 18);
    unsigned __int128 numerator = 0, denominator = 1;
    for (char digit : fraction) {
      numerator = numerator * 10 + static_cast<unsigned>(digit - '0');
      denominator *= 10;
    }
    auto extra = static_cast<std::int64_t>(numerator * static_cast<unsigned __int128>(multiplier) / denominator);
    if (bytes > kMax - extra) return too_large();
    bytes += extra;
  }
  return bytes;
}

}  // namespace ward
