// The limit flags of `ward run`/`create`, checked as Docker's client and
// daemon check them (their messages), so a bad value makes nothing.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli/ward/run_flags_internal.h"
#include "util/byte_size.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

using ward::engine::ContainerSpec;
using ward::engine::ResourceLimits;
using ward::engine::ThrottleDevice;
using ward::engine::Ulimit;

// Docker's --ulimit names (go-units), each an RLIMIT_ of the same name.
const std::set<std::string, std::less<>> kUlimitNames = {
    "as",   "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue",
    "nice", "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack"};

constexpr std::int64_t kMinimumNofile = 32;

Result<Ulimit> parse_ulimit(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return fail(ErrorKind::invalid_input, fmt::format("--ulimit {}: expected NAME=SOFT[:HARD]", text));
  Ulimit ulimit;
  ulimit.name = text.substr(0, eq);
  if (!kUlimitNames.contains(ulimit.name))
    return fail(ErrorKind::invalid_input, fmt::format("--ulimit {}: invalid ulimit type: {}", text, ulimit.name));
  std::string values = text.substr(eq + 1);
  auto colon = values.find(':');
  ulimit.soft = WARD_TRY(flag_integer("--ulimit", values.substr(0, colon)));
  ulimit.hard = colon == std::string::npos ? ulimit.soft : WARD_TRY(flag_integer("--ulimit", values.substr(colon + 1)));
  auto limit = [](std::int64_t v) { return v < 0 ? std::numeric_limits<std::uint64_t>::max() : std::uint64_t(v); };
  if (limit(ulimit.soft) > limit(ulimit.hard))
    return fail(ErrorKind::invalid_input,
                fmt::format("--ulimit {}: ulimit soft limit must be less than or equal to hard limit: {} > {}", text,
                            ulimit.soft, ulimit.hard));
  // The runtime's init opens its files (mounts, devices, the console)
  // under the limits before the process starts, up to some twenty at once.
  if (ulimit.name == "nofile" && ulimit.soft >= 0 && ulimit.soft < kMinimumNofile)
    return fail(ErrorKind::unsupported,
                fmt::format("--ulimit {}: a nofile soft limit below {} is not supported yet (ward's init opens its "
                            "files under it before the process starts)",
                            text, kMinimumNofile));
  return ulimit;
}

// "1.5" CPUs as billionths (Docker's NanoCpus), exactly: no float.
Result<std::int64_t> parse_nano_cpus(const std::string& text) {
  auto bad = [&] {
    return fail(ErrorKind::invalid_input,
                fmt::format("--cpus {}: failed to parse {} as a rational number", text, text));
  };
  auto dot = text.find('.');
  std::string whole = text.substr(0, dot), fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || whole.size() > 9) return bad();
  for (char c : whole + fraction)
    if (c < '0' || c > '9') return bad();
  if (fraction.size() > 9) return fail(ErrorKind::invalid_input, fmt::format("--cpus {}: value is too precise", text));
  fraction.resize(9, '0');
  return (whole.empty() ? 0 : std::stoll(whole)) * 1000000000 + std::stoll(fraction);
}

// "0-2,4" as the set of numbers it names; nullopt when it is malformed.
std::optional<std::set<int>> parse_cpu_list(std::string_view text) {
  std::set<int> numbers;
  if (text.empty()) return std::nullopt;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    auto dash = item.find('-');
    int first = -1, last = -1;
    auto number = [](std::string_view digits, int& out) {
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
      return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size() && out >= 0;
    };
    if (!number(item.substr(0, dash), first)) return std::nullopt;
    last = first;
    if (dash != std::string_view::npos && !number(item.substr(dash + 1), last)) return std::nullopt;
    if (last < first || last - first > 65536) return std::nullopt;
    for (int n = first; n <= last; ++n) numbers.insert(n);
  }
  return numbers;
}

// --cpuset-cpus or --cpuset-mems against what the host has online.
Result<std::string> parse_cpuset(const std::string& flag, const std::string& text, const char* online_file,
                                 const char* what) {
  auto wanted = parse_cpu_list(text);
  if (!wanted)
    return fail(ErrorKind::invalid_input, fmt::format("{} {}: invalid value {} for cpuset {}", flag, text, text, what));
  auto online_text = sys::read_file(online_file);
  std::string online = online_text ? *online_text : "0";
  while (!online.empty() && (online.back() == '\n' || online.back() == ' ')) online.pop_back();
  auto available = parse_cpu_list(online);
  for (int n : *wanted)
    if (!available || !available->contains(n))
      return fail(ErrorKind::invalid_input,
                  fmt::format("{} {}: requested {} are not available - requested {}, available: {}", flag, text,
                              std::string(what) == "cpus" ? "CPUs" : "memory nodes", text, online));
  return text;
}

