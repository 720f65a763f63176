// The times of json-file records and of `ward logs --since/--until`, in the
// forms Docker's client accepts for those flags (its GetTimestamp), except
// that a time without a zone is UTC here rather than the client's zone.
#include "engine/monitor/log_time.h"

#include <chrono>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#include "engine/monitor/json_log.h"

namespace ward::monitor {

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// Whole numbers are summed in 128 bits, so an overflow is found by one
// comparison at the end instead of a check per step.
using Wide = __int128;
constexpr Wide kMaxNs = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  [[nodiscard]] bool done() const { return at_ == text_.size(); }
  [[nodiscard]] bool peek(char c) const { return at_ < text_.size() && text_[at_] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++at_;
    return true;
  }
  // Exactly `count` digits, as a number.
  std::optional<int> fixed_digits(int count) {
    int value = 0;
    for (int i = 0; i < count; ++i) {
      if (at_ >= text_.size() || !is_digit(text_[at_])) return std::nullopt;
      value = value * 10 + (text_[at_++] - '0');
    }
    return value;
  }
  // The run of digits here, possibly empty.
  std::string_view digits() {
    return run([](char c) { return is_digit(c); });
  }
  // The run of characters up to the next digit or '.': a duration's unit.
  std::string_view unit() {
    return run([](char c) { return !is_digit(c) && c != '.'; });
  }

 private:
  template <class Predicate>
  std::string_view run(Predicate belongs) {
    std::size_t start = at_;
    while (at_ < text_.size() && belongs(text_[at_])) ++at_;
    return text_.substr(start, at_ - start);
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

// The digits as a number, nullopt when there are more than 18 of them
// (past any time or duration that fits in int64 nanoseconds).
std::optional<std::int64_t> whole_number(std::string_view digits) {
  if (digits.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char digit : digits) value = value * 10 + (digit - '0');
  return value;
}

// A decimal fraction's digits as nanoseconds: "5" is 500000000; digits
// past the ninth are dropped, as Go's time parser drops them.
std::int64_t fraction_ns(std::string_view digits) {
  std::int64_t value = 0;
  for (std::size_t i = 0; i < 9; ++i) value = value * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  return value;
}

std::optional<std::int64_t> narrow(Wide ns) {
  if (ns > kMaxNs || ns < -kMaxNs - 1) return std::nullopt;
  return static_cast<std::int64_t>(ns);
}

// The nanoseconds of one unit of a Go duration ("1h30m", "1.5h", "300ms").
std::optional<std::int64_t> unit_ns(std::string_view unit) {
  if (unit == "ns") return 1;
  // "us", and "µs" with MICRO SIGN (U+00B5) or GREEK SMALL LETTER MU (U+03BC).
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return kSecond;
  if (unit == "m") return 60 * kSecond;
  if (unit == "h") return 3600 * kSecond;
  return std::nullopt;
}

// Unix seconds with an optional fraction: "1765085981", "1765085981.5".
std::optional<std::int64_t> parse_unix_seconds_ns(std::string_view text) {
  Scanner in(text);
  std::string_view whole_digits = in.digits();
  std::string_view fraction_digits;
  if (in.take('.')) {
    fraction_digits = in.digits();
    if (fraction_digits.empty()) return std::nullopt;
  }
  if (whole_digits.empty() || !in.done()) return std::nullopt;
  auto seconds = whole_number(whole_digits);
  if (!seconds) return std::nullopt;
  return narrow(Wide{*seconds} * kSecond + fraction_ns(fraction_digits));
}

}  // namespace

// A Go duration (time.ParseDuration's syntax): an optional sign, then one
// or more numbers, each with an optional fraction and a unit; "0" alone.
std::optional<std::int64_t> parse_go_duration_ns(std::string_view text) {
  bool negative = text.starts_with('-');
  if (negative || text.starts_with('+')) text.remove_prefix(1);
  if (text == "0") return 0;  // the one duration Go takes without a unit
  if (text.empty()) return std::nullopt;
  Scanner in(text);
  Wide total = 0;
  while (!in.done()) {
    std::string_view whole_digits = in.digits();
    std::string_view fraction_digits;
    if (in.take('.')) fraction_digits = in.digits();
    if (whole_digits.empty() && fraction_digits.empty()) return std::nullopt;
    auto whole = whole_number(whole_digits);
    auto unit = unit_ns(in.unit());
    if (!whole || !unit) return std::nullopt;
    total += Wide{*whole} * *unit + Wide{fraction_ns(fraction_digits)} * *unit / kSecond;
    if (total > kMaxNs) return std::nullopt;
  }
  return static_cast<std::int64_t>(negative ? -total : total);
}

std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text) {
  Scanner in(text);
  auto year = in.fixed_digits(4);
  if (!year || !in.take('-')) return std::nullopt;
  auto month = in.fixed_digits(2);
  if (!month || !in.take('-')) return std::nullopt;
  auto day = in.fixed_digits(2);
  if (!day) return std::nullopt;

  int hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0;
  if (in.take('T')) {
    auto h = in.fixed_digits(2);
    if (!h) return std::nullopt;
    hour = *h;
    if (in.take(':')) {
      auto m = in.fixed_digits(2);
      if (!m) return std::nullopt;
      minute = *m;
      if (in.take(':')) {
        auto s = in.fixed_digits(2);
        if (!s) return std::nullopt;
        second = *s;
        if (in.take('.')) {
          std::string_view fraction = in.digits();
          if (fraction.empty()) return std::nullopt;
          nanos = fraction_ns(fraction);
        }
      }
    }
  }

  int offset_seconds = 0;
  if (!in.take('Z') && (in.peek('+') || in.peek('-'))) {
    int sign = in.peek('-') ? -1 : 1;
    in.take(sign < 0 ? '-' : '+');
    auto offset_hours = in.fixed_digits(2);
    if (!offset_hours || !in.take(':')) return std::nullopt;
    auto offset_minutes = in.fixed_digits(2);
    if (!offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
    offset_seconds = sign * (*offset_hours * 3600 + *offset_minutes * 60);
  }
  if (!in.done()) return std::nullopt;

  // Go refuses a leap second (":60") as well; year_month_day knows month lengths and leap years.
  std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                   std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  Wide days = std::chrono::sys_days{date}.time_since_epoch().count();
  Wide seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return narrow(seconds * kSecond + nanos);
}

Result<std::int64_t> parse_log_time(std::string_view text, std::int64_t now_ns) {
  // Docker reads a bare "0" as the Unix time 0, not as the duration 0.
  if (text != "0") {
    if (auto duration = parse_go_duration_ns(text)) {
      if (auto time = narrow(Wide{now_ns} - *duration)) return *time;
    }
  }
  if (auto time = parse_rfc3339_ns(text)) return *time;
  if (auto time = parse_unix_seconds_ns(text)) return *time;
  return fail(ErrorKind::invalid_input,
              fmt::format("\"{}\" is neither a time (2026-12-07, 2026-12-07T05:39:41Z, 2026-12-07T05:39:41.5+01:00, "
                          "Unix seconds like 1765085981.5) nor a duration (10m, 1h30m, 1.5h)",
                          text));
}

}  // namespace ward::monitor
