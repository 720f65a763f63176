// The control of structure.child_calls: a "child" entry point that
// allocates.  child_calls.sh must reject it (the test expects the failure
// and the name of operator new in its output).
#include <string>

namespace ward::structure_control {

[[noreturn]] void container_init_that_allocates(const char* text) noexcept;

std::string* volatile kept;

[[noreturn]] void container_init_that_allocates(const char* text) noexcept {
  kept = new std::string(text);
  __builtin_trap();
}

}  // namespace ward::structure_control
