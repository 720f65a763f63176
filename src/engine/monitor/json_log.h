// Docker's `json-file` log driver: one JSON object per line,
//   {"log":"hello\n","stream":"stdout","time":"2026-12-07T05:39:41.123456789Z"}
// in <store>/containers/<id>/<id>-json.log, rotated to <path>.1, <path>.2,
// ... (newest first) when it reaches max-size, keeping max-file files in
// all.  The monitor writes it; `ward logs` reads and follows it.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/fd.h"

namespace ward::monitor {

// --log-opt for json-file: max-size (Docker's units: 10k, 10m, 1g; "-1"
// or absent: unlimited) and max-file (>= 1; more than 1 needs max-size).
// An unknown option or a bad value is invalid_input naming it.
struct JsonLogOptions {
  std::uint64_t max_size = 0;  // bytes; 0: no rotation
  int max_file = 1;
};
[[nodiscard]] Result<JsonLogOptions> parse_json_log_options(const std::map<std::string, std::string>& options);

// Appends a stream's output as Docker does: one record per line, the
// newline kept in "log"; a line longer than 16 KiB is cut into partial
// records (no newline); bytes that are not UTF-8 become U+FFFD.
class JsonLogWriter {
 public:
  [[nodiscard]] static Result<JsonLogWriter> open(std::string path, JsonLogOptions options);

  // `data` is what one read of the stream ("stdout" or "stderr") gave:
  // complete lines are written at once, an unfinished one is kept until
  // its newline comes (or flush).  `now` stamps what is written.
  [[nodiscard]] Result<> write(std::string_view stream, std::string_view data, const struct timespec& now);
  // Writes the unfinished lines of both streams (at the stream's end).
  [[nodiscard]] Result<> flush(const struct timespec& now);

 private:
  JsonLogWriter(std::string path, JsonLogOptions options, UniqueFd fd, std::uint64_t size);
  [[nodiscard]] Result<> append(std::string_view stream, std::string_view text, const struct timespec& now);
  [[nodiscard]] Result<> rotate();

  std::string path_;
  JsonLogOptions options_;
  UniqueFd fd_;
  std::uint64_t size_ = 0;
  std::string pending_stdout_, pending_stderr_;
};

struct LogRecord {
  std::string stream;        // "stdout" or "stderr"
  std::string text;          // the "log" field, newline included
  std::string time;          // as written (RFC 3339, nanoseconds)
  std::int64_t time_ns = 0;  // since the epoch
};

// --since/--until (nanoseconds since the epoch, inclusive) and --tail
// (the last N records after filtering; nullopt: all).
struct LogFilter {
  std::optional<std::int64_t> since_ns, until_ns;
  std::optional<std::size_t> tail;
};

// The records of `path` and its rotated files, oldest first, filtered.  A
// missing log is empty; a damaged line is skipped.
[[nodiscard]] Result<std::vector<LogRecord>> read_json_log(const std::string& path, const LogFilter& filter);

// Follows `path` from where read_json_log left it (its end when made):
// each next() gives the records appended since, also across a rotation
// (the file renamed to <path>.1 and a new one begun).
class JsonLogFollower {
 public:
  [[nodiscard]] static Result<JsonLogFollower> at_end(const std::string& path);
  [[nodiscard]] Result<std::vector<LogRecord>> next();

 private:
  explicit JsonLogFollower(std::string path) : path_(std::move(path)) {}
  std::string path_;
  UniqueFd fd_;
  std::uint64_t inode_ = 0;
  std::uint64_t offset_ = 0;
  std::string partial_;  // a line read before its newline was written
};

// Docker's --since/--until values: an RFC 3339 time ("2026-12-07",
// "2026-12-07T05:39:41Z", with fraction or offset), Unix seconds with an
// optional fraction ("1765085981.5"), or a duration before `now_ns`
// ("10m", "1h30m", "90s").  invalid_input naming the text otherwise.
[[nodiscard]] Result<std::int64_t> parse_log_time(std::string_view text, std::int64_t now_ns);

// A Go duration (time.ParseDuration's syntax: "1h30m", "1.5h", "300ms",
// "0") as nanoseconds; nullopt for anything else or past int64.
[[nodiscard]] std::optional<std::int64_t> parse_go_duration_ns(std::string_view text);

}  // namespace ward::monitor
