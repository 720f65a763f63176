#include "runtime/launch_transaction.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

#include "cgroups/cgroup.h"
#include "runtime/hooks.h"
#include "runtime/shared_mounts.h"
#include "runtime/state.h"
#include "util/log.h"

namespace ward::runtime {

LaunchTransaction::~LaunchTransaction() {
  if (committed_) return;
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // Once the init is gone, nothing mounts there any more.
  if (shared_mounts_ != nullptr) {
    if (auto r = unmount_shared_mounts(*shared_mounts_); !r) log::warning(r.error().what());
  }
  if (pid_ > 0 && !poststop_.empty()) run_hooks_warning_only(poststop_, state_json_, "poststop");
  if (cgroup_ != nullptr) {
    if (auto r = cgroup_->destroy(); !r) log::warning(r.error().what());
  }
  if (store_ != nullptr) (void)store_->remove(id_);
}

void LaunchTransaction::dir_made(const StateStore& store, std::string id) {
  store_ = &store;
  id_ = std::move(id);
}

void LaunchTransaction::cgroup_made(cgroups::Cgroup* cgroup) {
  cgroup_ = cgroup;
}

void LaunchTransaction::mounts_recorded(const SharedMounts* record) {
  shared_mounts_ = record;
}

void LaunchTransaction::process_started(pid_t pid) {
  pid_ = pid;
}

void LaunchTransaction::set_poststop(const std::vector<oci::Hook>& hooks, std::string state_json) {
  poststop_ = hooks;
  state_json_ = std::move(state_json);
}

}  // namespace ward::runtime
