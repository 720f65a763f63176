// process.scheduler, process.ioPriority and linux.personality as the kernel
// takes them (planned by runtime/plan/scheduling.h), applied by the init
// (and by an exec'd process) before it reports READY, so a refusal fails
// `create` or `exec` with the field's name.
#pragma once

#include <cstdint>

namespace ward::runtime {

// sched_setattr(2)'s struct sched_attr (linux/sched/types.h), the fields
// up to sched_period (SCHED_ATTR_SIZE_VER0).
struct SchedAttr {
  std::uint32_t size = 0;
  std::uint32_t sched_policy = 0;
  std::uint64_t sched_flags = 0;
  std::int32_t sched_nice = 0;
  std::uint32_t sched_priority = 0;
  std::uint64_t sched_runtime = 0;
  std::uint64_t sched_deadline = 0;
  std::uint64_t sched_period = 0;
};
static_assert(sizeof(SchedAttr) == 48, "SCHED_ATTR_SIZE_VER0");

struct SchedulingPlan {
  bool set_scheduler = false;
  SchedAttr scheduler;
  bool set_io_priority = false;
  int io_priority = 0;  // IOPRIO_PRIO_VALUE(class, level)
  bool set_personality = false;
  unsigned long personality = 0;
};

namespace raw {
// In the child: applies the plan; on failure returns -errno and points
// `field` at the config field that failed.
int apply_scheduling(const SchedulingPlan& plan, const char** field) noexcept;
}  // namespace raw

}  // namespace ward::runtime
