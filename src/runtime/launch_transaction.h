// Internal to src/runtime: the one rollback of a launch, shared by create
// (and run) and exec.  Each step that makes something tells the transaction;
// unless committed, its destructor undoes what was made, last made first:
// kills and reaps the process, unmounts what a container without a mount
// namespace mounted, runs the poststop hooks once an init existed, removes
// the cgroup and the state directory.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/config.h"

namespace ward::cgroups {
class Cgroup;
}

namespace ward::runtime {

class StateStore;
struct SharedMounts;

class LaunchTransaction {
 public:
  LaunchTransaction() = default;
  LaunchTransaction(const LaunchTransaction&) = delete;
  LaunchTransaction& operator=(const LaunchTransaction&) = delete;
  ~LaunchTransaction();

  // create: the container's state directory exists.
  void dir_made(const StateStore& store, std::string id);
  // create: the cgroup was made (or recorded as made) and must be removed.
  void cgroup_made(cgroups::Cgroup* cgroup);
  // create, without a mount namespace: the mounts to undo.
  void mounts_recorded(const SharedMounts* record);
  // create and exec: the cloned process (the init, or the exec'd process).
  // It is this process's child (the stage clones the init with
  // CLONE_PARENT), so its pid cannot be reused before it is reaped here:
  // the pid is signalled, no pidfd is needed, and it does not matter
  // whether the caller's pidfd is closed before the rollback runs.
  void process_started(pid_t pid);
  // create: the hooks to run, with this state, once the init existed.
  void set_poststop(const std::vector<oci::Hook>& hooks, std::string state_json);
  // The launch succeeded: undo nothing.
  void commit() { committed_ = true; }

 private:
  const StateStore* store_ = nullptr;
  std::string id_;
  bool committed_ = false;
  cgroups::Cgroup* cgroup_ = nullptr;
  const SharedMounts* shared_mounts_ = nullptr;
  pid_t pid_ = 0;
  std::vector<oci::Hook> poststop_;
  std::string state_json_;
};

}  // namespace ward::runtime
