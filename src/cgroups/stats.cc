#include "cgroups/stats.h"

#include <unistd.h>

#include <sstream>

#include "util/sys.h"

namespace ward::cgroups {

std::map<std::string, std::uint64_t> parse_flat_keyed(const std::string& text) {
  std::map<std::string, std::uint64_t> values;
  std::istringstream lines(text);
  std::string key;
  std::uint64_t value;
  while (lines >> key >> value) values[key] = value;
  return values;
}

std::uint64_t parse_limit(const std::string& text) {
  std::string trimmed = text.substr(0, text.find_first_of(" \n"));
  if (trimmed.empty() || trimmed == "max") return 0;
  try {
    unsigned long long value = std::stoull(trimmed);
    return value >= (1ULL << 62) ? 0 : value;
  } catch (const std::exception&) {
    return 0;
  }
}

std::vector<std::uint64_t> parse_numbers(const std::string& text) {
  std::vector<std::uint64_t> numbers;
  std::istringstream words(text);
  std::uint64_t value;
  while (words >> value) numbers.push_back(value);
  return numbers;
}

namespace {

// "MAJ:MIN", the device column of blkio and io.stat lines.
bool parse_device(const std::string& text, std::uint64_t& major, std::uint64_t& minor) {
  std::istringstream numbers(text);
  char colon = 0;
  return (numbers >> major >> colon >> minor) && colon == ':';
}

}  // namespace

std::vector<BlkioEntry> parse_blkio_entries(const std::string& text) {
  std::vector<BlkioEntry> entries;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string device;
    BlkioEntry entry;
    if (!(fields >> device >> entry.op >> entry.value)) continue;  // "Total N", or not an entry
    if (parse_device(device, entry.major, entry.minor)) entries.push_back(std::move(entry));
  }
  return entries;
}

void parse_io_stat(const std::string& text, std::vector<BlkioEntry>& bytes, std::vector<BlkioEntry>& serviced) {
  struct Key {
    const char* name;
    const char* op;
    bool is_bytes;
  };
  static constexpr Key kKeys[] = {{"rbytes", "Read", true}, {"wbytes", "Write", true}, {"dbytes", "Discard", true},
                                  {"rios", "Read", false},  {"wios", "Write", false},  {"dios", "Discard", false}};
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string device, item;
    std::uint64_t major = 0, minor = 0;
    if (!(fields >> device) || !parse_device(device, major, minor)) continue;
    while (fields >> item) {
      auto equals = item.find('=');
      if (equals == std::string::npos) continue;
      std::string name = item.substr(0, equals);
      for (const auto& key : kKeys) {
        if (name != key.name) continue;
        std::istringstream value_text(item.substr(equals + 1));
        std::uint64_t value = 0;
        if (value_text >> value) (key.is_bytes ? bytes : serviced).push_back({major, minor, key.op, value});
      }
    }
  }
}

std::string hugetlb_page_size(const std::string& file_name, const std::string& suffix) {
  const std::string prefix = "hugetlb.";
  if (file_name.size() <= prefix.size() + suffix.size() || !file_name.starts_with(prefix) ||
      !file_name.ends_with(suffix))
    return "";
  std::string size = file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  return size.find('.') == std::string::npos ? size : "";
}

