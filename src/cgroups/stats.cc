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

std::string read_or_empty(const std::string& path) {
  auto text = sys::read_file(path);
  return text ? *text : std::string();
}

std::uint64_t number(const std::string& path) { return parse_limit(read_or_empty(path)); }

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
  stats.pids_current = number(dir + "/pids.current");
  stats.pids_limit = number(dir + "/pids.max");
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
  return stats;
}

}  // namespace ward::cgroups
