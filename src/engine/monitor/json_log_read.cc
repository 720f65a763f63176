// Reading json-file logs: all of them at once (`ward logs`) and what is
// appended later, across rotations (`ward logs -f`).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <exception>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/monitor/json_log.h"
#include "engine/monitor/log_time.h"
#include "util/sys.h"

namespace ward::monitor {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

// One line of the log (without its newline) as a record; nullopt when it
// is damaged (cut by a crash, edited), which readers skip as Docker does.
std::optional<LogRecord> parse_record(std::string_view line) {
  try {
    auto value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!value.is_object()) return std::nullopt;
    auto log = value.find("log"), stream = value.find("stream"), time = value.find("time");
    if (log == value.end() || stream == value.end() || time == value.end() || !log->is_string() ||
        !stream->is_string() || !time->is_string())
      return std::nullopt;
    LogRecord record{
        .stream = stream->get<std::string>(), .text = log->get<std::string>(), .time = time->get<std::string>()};
    auto time_ns = parse_rfc3339_ns(record.time);
    if (!time_ns) return std::nullopt;
    record.time_ns = *time_ns;
    return record;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Reads `fd` from `offset` to its current end, passing each complete line's
// record to `sink`; an unfinished last line stays in `partial` (the writer
// writes a record in one write(2), so it is seen whole at a later read).
template <class Sink>
Result<> read_records(int fd, std::uint64_t& offset, std::string& partial, Sink&& sink) {
  std::string chunk(kReadChunk, '\0');
  for (;;) {
    long n = sys::raw::retry([&] { return ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset)); });
    if (n < 0) return fail_errno(static_cast<int>(-n), "read");
    if (n == 0) return {};
    offset += static_cast<std::uint64_t>(n);
    // What was kept holds no newline: the search starts at the new bytes,
    // so a long unfinished line is not scanned again at every chunk.
    std::size_t search_from = partial.size();
    partial.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t newline; (newline = partial.find('\n', std::max(start, search_from))) != std::string::npos;
         start = newline + 1) {
      if (auto record = parse_record(std::string_view(partial).substr(start, newline - start)))
        sink(std::move(*record));
    }
    partial.erase(0, start);
  }
}

Result<std::uint64_t> inode_of(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail_errno(errno, "stat " + path);
  return static_cast<std::uint64_t>(st.st_ino);
}

// The open file `path`, or an invalid fd if there is none.
Result<UniqueFd> open_if_present(const std::string& path) {
  auto fd = sys::open(path, O_RDONLY | O_CLOEXEC);
  if (!fd && fd.error().code == ENOENT) return UniqueFd();
  return fd;
}

std::string rotated_name(const std::string& path, std::uint64_t index) {
  return fmt::format("{}.{}", path, index);
}