// DEVICE:VALUE pairs of flag `name`: a byte size (bytes) or a number, named
// `what` in the error.
Result<std::vector<ThrottleDevice>> parse_throttle(const ParsedArgs& parsed, const std::string& name, bool bytes,
                                                   const char* what = "RATE") {
  std::vector<ThrottleDevice> devices;
  for (const auto& text : flag_values(parsed, name)) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || !text.starts_with("/dev/"))
      return fail(ErrorKind::invalid_input, fmt::format("--{} {}: expected /dev/DEVICE:{}", name, text, what));
    std::string path = text.substr(0, colon), rate = text.substr(colon + 1);
    std::int64_t value = bytes ? WARD_TRY(context(parse_byte_size(rate), "--{} {}", name, text))
                               : WARD_TRY(flag_integer("--" + name, rate));
    if (value < 0) return fail(ErrorKind::invalid_input, fmt::format("--{} {}: a negative value", name, text));
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) return fail_errno(errno, fmt::format("--{} {}", name, text));
    if (!S_ISBLK(st.st_mode))
      return fail(ErrorKind::invalid_input, fmt::format("--{} {}: {} is not a block device", name, text, path));
    devices.push_back({path, static_cast<std::uint64_t>(value)});
  }
  return devices;
}

// The cgroup v1 blkio controller's weight file exists only under CFQ's
// successor BFQ or CFQ; the runtime would fail later without it.
Result<> check_blkio_weight_supported() {
  if (sys::path_exists("/sys/fs/cgroup/blkio") && !sys::path_exists("/sys/fs/cgroup/blkio/blkio.weight"))
    return fail(ErrorKind::unsupported,
                "--blkio-weight: this host's blkio cgroup has no blkio.weight (no I/O scheduler with weights)");
  return {};
}

Result<> apply_cpu_flags(const ParsedArgs& parsed, ResourceLimits& limits, std::vector<std::string>& warnings) {
  if (parsed.has("cpus")) {
    limits.nano_cpus = WARD_TRY(parse_nano_cpus(parsed.value("cpus")));
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (limits.nano_cpus < 10000000 || limits.nano_cpus > cpus * 1000000000LL)
      return fail(ErrorKind::invalid_input,
                  fmt::format("--cpus {}: range of CPUs is from 0.01 to {}.00, as there are only {} CPUs available",
                              parsed.value("cpus"), cpus, cpus));
    if (parsed.has("cpu-period"))
      return fail(ErrorKind::invalid_input, "--cpus: conflicting options: Nano CPUs and CPU Period cannot both be set");
    if (parsed.has("cpu-quota"))
      return fail(ErrorKind::invalid_input, "--cpus: conflicting options: Nano CPUs and CPU Quota cannot both be set");
  }
  if (parsed.has("cpu-shares")) {
    limits.cpu_shares = WARD_TRY(flag_integer("--cpu-shares", parsed.value("cpu-shares")));
    if (limits.cpu_shares < 0)
      return fail(ErrorKind::invalid_input, fmt::format("--cpu-shares {}: cannot be negative", limits.cpu_shares));
    // Docker's daemon adjusts these to the kernel's range, with a warning.
    std::int64_t adjusted = limits.cpu_shares == 0 ? 0 : std::clamp<std::int64_t>(limits.cpu_shares, 2, 262144);
    if (adjusted != limits.cpu_shares)
      warnings.push_back(fmt::format("--cpu-shares {}: changed to the {} allowed, {}", limits.cpu_shares,
                                     adjusted == 2 ? "minimum" : "maximum", adjusted));
    limits.cpu_shares = adjusted;
  }
  if (parsed.has("cpu-period")) {
    limits.cpu_period = WARD_TRY(flag_integer("--cpu-period", parsed.value("cpu-period")));
    if (limits.cpu_period != 0 && (limits.cpu_period < 1000 || limits.cpu_period > 1000000))
      return fail(ErrorKind::invalid_input,
                  fmt::format("--cpu-period {}: CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s "
                              "(i.e. 1000000)",
                              limits.cpu_period));
  }
  if (parsed.has("cpu-quota")) {
    limits.cpu_quota = WARD_TRY(flag_integer("--cpu-quota", parsed.value("cpu-quota")));
    if ((limits.cpu_quota > 0 && limits.cpu_quota < 1000) || limits.cpu_quota < -1)
      return fail(ErrorKind::invalid_input,
                  fmt::format("--cpu-quota {}: CPU cfs quota can not be less than 1ms (i.e. 1000)", limits.cpu_quota));
  }
  if (parsed.has("cpuset-cpus"))
    limits.cpuset_cpus =
        WARD_TRY(parse_cpuset("--cpuset-cpus", parsed.value("cpuset-cpus"), "/sys/devices/system/cpu/online", "cpus"));
  if (parsed.has("cpuset-mems"))
    limits.cpuset_mems =
        WARD_TRY(parse_cpuset("--cpuset-mems", parsed.value("cpuset-mems"), "/sys/devices/system/node/online", "mems"));
  return {};
}

