// process.scheduler, process.ioPriority and linux.personality translated
// into the numbers the kernel takes (applied by runtime/child/scheduling.h).
#pragma once

#include <cstdint>

#include "oci/config.h"
#include "runtime/child/scheduling.h"

namespace ward::runtime {

SchedAttr sched_attr_of(const oci::Scheduler& scheduler);
int io_priority_value(const oci::IoPriority& priority);
SchedulingPlan plan_scheduling(const oci::Process& process, const oci::Config& config);

}  // namespace ward::runtime
