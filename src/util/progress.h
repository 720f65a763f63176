// Progress of a long operation (load, save, pull, push), as the library
// sees it: items (a layer, a blob) that start, advance and end.  The
// library reports; a front end draws it (cli/core/terminal_progress.h on a
// terminal) or passes no observer at all when its output is piped, so
// that nothing is printed for a script.
#pragma once

#include <cstdint>
#include <string_view>

namespace ward {

class Progress {
 public:
  virtual ~Progress() = default;
  // An item starts: `id` names it ("a3ed95caeb02", a short digest or a
  // file name), `action` says what happens ("Loading layer"), `total` is
  // its size in bytes (0 when unknown).
  virtual void begin(std::string_view id, std::string_view action, std::uint64_t total) = 0;
  // `done` of its bytes are through.
  virtual void advance(std::string_view id, std::uint64_t done) = 0;
  // It ended: `status` says how ("Loaded", "Already exists").
  virtual void end(std::string_view id, std::string_view status) = 0;
};

}  // namespace ward
