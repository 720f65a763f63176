// How code in the container's init reports a failure without allocating:
// an errno plus a message built in a fixed buffer, later sent to the parent.
#pragma once

#include "util/child_text.h"

namespace ward::runtime {

struct ChildError {
  int code = 0;
  FixedText<3000> text;

  // Records the failure; returns -code (or -1 when there is no errno) so
  // callers can `return err.set(...)`.
  template <class... Parts>
  int set(int errno_value, Parts... parts) noexcept {
    code = errno_value < 0 ? -errno_value : errno_value;
    text.clear();
    (text.add(parts), ...);
    return code != 0 ? -code : -1;
  }
};

}  // namespace ward::runtime
