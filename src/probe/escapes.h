// The escape probes: each tries one way out of (or through) the container
// that SPEC sections 2-3 and the seeds name, and prints one line,
// "escape.NAME=blocked <how>" or "escape.NAME=ESCAPED <how>".  Run by
// `ward-probe` (the program `ward selftest` mounts into its containers)
// and by the test tool `ward-checker escapes`.  libc only, no allocation
// concerns: the probes run as an ordinary program inside the container.
#pragma once

#include <string>

namespace ward::probe {

// Runs every probe in order, printing a line each; the last one (unmask)
// changes the container's own mount table when it gets through.
void run_escape_probes();

// Shared by the probe files.
void report(const char* name, bool escaped, const std::string& how);
std::string errno_name(int e);
void run_kernel_surface_probes();  // escapes_kernel.cc
// A call refused with EPERM without a capability: escaped on any other
// answer but ENOSYS (escapes_kernel.cc).
void report_capability_gate(const char* name, long result, int saved_errno, const char* call);

}  // namespace ward::probe
