#include "engine/userns.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "util/fd.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

struct Entry {
  std::string_view name;
  SubordinateRange range;
};

std::optional<std::uint32_t> parse_number(std::string_view text) {
  std::uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The well-formed "name:start:count" lines; others (comments, junk) are
// skipped, as shadow's own readers skip them.
std::vector<Entry> parse_entries(std::string_view text) {
  std::vector<Entry> entries;
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    auto first = line.find(':');
    auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    auto start = parse_number(line.substr(first + 1, second - first - 1));
    auto count = parse_number(line.substr(second + 1));
    if (!start || !count) continue;
    entries.push_back({line.substr(0, first), {*start, *count}});
  }
  return entries;
}

// Adds the ward entry to `path` if it has none; returns the entry.
Result<SubordinateRange> ensure_entry(const std::string& path) {
  std::string dir = path.substr(0, path.rfind('/') + 1);
  if (dir.empty()) dir = ".";
  auto dir_fd = WARD_TRY(sys::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // Two ward processes of different stores may add the entry at once.
  if (::flock(dir_fd.get(), LOCK_EX) < 0) return fail_errno(errno, "lock " + dir);
  std::string text;
  if (sys::path_exists(path)) text = WARD_TRY(sys::read_file(path));
  if (auto found = find_subordinate_range(text, kWardUser)) {
    if (found->count < kIdsPerContainer)
      return fail(ErrorKind::invalid_input, fmt::format("{}: the {} entry has {} ids; a container needs {}", path,
                                                        kWardUser, found->count, kIdsPerContainer));
    return *found;
  }
  std::uint64_t count = std::uint64_t{kIdsPerContainer} * kWardEntrySlots;
  std::uint32_t start = WARD_TRY(context(free_subordinate_start(text, count), "{}", path));
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += fmt::format("{}:{}:{}\n", kWardUser, start, count);
  struct stat st {};
  mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  WARD_TRY(context(sys::write_file_atomic(path, text, mode), "add the {} entry", kWardUser));
  return SubordinateRange{start, static_cast<std::uint32_t>(count)};
}

}  // namespace

std::optional<SubordinateRange> find_subordinate_range(std::string_view text, std::string_view user) {
  for (const auto& entry : parse_entries(text))
    if (entry.name == user) return entry.range;
  return std::nullopt;
}

Result<std::uint32_t> free_subordinate_start(std::string_view text, std::uint64_t count) {
  std::uint64_t start = 100000;
  for (const auto& entry : parse_entries(text))
    start = std::max(start, std::uint64_t{entry.range.start} + entry.range.count);
  start = (start + kIdsPerContainer - 1) / kIdsPerContainer * kIdsPerContainer;
  if (start + count > 0xFFFFFFFFull)
    return fail(
        ErrorKind::unsupported,
        fmt::format("no room for {} subordinate ids past the ranges already given out (they end at {})", count, start));
  return static_cast<std::uint32_t>(start);
}

Result<WardRanges> ensure_ward_ranges(const std::string& subuid_path, const std::string& subgid_path) {
  WardRanges ranges;
  ranges.uids = WARD_TRY(ensure_entry(subuid_path));
  ranges.gids = WARD_TRY(ensure_entry(subgid_path));
  return ranges;
}

Result<HostIds> allocate_user_ids(db::Database& database, const std::string& container_id, const WardRanges& ranges) {
  std::int64_t slots = std::min(ranges.uids.count, ranges.gids.count) / kIdsPerContainer;
  auto lowest =
      WARD_TRY(database.prepare("SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM userns_ranges WHERE slot = 0) THEN 0 "
                                "ELSE (SELECT MIN(a.slot) + 1 FROM userns_ranges a "
                                "WHERE NOT EXISTS (SELECT 1 FROM userns_ranges b WHERE b.slot = a.slot + 1)) END",
                                "find a free user-namespace range"));
  if (WARD_TRY(lowest.step()) != db::Step::row) return fail("find a free user-namespace range: no row");
  std::int64_t slot = lowest.column_int64(0);
  if (slot >= slots)
    return fail(ErrorKind::in_use,
                fmt::format("all {} user-namespace ranges are held by containers; remove some", slots));
  HostIds ids{ranges.uids.start + static_cast<std::uint32_t>(slot) * kIdsPerContainer,
              ranges.gids.start + static_cast<std::uint32_t>(slot) * kIdsPerContainer};
  auto insert = WARD_TRY(
      database.prepare("INSERT INTO userns_ranges (slot, container_id, host_uid, host_gid) VALUES (?1, ?2, ?3, ?4)",
                       "record the range"));
  WARD_TRY(insert.bind(1, slot));
  WARD_TRY(insert.bind(2, container_id));
  WARD_TRY(insert.bind(3, std::int64_t{ids.uid}));
  WARD_TRY(insert.bind(4, std::int64_t{ids.gid}));
  WARD_TRY(insert.run());
  return ids;
}

Result<std::optional<HostIds>> find_user_ids(db::Database& database, const std::string& container_id) {
  auto query = WARD_TRY(
      database.prepare("SELECT host_uid, host_gid FROM userns_ranges WHERE container_id = ?1", "find the range"));
  WARD_TRY(query.bind(1, container_id));
  if (WARD_TRY(query.step()) != db::Step::row) return std::optional<HostIds>();
  return std::optional<HostIds>(
      HostIds{static_cast<std::uint32_t>(query.column_int64(0)), static_cast<std::uint32_t>(query.column_int64(1))});
}

}  // namespace ward::engine
