// parse_byte_size (ward-oci update --memory and the other size flags).
// Properties, for any text:
//   - it never crashes, and an accepted size is never negative;
//   - an accepted size equals an independent computation in 128-bit
//     integers from the same digits (so no overflow goes unnoticed);
//   - sizes grow with the unit: N <= Nk <= Nm <= Ng <= Nt <= Np, each a
//     1024 multiple of the one before when that fits, refused when not;
//   - a fraction only adds: N <= N.F < N+1 (in the same unit).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "util/byte_size.h"

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::optional<std::int64_t> parse(std::string_view text) {
  auto parsed = ward::parse_byte_size(text);
  if (!parsed) return std::nullopt;
  return *parsed;
}

// The value of whole digits in 128 bits, or nullopt past 2^126.
std::optional<unsigned __int128> wide_value(std::string_view digits) {
  unsigned __int128 value = 0;
  for (char digit : digits) {
    value = value * 10 + static_cast<unsigned>(digit - '0');
    if (value > (static_cast<unsigned __int128>(1) << 120)) return std::nullopt;
  }
  return value;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// Checks a plain number against the wide computation and across units.
void check_number(std::string_view digits) {
  auto wide = wide_value(digits);
  auto plain = parse(digits);
  if (wide && *wide <= static_cast<unsigned __int128>(kMax)) {
    WARD_FUZZ_CHECK(plain && static_cast<unsigned __int128>(*plain) == *wide, "\"%.*s\"",
                    static_cast<int>(digits.size()), digits.data());
  } else {
    WARD_FUZZ_CHECK(!plain, "\"%.*s\" accepted above INT64_MAX", static_cast<int>(digits.size()), digits.data());
    return;
  }
  std::int64_t previous = *plain;
  for (const char* unit : {"k", "M", "g", "T", "p"}) {
    std::string text = std::string(digits) + unit;
    auto sized = parse(text);
    bool fits = previous <= kMax / 1024;
    if (!fits) {
      WARD_FUZZ_CHECK(!sized, "\"%s\" accepted above INT64_MAX", text.c_str());
      return;
    }
    WARD_FUZZ_CHECK(sized && *sized == previous * 1024, "\"%s\"", text.c_str());
    for (const char* suffix : {"b", "iB", " KB"}) {
      // The spellings of one unit agree ("1kb", "1kiB"); " KB" changes
      // the letter back to k, so compare it with the k value only.
      if (std::string_view(suffix) == " KB" && std::string_view(unit) != "k") continue;
      std::string spelled = std::string(digits) + (std::string_view(suffix) == " KB" ? "" : unit) + suffix;
      auto other = parse(spelled);
      WARD_FUZZ_CHECK(other && *other == *sized, "\"%s\" differs from \"%s\"", spelled.c_str(), text.c_str());
    }
    previous = *sized;
  }
}

// N.F against N and N+1 in the unit `unit`.
void check_fraction(std::string_view digits, std::string_view fraction, std::string_view unit) {
  std::string whole_text = std::string(digits) + std::string(unit);
  std::string text = std::string(digits) + "." + std::string(fraction) + std::string(unit);
  auto whole = parse(whole_text);
  auto value = parse(text);
  if (!whole) {
    WARD_FUZZ_CHECK(!value, "\"%s\" accepted but \"%s\" refused", text.c_str(), whole_text.c_str());
    return;
  }
  if (!value) return;  // the fraction pushed it past INT64_MAX
  WARD_FUZZ_CHECK(*value >= *whole, "\"%s\" < \"%s\"", text.c_str(), whole_text.c_str());
  auto unit_size = parse(std::string("1") + std::string(unit));
  WARD_FUZZ_CHECK(unit_size.has_value(), "unit \"%.*s\"", static_cast<int>(unit.size()), unit.data());
  WARD_FUZZ_CHECK(*value - *whole < *unit_size, "\"%s\" reaches the next whole number", text.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto value = parse(text))
    WARD_FUZZ_CHECK(*value >= 0, "\"%s\" gave %lld", std::string(text).c_str(), static_cast<long long>(*value));

  // The input's digits as a number and, after a '.', as a fraction.
  std::size_t dot = text.find('.');
  std::string_view digits = text.substr(0, dot);
  if (digits.size() > 40 || !all_digits(digits)) return 0;
  check_number(digits);
  if (dot != std::string_view::npos) {
    std::string_view fraction = text.substr(dot + 1, 30);
    if (all_digits(fraction))
      for (std::string_view unit : {"", "k", "m", "G", "p"}) check_fraction(digits, fraction, unit);
  }
  return 0;
}