Result<> apply_memory_flags(const ParsedArgs& parsed, ContainerSpec& spec, std::vector<std::string>& warnings) {
  ResourceLimits& limits = spec.resources;
  if (parsed.has("memory-reservation")) {
    limits.memory_reservation =
        WARD_TRY(context(parse_byte_size(parsed.value("memory-reservation")), "--memory-reservation"));
    if (spec.memory > 0 && limits.memory_reservation > spec.memory)
      return fail(ErrorKind::invalid_input,
                  "--memory-reservation: minimum memory limit can not be less than memory reservation limit");
  }
  if (parsed.has("memory-swap")) {
    std::string text = parsed.value("memory-swap");
    limits.memory_swap = text == "-1" ? -1 : WARD_TRY(context(parse_byte_size(text), "--memory-swap"));
    if (spec.memory == 0 && limits.memory_swap != 0)
      return fail(ErrorKind::invalid_input,
                  "--memory-swap: you should always set the memory limit (--memory) when using the memoryswap limit");
    if (limits.memory_swap > 0 && limits.memory_swap < spec.memory)
      return fail(ErrorKind::invalid_input,
                  "--memory-swap: minimum memoryswap limit should be larger than memory limit");
  }
  if (parsed.has("memory-swappiness")) {
    limits.memory_swappiness = WARD_TRY(flag_integer("--memory-swappiness", parsed.value("memory-swappiness")));
    if (limits.memory_swappiness < -1 || limits.memory_swappiness > 100)
      return fail(ErrorKind::invalid_input,
                  fmt::format("--memory-swappiness {}: invalid value: valid memory swappiness range is 0-100",
                              limits.memory_swappiness));
  }
  if (parsed.has("oom-kill-disable")) limits.oom_kill_disable = parsed.flag("oom-kill-disable");
  if (limits.oom_kill_disable && spec.memory == 0)
    warnings.push_back("--oom-kill-disable: disabling the OOM killer without a memory limit (-m) may be dangerous");
  if (parsed.has("oom-score-adj")) {
    std::int64_t adj = WARD_TRY(flag_integer("--oom-score-adj", parsed.value("oom-score-adj")));
    if (adj < -1000 || adj > 1000)
      return fail(ErrorKind::invalid_input,
                  fmt::format("--oom-score-adj {}: invalid value, range for oom score adj is [-1000, 1000]", adj));
    // Below the score ward itself has takes CAP_SYS_RESOURCE on the host,
    // which root in the container's own user namespace never has.
    bool own_user_namespace = spec.userns == ward::engine::UsernsMode::automatic && !spec.privileged;
    if (adj < 0 && own_user_namespace)
      return fail(ErrorKind::invalid_input,
                  fmt::format("--oom-score-adj {}: a negative score needs CAP_SYS_RESOURCE on the host, which root in "
                              "the container's user namespace lacks (--userns host gives it the host's)",
                              adj));
    spec.oom_score_adj = static_cast<int>(adj);
  }
  return {};
}

// --blkio-weight-device DEVICE:WEIGHT..., each weight 10 to 1000 (or 0).
Result<> apply_blkio_weight_device_flag(const ParsedArgs& parsed, ResourceLimits& limits) {
  limits.blkio_weight_device = WARD_TRY(parse_throttle(parsed, "blkio-weight-device", false, "WEIGHT"));
  for (const auto& device : limits.blkio_weight_device)
    if (device.rate != 0 && (device.rate < 10 || device.rate > 1000))
      return fail(
          ErrorKind::invalid_input,
          fmt::format("--blkio-weight-device {}:{}: invalid weight for device (10 to 1000)", device.path, device.rate));
  if (!limits.blkio_weight_device.empty() && sys::path_exists("/sys/fs/cgroup/blkio") &&
      !sys::path_exists("/sys/fs/cgroup/blkio/blkio.weight_device"))
    return fail(ErrorKind::unsupported,
                "--blkio-weight-device: this host's blkio cgroup has no blkio.weight_device (no I/O scheduler with "
                "weights)");
  return {};
}

