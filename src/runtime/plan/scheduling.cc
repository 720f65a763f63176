#include "runtime/plan/scheduling.h"

#include <sched.h>
#include <sys/personality.h>

#include <array>
#include <cerrno>
#include <string_view>

#include "util/sys.h"

namespace ward::runtime {

namespace {

// The kernel's numbers (include/uapi/linux/sched.h); the parser accepts
// exactly these names.
struct Named {
  std::string_view name;
  std::uint64_t value;
};
constexpr std::array<Named, 7> kPolicies = {{{"SCHED_OTHER", 0},
                                             {"SCHED_FIFO", 1},
                                             {"SCHED_RR", 2},
                                             {"SCHED_BATCH", 3},
                                             {"SCHED_ISO", 4},
                                             {"SCHED_IDLE", 5},
                                             {"SCHED_DEADLINE", 6}}};
constexpr std::array<Named, 7> kFlags = {{{"SCHED_FLAG_RESET_ON_FORK", 0x01},
                                          {"SCHED_FLAG_RECLAIM", 0x02},
                                          {"SCHED_FLAG_DL_OVERRUN", 0x04},
                                          {"SCHED_FLAG_KEEP_POLICY", 0x08},
                                          {"SCHED_FLAG_KEEP_PARAMS", 0x10},
                                          {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
                                          {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}}};

template <std::size_t N>
std::uint64_t lookup(const std::array<Named, N>& table, std::string_view name) {
  for (const auto& entry : table)
    if (entry.name == name) return entry.value;
  return 0;
}

constexpr int kIoPrioClassShift = 13;  // IOPRIO_CLASS_SHIFT

}  // namespace

SchedAttr sched_attr_of(const oci::Scheduler& scheduler) {
  SchedAttr attr;
  attr.size = sizeof(SchedAttr);
  attr.sched_policy = static_cast<std::uint32_t>(lookup(kPolicies, scheduler.policy));
  for (const auto& flag : scheduler.flags) attr.sched_flags |= lookup(kFlags, flag);
  attr.sched_nice = scheduler.nice;
  attr.sched_priority = static_cast<std::uint32_t>(scheduler.priority);
  attr.sched_runtime = scheduler.runtime;
  attr.sched_deadline = scheduler.deadline;
  attr.sched_period = scheduler.period;
  return attr;
}

int io_priority_value(const oci::IoPriority& priority) {
  return (priority.io_class << kIoPrioClassShift) | priority.priority;
}

SchedulingPlan plan_scheduling(const oci::Process& process, const oci::Config& config) {
  SchedulingPlan plan;
  if (process.scheduler) {
    plan.set_scheduler = true;
    plan.scheduler = sched_attr_of(*process.scheduler);
  }
  if (process.io_priority) {
    plan.set_io_priority = true;
    plan.io_priority = io_priority_value(*process.io_priority);
  }
  if (config.linux.personality_domain) {
    plan.set_personality = true;
    plan.personality = *config.linux.personality_domain;
  }
  return plan;
}

}  // namespace ward::runtime
