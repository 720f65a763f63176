// Out-of-memory notifications of a container's cgroup, for `events`.
//
//  * cgroup v1: an eventfd registered through cgroup.event_control on
//    memory.oom_control; the kernel signals it at every OOM in the cgroup,
//    and once more when the cgroup is removed.
//  * cgroup v2: inotify on memory.events (and cgroup.events); an event is
//    reported when its "oom" or "oom_kill" counter rises.  The kernel
//    delivers those notifications late (from a work queue), so every check
//    re-reads the counters instead of trusting the wake-up alone.
//
// The watcher's fd is non-blocking and pollable; the owner polls it (with
// whatever else it waits for) and calls check() when it is readable, and
// once more before giving up, to drain what is pending.
#pragma once

#include <cstdint>
#include <string>

#include "cgroups/cgroup.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::cgroups {

// The two counters of v2 memory.events that mean "an OOM happened".
struct OomCounters {
  std::uint64_t oom = 0;       // times the cgroup hit its limit and the OOM killer was asked
  std::uint64_t oom_kill = 0;  // processes the OOM killer killed in the cgroup
};

// memory.events text ("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n...").
[[nodiscard]] OomCounters parse_memory_events(const std::string& text);

class OomWatcher {
 public:
  // v1 when the memory controller is mounted as v1 for this cgroup, else v2
  // (the unified directory's memory.events).  Errors say why neither works.
  [[nodiscard]] static Result<OomWatcher> open(const Cgroup& cgroup);
  // The backends on a given directory: a v1 memory cgroup, or a v2 cgroup
  // (only memory.events must exist; cgroup.events is watched when present).
  [[nodiscard]] static Result<OomWatcher> open_v1(const std::string& memory_directory);
  [[nodiscard]] static Result<OomWatcher> open_v2(const std::string& directory);

  // Poll for POLLIN.
  [[nodiscard]] int fd() const { return fd_.get(); }
  // Consumes pending notifications: true when an OOM happened since the
  // last check.  Never blocks.
  [[nodiscard]] Result<bool> check();
  // The cgroup is gone (v1: removed; v2: removed or no process left).
  [[nodiscard]] bool ended() const { return ended_; }

 private:
  OomWatcher() = default;
  [[nodiscard]] Result<bool> check_v1();
  [[nodiscard]] Result<bool> check_v2();

  bool v2_ = false;
  bool ended_ = false;
  UniqueFd fd_;               // v1: the eventfd; v2: the inotify instance
  UniqueFd oom_control_;      // v1: kept open while the eventfd is registered
  std::string directory_;     // the cgroup directory
  int memory_events_watch_ = -1, cgroup_events_watch_ = -1;
  OomCounters seen_;          // v2: the highest counters read so far
};

}  // namespace ward::cgroups
