// The "process" object of config.json, which is also the whole of a
// process.json given to `ward-oci exec --process`.
#include <linux/ioprio.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "oci/config.h"
#include "oci/config_sections.h"
#include "util/json_reader.h"
#include "oci/capability_names.h"

namespace ward::oci::detail {

namespace {

using json::Node;

struct NamedNumber {
  std::string_view name;
  int number;
};

constexpr std::array kResourceLimits = {
    NamedNumber{"RLIMIT_CPU", RLIMIT_CPU},
    NamedNumber{"RLIMIT_FSIZE", RLIMIT_FSIZE},
    NamedNumber{"RLIMIT_DATA", RLIMIT_DATA},
    NamedNumber{"RLIMIT_STACK", RLIMIT_STACK},
    NamedNumber{"RLIMIT_CORE", RLIMIT_CORE},
    NamedNumber{"RLIMIT_RSS", RLIMIT_RSS},
    NamedNumber{"RLIMIT_NPROC", RLIMIT_NPROC},
    NamedNumber{"RLIMIT_NOFILE", RLIMIT_NOFILE},
    NamedNumber{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    NamedNumber{"RLIMIT_AS", RLIMIT_AS},
    NamedNumber{"RLIMIT_LOCKS", RLIMIT_LOCKS},
    NamedNumber{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    NamedNumber{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    NamedNumber{"RLIMIT_NICE", RLIMIT_NICE},
    NamedNumber{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    NamedNumber{"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

constexpr std::array kIoPriorityClasses = {
    NamedNumber{"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    NamedNumber{"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    NamedNumber{"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
};

constexpr std::array<std::string_view, 7> kSchedulerPolicies = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
};

constexpr std::array<std::string_view, 7> kSchedulerFlags = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",         "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS",     "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};

template <std::size_t N>
const NamedNumber* find_named(const std::array<NamedNumber, N>& table, std::string_view name) {
  auto found = std::find_if(table.begin(), table.end(), [&](const NamedNumber& entry) { return entry.name == name; });
  return found == table.end() ? nullptr : &*found;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

Result<ConsoleSize> parse_console_size(const Node& node) {
  WARD_TRY(node.expect_object());
  ConsoleSize size;
  for (auto [key, out] : {std::pair{"height", &size.height}, std::pair{"width", &size.width}}) {
    auto value = WARD_TRY(node.required<unsigned>(key));
    // A terminal's window size is two 16-bit numbers (struct winsize).
    if (value > 0xffff) return fail(fmt::format("{}: {} is out of range (0 to 65535)", node.member_path(key), value));
    *out = value;
  }
  return size;
}

Result<User> parse_user(const Node& node) {
  WARD_TRY(node.expect_object());
  User user;
  WARD_TRY(node.read("uid", user.uid));
  WARD_TRY(node.read("gid", user.gid));
  WARD_TRY(node.read("umask", user.umask));
  if (user.umask && *user.umask > 0777)
    return fail(fmt::format("{}: {:#o} is not a file mode mask (0 to 0777)", node.member_path("umask"), *user.umask));
  WARD_TRY(node.read_array("additionalGids", user.additional_gids,
                           [](const Node& element) { return element.as<gid_t>(); }));
  WARD_TRY(node.read("username", user.username));
  return user;
}

Result<std::vector<int>> parse_capability_set(const Node& node) {
  std::vector<int> set;
  WARD_TRY(node.expect_array());
  for (std::size_t i = 0; i < node.size(); ++i) {
    Node element = node.element(i);
    auto name = WARD_TRY(element.as<std::string>());
    auto number = capability_from_name(name);
    if (!number) return element.error(fmt::format("unknown capability \"{}\"", name));
    set.push_back(*number);
  }
  return set;
}

Result<Capabilities> parse_capabilities(const Node& node) {
  WARD_TRY(node.expect_object());
  Capabilities capabilities;
  const std::pair<const char*, std::vector<int>*> sets[] = {
      {"bounding", &capabilities.bounding},       {"effective", &capabilities.effective},
      {"inheritable", &capabilities.inheritable}, {"permitted", &capabilities.permitted},
      {"ambient", &capabilities.ambient},
  };
  for (const auto& [key, out] : sets) {
    auto member = node.find(key);
    if (!member) continue;
    auto set = WARD_TRY(parse_capability_set(*member));
    *out = std::move(set);
  }
  return capabilities;
}

Result<Rlimit> parse_rlimit(const Node& node) {
  WARD_TRY(node.expect_object());
  Rlimit limit;
  auto type = WARD_TRY(node.require("type"));
  auto name = WARD_TRY(type.as<std::string>());
  const NamedNumber* known = find_named(kResourceLimits, name);
  if (known == nullptr) return type.error(fmt::format("unknown resource limit \"{}\"", name));
  limit.resource = known->number;
  limit.name = std::move(name);
  auto soft = WARD_TRY(node.required<std::uint64_t>("soft"));
  auto hard = WARD_TRY(node.required<std::uint64_t>("hard"));
  // setrlimit(2) would refuse this with a bare EINVAL inside the container.
  if (soft > hard) return node.error(fmt::format("soft limit {} is above the hard limit {}", soft, hard));
  limit.soft = soft;
  limit.hard = hard;
  return limit;
}

Result<std::vector<Rlimit>> parse_rlimits(const Node& process) {
  std::vector<Rlimit> limits;
  WARD_TRY(process.read_array("rlimits", limits, parse_rlimit));
  for (std::size_t i = 0; i < limits.size(); ++i) {
    for (std::size_t earlier = 0; earlier < i; ++earlier) {
      if (limits[earlier].resource == limits[i].resource)
        return fail(fmt::format("{}[{}].type: duplicate resource limit \"{}\"", process.member_path("rlimits"), i,
                                limits[i].name));
    }
  }
  return limits;
}

Result<IoPriority> parse_io_priority(const Node& node) {
  WARD_TRY(node.expect_object());
  IoPriority priority;
  auto class_node = WARD_TRY(node.require("class"));
  auto class_name = WARD_TRY(class_node.as<std::string>());
  const NamedNumber* known = find_named(kIoPriorityClasses, class_name);
  if (known == nullptr) return class_node.error(fmt::format("unknown I/O priority class \"{}\"", class_name));
  priority.io_class = known->number;
  WARD_TRY(node.read("priority", priority.priority));
  if (priority.priority < 0 || priority.priority > 7)
    return fail(fmt::format("{}: {} is out of range (0 to 7)", node.member_path("priority"), priority.priority));
  return priority;
}

Result<Scheduler> parse_scheduler(const Node& node) {
  WARD_TRY(node.expect_object());
  Scheduler scheduler;
  auto policy_node = WARD_TRY(node.require("policy"));
  auto policy = WARD_TRY(policy_node.as<std::string>());
  if (!contains(kSchedulerPolicies, policy))
    return policy_node.error(fmt::format("unknown scheduling policy \"{}\"", policy));
  scheduler.policy = std::move(policy);
  WARD_TRY(node.read("nice", scheduler.nice));
  WARD_TRY(node.read("priority", scheduler.priority));
  WARD_TRY(node.read("runtime", scheduler.runtime));
  WARD_TRY(node.read("deadline", scheduler.deadline));
  WARD_TRY(node.read("period", scheduler.period));
  WARD_TRY(node.read("flags", scheduler.flags));
  for (std::size_t i = 0; i < scheduler.flags.size(); ++i) {
    if (!contains(kSchedulerFlags, scheduler.flags[i]))
      return fail(fmt::format("{}[{}]: unknown scheduler flag \"{}\"", node.member_path("flags"), i,
                              scheduler.flags[i]));
  }

  // The combinations sched_setattr(2) refuses, caught here with a message.
  if (scheduler.nice < -20 || scheduler.nice > 19)
    return fail(fmt::format("{}: {} is out of range (-20 to 19)", node.member_path("nice"), scheduler.nice));
  bool realtime = scheduler.policy == "SCHED_FIFO" || scheduler.policy == "SCHED_RR";
  if (realtime && (scheduler.priority < 1 || scheduler.priority > 99))
    return fail(fmt::format("{}: {} is out of range for {} (1 to 99)", node.member_path("priority"),
                            scheduler.priority, scheduler.policy));
  if (!realtime && scheduler.priority != 0)
    return fail(fmt::format("{}: must be 0 for {}", node.member_path("priority"), scheduler.policy));
  bool deadline = scheduler.policy == "SCHED_DEADLINE";
  if (!deadline && (scheduler.runtime != 0 || scheduler.deadline != 0 || scheduler.period != 0))
    return node.error(fmt::format("runtime, deadline and period apply only to SCHED_DEADLINE, not {}",
                                  scheduler.policy));
  return scheduler;
}

// runc refuses the same entries when it builds the environment.
Result<> validate_environment(const Node& process, const std::vector<std::string>& env) {
  for (std::size_t i = 0; i < env.size(); ++i) {
    std::size_t equals = env[i].find('=');
    if (equals == std::string::npos || equals == 0)
      return fail(fmt::format("{}[{}]: \"{}\" is not of the form NAME=VALUE", process.member_path("env"), i, env[i]));
  }
  return {};
}

}  // namespace

Result<Process> parse_process_object(const Node& node) {
  WARD_TRY(node.expect_object());
  Process process;
  WARD_TRY(node.read("terminal", process.terminal));
  if (auto console_size = node.find("consoleSize")) {
    auto size = WARD_TRY(parse_console_size(*console_size));
    process.console_size = size;
  }
  if (auto user = node.find("user")) {
    process.user = WARD_TRY(parse_user(*user));
  }

  WARD_TRY(node.read("args", process.args));
  if (process.args.empty()) return fail(fmt::format("{}: must not be empty", node.member_path("args")));
  if (process.args.front().empty()) return fail(fmt::format("{}[0]: must not be empty", node.member_path("args")));
  WARD_TRY(node.read("env", process.env));
  WARD_TRY(validate_environment(node, process.env));

  auto cwd_node = WARD_TRY(node.require("cwd"));
  auto cwd = WARD_TRY(cwd_node.as<std::string>());
  if (!is_absolute(cwd)) return cwd_node.error(fmt::format("must be an absolute path, got \"{}\"", cwd));
  process.cwd = std::move(cwd);

  if (auto capabilities = node.find("capabilities")) {
    process.capabilities = WARD_TRY(parse_capabilities(*capabilities));
  }
  process.rlimits = WARD_TRY(parse_rlimits(node));

  WARD_TRY(node.read("noNewPrivileges", process.no_new_privileges));
  WARD_TRY(node.read("apparmorProfile", process.apparmor_profile));
  WARD_TRY(node.read("oomScoreAdj", process.oom_score_adj));
  if (process.oom_score_adj && (*process.oom_score_adj < -1000 || *process.oom_score_adj > 1000))
    return fail(fmt::format("{}: {} is out of range (-1000 to 1000)", node.member_path("oomScoreAdj"),
                            *process.oom_score_adj));
  WARD_TRY(node.read("selinuxLabel", process.selinux_label));
  if (auto io_priority = node.find("ioPriority")) {
    auto parsed = WARD_TRY(parse_io_priority(*io_priority));
    process.io_priority = parsed;
  }
  if (auto scheduler = node.find("scheduler")) {
    process.scheduler = WARD_TRY(parse_scheduler(*scheduler));
  }
  if (auto landlock = node.find("landlock")) {
    process.landlock = WARD_TRY(parse_landlock(*landlock));
  }
  return process;
}

}  // namespace ward::oci::detail
