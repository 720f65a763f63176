#include "runtime/child/scheduling.h"

#include <sys/personality.h>

#include <cerrno>

#include "util/sys.h"

namespace ward::runtime {

namespace {
constexpr int kIoPrioWhoProcess = 1;  // IOPRIO_WHO_PROCESS
}  // namespace

namespace raw {

int apply_scheduling(const SchedulingPlan& plan, const char** field) noexcept {
  if (plan.set_personality) {
    // personality(2) returns the previous persona; only -1 is a failure.
    if (::personality(plan.personality) == -1) {
      *field = "linux.personality";
      return -errno;
    }
  }
  if (plan.set_io_priority) {
    if (int r = sys::raw::ioprio_set(kIoPrioWhoProcess, 0, plan.io_priority); r < 0) {
      *field = "process.ioPriority";
      return r;
    }
  }
  if (plan.set_scheduler) {
    if (int r = sys::raw::sched_setattr(0, &plan.scheduler, 0); r < 0) {
      *field = "process.scheduler";
      return r;
    }
  }
  return 0;
}

}  // namespace raw

}  // namespace ward::runtime
