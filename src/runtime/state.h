// Container state kept under --root: ROOT/ID/state.json (written atomically
// by rename) and ROOT/ID/exec.fifo while the container is "created".  The
// container directory is flock()ed by whoever changes it; a directory with a
// lock nobody holds and no state.json is the remains of a killed `create`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/config.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::runtime {

enum class Status { creating, created, running, paused, stopped };
const char* status_name(Status status);

struct ContainerState {
  std::string id;
  std::string oci_version;  // of the container's config
  pid_t pid = 0;
  std::uint64_t pid_start_time = 0;  // tells the init from a process that reused its pid
  std::string bundle;
  std::string rootfs;
  std::string created;  // RFC 3339, UTC, nanoseconds
  std::string owner;
  std::map<std::string, std::string> annotations;
  std::vector<oci::Hook> poststart_hooks, poststop_hooks;
  bool private_pid_namespace = false;
};

// The OCI state document given to hooks and printed by `state`.
[[nodiscard]] std::string oci_state_json(const ContainerState& state, Status status, bool pretty);

// Ids as runc accepts them: [A-Za-z0-9_+.-], not "." or "..".
[[nodiscard]] Result<> validate_container_id(const std::string& id);

// Where ward-oci keeps container state unless --root says otherwise, as
// runc decides it: /run/ward-oci for root; $XDG_RUNTIME_DIR/ward-oci for
// an unprivileged user, and for "root" in a user namespace a rootless
// engine made (podman runs its runtime there) unless $USER is root.
[[nodiscard]] std::string default_state_root();

class StateStore {
 public:
  explicit StateStore(std::string root) : root_(std::move(root)) {}

  [[nodiscard]] const std::string& root() const { return root_; }
  [[nodiscard]] std::string dir(const std::string& id) const { return root_ + "/" + id; }
  [[nodiscard]] std::string fifo(const std::string& id) const { return dir(id) + "/exec.fifo"; }

  // Makes ROOT/ID exclusively and locks it; fails if the id is taken.
  [[nodiscard]] Result<UniqueFd> create_dir(const std::string& id) const;
  // Locks ROOT/ID (blocking); fails if no such container.
  [[nodiscard]] Result<UniqueFd> lock(const std::string& id) const;
  [[nodiscard]] Result<ContainerState> load(const std::string& id) const;
  [[nodiscard]] Result<> save(const ContainerState& state) const;
  [[nodiscard]] Result<> remove(const std::string& id) const;
  // The cgroup directories a container owns, one per line in ID/cgroups:
  // written before they are made, so a killed create can be cleaned up.
  [[nodiscard]] Result<> save_cgroups(const std::string& id, const std::string& text) const;
  [[nodiscard]] std::string load_cgroups(const std::string& id) const;
  // A container without a mount namespace of its own: what `delete` must
  // unmount (runtime/shared_mounts.h), in ID/mounts, written before its
  // init mounts anything.  Empty when there is none.
  [[nodiscard]] Result<> save_mount_record(const std::string& id, const std::string& text) const;
  [[nodiscard]] std::string load_mount_record(const std::string& id) const;
  [[nodiscard]] Result<std::vector<std::string>> ids() const;
  // Who owns the container, as runc's `list` tells it: the name in
  // /etc/passwd of the user owning ROOT/ID, "#UID" if it has none.
  [[nodiscard]] std::string owner(const std::string& id) const;
  // True while another process holds the container's lock (a create in progress).
  [[nodiscard]] bool locked_by_other(const std::string& id) const;

 private:
  std::string root_;
};

// The status of a container as the kernel sees it now.
[[nodiscard]] Status current_status(const StateStore& store, const ContainerState& state);
// A pidfd of the container's init if it is still the same process.
[[nodiscard]] Result<UniqueFd> open_init(const ContainerState& state);

}  // namespace ward::runtime