Result<> apply_blkio_weight_flag(const ParsedArgs& parsed, ResourceLimits& limits) {
  if (!parsed.has("blkio-weight")) return {};
  std::int64_t weight = WARD_TRY(flag_integer("--blkio-weight", parsed.value("blkio-weight")));
  if (weight != 0 && (weight < 10 || weight > 1000))
    return fail(ErrorKind::invalid_input,
                fmt::format("--blkio-weight {}: range of blkio weight is from 10 to 1000", weight));
  if (weight != 0) WARD_TRY(check_blkio_weight_supported());
  limits.blkio_weight = static_cast<std::uint16_t>(weight);
  return {};
}

Result<> apply_block_io_flags(const ParsedArgs& parsed, ResourceLimits& limits) {
  WARD_TRY(apply_blkio_weight_flag(parsed, limits));
  WARD_TRY(apply_blkio_weight_device_flag(parsed, limits));
  limits.device_read_bps = WARD_TRY(parse_throttle(parsed, "device-read-bps", true));
  limits.device_write_bps = WARD_TRY(parse_throttle(parsed, "device-write-bps", true));
  limits.device_read_iops = WARD_TRY(parse_throttle(parsed, "device-read-iops", false));
  limits.device_write_iops = WARD_TRY(parse_throttle(parsed, "device-write-iops", false));
  return {};
}

}  // namespace

Result<> apply_update_flags(const ParsedArgs& parsed, ContainerSpec& spec, std::vector<std::string>& warnings) {
  if (parsed.has("kernel-memory"))
    return fail(ErrorKind::unsupported,
                "--kernel-memory: not supported (kernel memory limits are deprecated, and cgroup v2 has none)");
  for (const char* flag : {"cpu-rt-period", "cpu-rt-runtime"})
    if (parsed.has(flag)) return fail(ErrorKind::unsupported, fmt::format("--{}: not supported yet", flag));
  if (parsed.has("memory")) {
    spec.memory = WARD_TRY(context(parse_byte_size(parsed.value("memory")), "--memory"));
    if (spec.memory < 6 * 1024 * 1024)
      return fail(ErrorKind::invalid_input, "--memory: the minimum memory limit allowed is 6MB");
    // ward's swap default follows the limit; a swap limit given before
    // must still be at least the new limit.
    if (!parsed.has("memory-swap") && spec.resources.memory_swap > 0 && spec.resources.memory_swap < spec.memory)
      return fail(ErrorKind::invalid_input,
                  "--memory: Memory limit should be smaller than already set memoryswap limit, update the memoryswap "
                  "at the same time");
  }
  if (parsed.has("pids-limit")) {
    std::int64_t limit = WARD_TRY(flag_integer("--pids-limit", parsed.value("pids-limit")));
    spec.pids_limit = limit > 0 ? limit : 0;
  }
  WARD_TRY(apply_cpu_flags(parsed, spec.resources, warnings));
  WARD_TRY(apply_memory_flags(parsed, spec, warnings));
  WARD_TRY(apply_blkio_weight_flag(parsed, spec.resources));
  if (parsed.has("restart")) {
    if (spec.auto_remove)
      return fail(ErrorKind::invalid_input,
                  "--restart: Restart policy cannot be updated because AutoRemove is enabled for the container");
    spec.restart = WARD_TRY(context(monitor::parse_restart_policy(parsed.value("restart")), "--restart"));
  }
  return {};
}

Result<std::int64_t> flag_integer(std::string_view flag, std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return fail(ErrorKind::invalid_input, fmt::format("{} {}: not an integer", flag, text));
  return value;
}

Result<> apply_resource_flags(const ParsedArgs& parsed, ContainerSpec& spec, std::vector<std::string>& warnings) {
  std::map<std::string, Ulimit> ulimits;  // the last of a name wins, as Docker's
  for (const auto& text : flag_values(parsed, "ulimit")) {
    auto ulimit = WARD_TRY(parse_ulimit(text));
    ulimits[ulimit.name] = ulimit;
  }
  for (auto& [name, ulimit] : ulimits) spec.ulimits.push_back(ulimit);
  WARD_TRY(apply_cpu_flags(parsed, spec.resources, warnings));
  WARD_TRY(apply_memory_flags(parsed, spec, warnings));
  return apply_block_io_flags(parsed, spec.resources);
}

}  // namespace ward::cli::engine
