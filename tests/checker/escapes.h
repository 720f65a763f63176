// `ward-checker escapes`: attempts each escape SPEC section 2 lists.
#pragma once

#include <string>

int run_escape_probes();

// Shared by the probe files.
namespace ward::checker {
void report(const char* name, bool escaped, const std::string& how);
std::string errno_name(int e);
void run_kernel_surface_probes();  // escapes_kernel.cc
}  // namespace ward::checker