namespace {

std::string read_or_empty(const std::string& path) {
  auto text = sys::read_file(path);
  return text ? *text : std::string();
}

std::uint64_t number(const std::string& path) { return parse_limit(read_or_empty(path)); }

// v1 blkio: CFQ's files where that scheduler counts, else BFQ's, else the
// throttling layer's, which counts every request (runc's order).
void read_blkio_v1(const std::string& dir, Stats& stats) {
  for (const char* prefix : {"blkio.", "blkio.bfq.", "blkio.throttle."}) {
    auto bytes = parse_blkio_entries(read_or_empty(dir + "/" + prefix + "io_service_bytes_recursive"));
    if (bytes.empty()) continue;
    stats.io_service_bytes = std::move(bytes);
    stats.io_serviced = parse_blkio_entries(read_or_empty(dir + "/" + prefix + "io_serviced_recursive"));
    return;
  }
}

void read_v1(const Cgroup& cgroup, Stats& stats) {
  const auto& dirs = cgroup.directories();
  if (auto dir = detail::v1_directory(dirs, "cpuacct"); !dir.empty()) {
    stats.cpu_total_ns = number(dir + "/cpuacct.usage");
    stats.cpu_percpu_ns = parse_numbers(read_or_empty(dir + "/cpuacct.usage_percpu"));
    // cpuacct.stat is in USER_HZ ticks.
    auto ticks = parse_flat_keyed(read_or_empty(dir + "/cpuacct.stat"));
    long hz = ::sysconf(_SC_CLK_TCK);
    if (hz > 0) {
      stats.cpu_user_ns = ticks["user"] * (1000000000ULL / static_cast<std::uint64_t>(hz));
      stats.cpu_kernel_ns = ticks["system"] * (1000000000ULL / static_cast<std::uint64_t>(hz));
    }
  }
  if (auto dir = detail::v1_directory(dirs, "cpu"); !dir.empty()) {
    auto stat = parse_flat_keyed(read_or_empty(dir + "/cpu.stat"));
    stats.periods = stat["nr_periods"];
    stats.throttled_periods = stat["nr_throttled"];
    stats.throttled_time_ns = stat["throttled_time"];
  }
  if (auto dir = detail::v1_directory(dirs, "memory"); !dir.empty()) {
    stats.memory_usage = number(dir + "/memory.usage_in_bytes");
    stats.memory_max_usage = number(dir + "/memory.max_usage_in_bytes");
    stats.memory_limit = number(dir + "/memory.limit_in_bytes");
    stats.memory_failcnt = number(dir + "/memory.failcnt");
    stats.swap_usage = number(dir + "/memory.memsw.usage_in_bytes");
    stats.swap_limit = number(dir + "/memory.memsw.limit_in_bytes");
    stats.memory_raw = parse_flat_keyed(read_or_empty(dir + "/memory.stat"));
    stats.oom_kills = parse_flat_keyed(read_or_empty(dir + "/memory.oom_control"))["oom_kill"];
  }
  if (auto dir = detail::v1_directory(dirs, "pids"); !dir.empty()) {
    stats.pids_current = number(dir + "/pids.current");
    stats.pids_limit = number(dir + "/pids.max");
  }
  if (auto dir = detail::v1_directory(dirs, "blkio"); !dir.empty()) read_blkio_v1(dir, stats);
}

// Every page size the directory has files for.  v1: usage, peak and
// failcnt files; v2: hugetlb.<size>.current and the "max" count of
// hugetlb.<size>.events (no peak).
void read_hugetlb(const std::string& dir, bool unified, Stats& stats) {
  auto names = sys::list_directory(dir);
  if (!names) return;
  for (const auto& name : *names) {
    std::string size = hugetlb_page_size(name, unified ? ".max" : ".limit_in_bytes");
    if (size.empty()) continue;
    std::string base = dir + "/hugetlb." + size;
    HugetlbUsage usage;
    if (unified) {
      usage.usage = number(base + ".current");
      usage.failcnt = parse_flat_keyed(read_or_empty(base + ".events"))["max"];
    } else {
      usage.usage = number(base + ".usage_in_bytes");
      usage.max = number(base + ".max_usage_in_bytes");
      usage.failcnt = number(base + ".failcnt");
    }
    stats.hugetlb[size] = usage;
  }
}

void read_v2(const std::string& dir, Stats& stats) {
  auto cpu = parse_flat_keyed(read_or_empty(dir + "/cpu.stat"));
  stats.cpu_total_ns = cpu["usage_usec"] * 1000;
  stats.cpu_user_ns = cpu["user_usec"] * 1000;
  stats.cpu_kernel_ns = cpu["system_usec"] * 1000;
  stats.periods = cpu["nr_periods"];
  stats.throttled_periods = cpu["nr_throttled"];
  stats.throttled_time_ns = cpu["throttled_usec"] * 1000;
  stats.memory_usage = number(dir + "/memory.current");
  stats.memory_max_usage = number(dir + "/memory.peak");
  stats.memory_limit = number(dir + "/memory.max");
  stats.swap_usage = number(dir + "/memory.swap.current");
  stats.swap_limit = number(dir + "/memory.swap.max");
  stats.memory_raw = parse_flat_keyed(read_or_empty(dir + "/memory.stat"));
  auto events = parse_flat_keyed(read_or_empty(dir + "/memory.events"));
  stats.memory_failcnt = events["max"];
  stats.oom_kills = events["oom_kill"];
  if (sys::path_exists(dir + "/pids.current")) {
    stats.pids_current = number(dir + "/pids.current");
    stats.pids_limit = number(dir + "/pids.max");
  } else {
    // Without the pids controller, the processes the cgroup holds (as runc).
    stats.pids_current = parse_numbers(read_or_empty(dir + "/cgroup.procs")).size();
  }
  parse_io_stat(read_or_empty(dir + "/io.stat"), stats.io_service_bytes, stats.io_serviced);
}

}  // namespace

Result<Stats> read_stats(const Cgroup& cgroup) {
  Stats stats;
  const auto& dirs = cgroup.directories();
  if (dirs.empty()) return fail("stats: the container has no cgroup");
  bool has_v1 = false;
  for (const auto& dir : dirs) has_v1 = has_v1 || !dir.hierarchy.unified;
  if (has_v1) {
    read_v1(cgroup, stats);
  } else {
    read_v2(dirs.front().path, stats);
  }
  // hugetlb: a v1 controller, or on the unified side (v2, or hybrid hosts
  // that leave it to cgroup2, as this project's machines do).
  if (auto dir = detail::v1_directory(dirs, "hugetlb"); !dir.empty()) {
    read_hugetlb(dir, false, stats);
  } else {
    for (const auto& dir : dirs)
      if (dir.hierarchy.unified) read_hugetlb(dir.path, true, stats);
  }
  return stats;
}

}  // namespace ward::cgroups
