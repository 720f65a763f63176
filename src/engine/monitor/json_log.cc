// The json-file log's options and its writer.  The reader and the follower
// are in json_log_read.cc, the time forms in log_time.cc.
#include "engine/monitor/json_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "util/byte_size.h"
#include "util/clock.h"
#include "util/sys.h"

namespace ward::monitor {

namespace {

// Docker's copier hands the driver at most 16 KiB of a line at a time; a
// longer line becomes several records, all but the last without newline.
constexpr std::size_t kMaxRecordText = 16 * 1024;

Result<std::uint64_t> parse_max_size(const std::string& value) {
  if (value == "-1") return 0;
  auto bytes = parse_byte_size(value);
  if (!bytes) return std::unexpected(std::move(bytes.error().as(ErrorKind::invalid_input).wrap("log opt max-size")));
  if (*bytes == 0) return fail(ErrorKind::invalid_input, "log opt max-size: must be a positive size or -1");
  return static_cast<std::uint64_t>(*bytes);
}

Result<int> parse_max_file(const std::string& value) {
  int count = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
  if (error != std::errc{} || end != value.data() + value.size() || value.empty())
    return fail(ErrorKind::invalid_input, fmt::format("log opt max-file: \"{}\" is not a number", value));
  if (count < 1) return fail(ErrorKind::invalid_input, "log opt max-file: must be at least 1");
  return count;
}

// The length of the UTF-8 sequence at the start of `text`, or 0 if it is
// not a valid one (overlong, a surrogate, past U+10FFFF, cut short): the
// rules of Go's utf8.DecodeRune, whose every invalid byte becomes U+FFFD.
std::size_t utf8_sequence_length(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_low = 0x80, second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // overlong
    if (lead == 0xED) second_high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // overlong
    if (lead == 0xF4) second_high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < second_low || byte(1) > second_high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return length;
}

// `text` as the body of a JSON string, escaped as Go's encoding/json (and
// Docker's log writer) escape it, so that records match Docker's byte for
// byte: the HTML-safe \u003c \u003e \u0026, U+2028 and U+2029 escaped.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t at = 0; at < text.size();) {
    auto c = static_cast<unsigned char>(text[at]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++at;
      continue;
    }
    std::size_t length = utf8_sequence_length(text.substr(at));
    if (length == 0) {
      out += "\\ufffd";
      ++at;
      continue;
    }
    // U+2028 and U+2029 ended a JavaScript string literal before ES2019; Go escapes them.
    std::string_view sequence = text.substr(at, length);
    if (sequence == "\xE2\x80\xA8")
      out += "\\u2028";
    else if (sequence == "\xE2\x80\xA9")
      out += "\\u2029";
    else
      out += sequence;
    at += length;
  }
}

std::string rotated_name(const std::string& path, int index) {
  return fmt::format("{}.{}", path, index);
}

}  // namespace

Result<JsonLogOptions> parse_json_log_options(const std::map<std::string, std::string>& options) {
  JsonLogOptions parsed;
  for (const auto& [key, value] : options) {
    if (key == "max-size") {
      parsed.max_size = WARD_TRY(parse_max_size(value));
    } else if (key == "max-file") {
      parsed.max_file = WARD_TRY(parse_max_file(value));
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("unknown log opt '{}' for json-file log driver", key));
    }
  }
  // Without max-size the log never rotates, so the extra files would never come.
  if (parsed.max_file > 1 && parsed.max_size == 0)
    return fail(
        ErrorKind::invalid_input,
        fmt::format("log opt max-file {} needs max-size: without it the log is never rotated", parsed.max_file));
  return parsed;
}

JsonLogWriter::JsonLogWriter(std::string path, JsonLogOptions options, UniqueFd fd, std::uint64_t size)
    : path_(std::move(path)), options_(options), fd_(std::move(fd)), size_(size) {}

Result<JsonLogWriter> JsonLogWriter::open(std::string path, JsonLogOptions options) {
  // O_APPEND: a record lands whole at the end even if a second writer (a
  // restarted monitor) has the file open too.
  auto fd = WARD_TRY(sys::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail_errno(errno, "stat " + path);
  return JsonLogWriter(std::move(path), options, std::move(fd), static_cast<std::uint64_t>(st.st_size));
}

Result<> JsonLogWriter::write(std::string_view stream, std::string_view data, const struct timespec& now) {
  if (stream != "stdout" && stream != "stderr")
    return fail(ErrorKind::invalid_input, fmt::format("log stream \"{}\": expected stdout or stderr", stream));
  std::string& pending = stream == "stdout" ? pending_stdout_ : pending_stderr_;
  pending.append(data);
  // Records are cut from the front; what they took is erased once, at the
  // end, so a read of many lines costs one move and not one per line.
  std::size_t start = 0;
  Result<> written;
  while (written) {
    std::string_view rest = std::string_view(pending).substr(start);
    std::size_t newline = rest.substr(0, kMaxRecordText).find('\n');
    std::size_t take = 0;
    if (newline != std::string_view::npos)
      take = newline + 1;
    else if (rest.size() >= kMaxRecordText)
      take = kMaxRecordText;
    else
      break;
    written = append(stream, rest.substr(0, take), now);
    // A record that failed is dropped too: retrying it at every read would
    // hold the stream's output in memory while the disk stays full.
    start += take;
  }
  pending.erase(0, start);
  return written;
}

Result<> JsonLogWriter::flush(const struct timespec& now) {
  for (auto [stream, pending] : {std::pair{"stdout", &pending_stdout_}, std::pair{"stderr", &pending_stderr_}}) {
    if (pending->empty()) continue;
    std::string text = std::exchange(*pending, {});
    WARD_TRY(append(stream, text, now));
  }
  return {};
}

Result<> JsonLogWriter::append(std::string_view stream, std::string_view text, const struct timespec& now) {
  std::string record;
  record.reserve(text.size() + 96);
  record += R"({"log":")";
  append_json_string(record, text);
  record += R"(","stream":")";
  record += stream;
  record += R"(","time":")";
  record += rfc3339(now);
  record += "\"}\n";

  if (options_.max_size > 0 && size_ > 0 && size_ + record.size() > options_.max_size) WARD_TRY(rotate());
  // One write(2) per record, so a reader never sees half of one.
  ssize_t n = sys::raw::write_all(fd_.get(), record.data(), record.size());
  if (n < 0) return fail_errno(static_cast<int>(-n), "write " + path_);
  size_ += record.size();
  return {};
}

Result<> JsonLogWriter::rotate() {
  if (options_.max_file <= 1) {
    // The only file starts over; O_APPEND writes follow the new end.
    if (::ftruncate(fd_.get(), 0) != 0) return fail_errno(errno, "truncate " + path_);
    size_ = 0;
    return {};
  }
  // path.(N-1) goes, path.(i) becomes path.(i+1), path becomes path.1.
  std::string oldest = rotated_name(path_, options_.max_file - 1);
  if (::unlink(oldest.c_str()) != 0 && errno != ENOENT) return fail_errno(errno, "remove " + oldest);
  for (int index = options_.max_file - 2; index >= 0; --index) {
    std::string from = index == 0 ? path_ : rotated_name(path_, index);
    std::string to = rotated_name(path_, index + 1);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
      return fail_errno(errno, fmt::format("rename {} to {}", from, to));
  }
  fd_ = WARD_TRY(sys::open(path_, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  size_ = 0;
  return {};
}

}  // namespace ward::monitor
