// Internal to src/audit/selftest: ward's own stdout and stderr pointed at
// two memory files for as long as it lives, so that a container run in the
// foreground (Engine::run_attached, which gives the container ward's
// stdio) writes there; put back on destruction or restore().
#pragma once

#include <string>
#include <utility>

#include "util/error.h"
#include "util/fd.h"

namespace ward::audit::selftest {

class StdioCapture {
 public:
  [[nodiscard]] static Result<StdioCapture> install();
  StdioCapture(StdioCapture&&) noexcept = default;
  StdioCapture& operator=(StdioCapture&&) = delete;
  StdioCapture(const StdioCapture&) = delete;
  ~StdioCapture() { restore(); }

  // Puts ward's stdout and stderr back (once).
  void restore();
  // What was written to each so far.
  [[nodiscard]] Result<std::string> out() const { return read_all(out_.get()); }
  [[nodiscard]] Result<std::string> err() const { return read_all(err_.get()); }

 private:
  StdioCapture() = default;
  [[nodiscard]] static Result<std::string> read_all(int fd);

  UniqueFd out_, err_;              // the memory files
  UniqueFd saved_out_, saved_err_;  // ward's own stdout and stderr
};

}  // namespace ward::audit::selftest