// The numbers N of the rotated files <path>.N, in ascending order.
Result<std::vector<std::uint64_t>> rotated_numbers(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".";
  auto names = sys::list_directory(dir);
  if (!names && names.error().code == ENOENT) return std::vector<std::uint64_t>{};
  if (!names) return std::unexpected(std::move(names.error()));
  std::vector<std::uint64_t> numbers;
  for (const std::string& name : *names) {
    if (!name.starts_with(prefix)) continue;
    std::string_view suffix = std::string_view(name).substr(prefix.size());
    // Only the names the writer makes: digits, no leading zero, not ".0".
    if (suffix.empty() || suffix.size() > 9 || suffix[0] == '0' ||
        !std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    numbers.push_back(std::stoull(std::string(suffix)));
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

struct OpenLog {
  std::string name;
  UniqueFd fd;
};

// The log and its rotated files, opened newest first, so that a rotation
// while they are opened shifts files we already hold (seen again under
// their new name, and dropped by inode) rather than ones still to come;
// returned oldest first.
Result<std::vector<OpenLog>> open_log_files(const std::string& path) {
  std::vector<std::string> names{path};
  auto numbers = WARD_TRY(rotated_numbers(path));
  for (std::uint64_t number : numbers) names.push_back(rotated_name(path, number));
  std::vector<OpenLog> files;
  std::vector<std::uint64_t> inodes;
  for (std::string& name : names) {
    auto fd = WARD_TRY(open_if_present(name));
    if (!fd) continue;
    auto inode = WARD_TRY(inode_of(fd.get(), name));
    if (std::find(inodes.begin(), inodes.end(), inode) != inodes.end()) continue;
    inodes.push_back(inode);
    files.push_back(OpenLog{std::move(name), std::move(fd)});
  }
  std::reverse(files.begin(), files.end());
  return files;
}

// The files rotated out after the one a follower held (`held_inode`, now
// <path>.K) and before the one now at <path> (`current_inode`): <path>.(K-1)
// down to <path>.1, read whole, oldest first.  None when the held file is
// <path>.1, or is gone (then what was between is gone with it or lost).
template <class Sink>
Result<> read_rotated_between(const std::string& path, std::uint64_t held_inode, std::uint64_t current_inode,
                              Sink&& sink) {
  std::vector<OpenLog> between;  // newest first
  for (std::uint64_t index = 1;; ++index) {
    std::string name = rotated_name(path, index);
    auto fd = WARD_TRY(open_if_present(name));
    if (!fd) return {};
    auto inode = WARD_TRY(inode_of(fd.get(), name));
    if (inode == held_inode) break;
    // A rotation since <path> was opened shows that same file here.
    if (inode != current_inode) between.push_back(OpenLog{std::move(name), std::move(fd)});
  }
  for (auto file = between.rbegin(); file != between.rend(); ++file) {
    std::uint64_t offset = 0;
    std::string partial;
    WARD_TRY(context(read_records(file->fd.get(), offset, partial, sink), "{}", file->name));
  }
  return {};
}

}  // namespace

Result<std::vector<LogRecord>> read_json_log(const std::string& path, const LogFilter& filter) {
  auto files = WARD_TRY(open_log_files(path));
  // With --tail only the last records are kept while reading, so a large
  // log costs no more memory than what is shown.
  std::deque<LogRecord> kept;
  auto keep = [&](LogRecord&& record) {
    if (filter.since_ns && record.time_ns < *filter.since_ns) return;
    if (filter.until_ns && record.time_ns > *filter.until_ns) return;
    kept.push_back(std::move(record));
    if (filter.tail && kept.size() > *filter.tail) kept.pop_front();
  };
  for (OpenLog& file : files) {
    std::uint64_t offset = 0;
    std::string partial;
    WARD_TRY(context(read_records(file.fd.get(), offset, partial, keep), "{}", file.name));
  }
  return std::vector<LogRecord>(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
}

Result<JsonLogFollower> JsonLogFollower::at_end(const std::string& path) {
  JsonLogFollower follower(path);
  follower.fd_ = WARD_TRY(open_if_present(path));
  // A log not made yet is followed from its start once it appears.
  if (!follower.fd_) return follower;
  struct stat st {};
  if (::fstat(follower.fd_.get(), &st) != 0) return fail_errno(errno, "stat " + path);
  follower.inode_ = static_cast<std::uint64_t>(st.st_ino);
  follower.offset_ = static_cast<std::uint64_t>(st.st_size);
  return follower;
}

Result<std::vector<LogRecord>> JsonLogFollower::next() {
  std::vector<LogRecord> records;
  auto collect = [&](LogRecord&& record) { records.push_back(std::move(record)); };
  if (!fd_) {
    fd_ = WARD_TRY(open_if_present(path_));
    if (!fd_) return records;
    inode_ = WARD_TRY(inode_of(fd_.get(), path_));
    offset_ = 0;
    partial_.clear();
  }

  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return fail_errno(errno, "stat " + path_);
  // Shorter than what was read: truncated by a rotation with max-file 1.
  if (static_cast<std::uint64_t>(st.st_size) < offset_) {
    offset_ = 0;
    partial_.clear();
  }
  WARD_TRY(context(read_records(fd_.get(), offset_, partial_, collect), "{}", path_));

  auto current = WARD_TRY(open_if_present(path_));
  // Renamed and its successor not made yet: the next call finds it.
  if (!current) return records;
  auto current_inode = WARD_TRY(inode_of(current.get(), path_));
  if (current_inode == inode_) return records;

  // Rotated.  The writer no longer writes to the file we hold: what it
  // wrote there after the read above comes first, then any file rotated
  // out since (more than one rotation between two calls), then the new one.
  WARD_TRY(context(read_records(fd_.get(), offset_, partial_, collect), "{}", path_));
  WARD_TRY(read_rotated_between(path_, inode_, current_inode, collect));
  fd_ = std::move(current);
  inode_ = current_inode;
  offset_ = 0;
  partial_.clear();
  WARD_TRY(context(read_records(fd_.get(), offset_, partial_, collect), "{}", path_));
  return records;
}

}  // namespace ward::monitor
