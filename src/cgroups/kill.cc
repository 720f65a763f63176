// `kill --all`: every process of a container's cgroup, by cgroup.kill or
// by a frozen list of pids.
#include <signal.h>

#include "cgroups/cgroup.h"
#include "util/sys.h"

namespace ward::cgroups {

std::string Cgroup::kill_file(int signal) const {
  if (signal != SIGKILL) return "";  // cgroup.kill knows no other signal
  for (const auto& dir : directories_)
    if (dir.hierarchy.unified && sys::path_exists(dir.path + "/cgroup.kill")) return dir.path + "/cgroup.kill";
  return "";
}

Result<> Cgroup::signal_all(int signal, pid_t except) const {
  if (auto file = kill_file(signal); !file.empty()) return sys::write_file(file, "1");
  // A paused container stays paused; a running one is frozen only while
  // its list is read and signalled.
  bool was_frozen = frozen();
  bool froze = !was_frozen && freeze().has_value();
  auto pids_result = pids();
  if (pids_result) {
    for (pid_t pid : *pids_result)
      if (pid != except) ::kill(pid, signal);
  }
  if (!was_frozen) {
    // Thawed even after a failed freeze, which may have stopped half-way;
    // without a freezer at all there is nothing to undo.
    auto thawed = thaw();
    if (!thawed && froze) return thawed;
  }
  if (!pids_result) return std::unexpected(pids_result.error());
  return {};
}

}  // namespace ward::cgroups
