// The runtime's operations, one per ward-oci verb.  Front ends parse flags
// into these option structs and print the errors they return.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runtime/state.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::runtime {

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;  // keep the caller's session keyring
  int preserve_fds = 0;
  // For an engine that calls the runtime in-process (src/engine): the
  // config it built, used instead of reading <bundle>/config.json, and
  // a detached mount (fsmount/open_tree) the init attaches at root.path
  // in its own mount namespace instead of bind-mounting root.path, so the
  // rootfs is never visible on the host and goes with the container.
  // Neither is owned; both must outlive create/run.
  const oci::Config* config = nullptr;
  int rootfs_mount_fd = -1;
};

struct ExecOptions {
  std::string id;
  std::string process_file;        // --process: a process.json; else the config's process and the flags
  std::vector<std::string> args;   // the command (without --process)
  bool tty = false;
  bool detach = false;
  std::string console_socket, pid_file, cwd, user;  // user: "UID[:GID]"
  std::vector<std::string> env;    // added to (or replacing) the config's
  std::vector<std::string> caps;   // added to bounding, effective and permitted
  bool no_new_privs = false;
  int preserve_fds = 0;
  std::string apparmor_profile;  // --apparmor: overrides the process's profile
  std::string process_label;     // --process-label: overrides its SELinux label
};

struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;  // do not delete the container after it exits
  // Called once the container runs (its process was let exec), before
  // waiting for it: an engine records the start here.
  std::function<void(const ContainerState&)> on_started;
};

class Runtime {
 public:
  explicit Runtime(std::string root) : store_(std::move(root)) {}

  [[nodiscard]] Result<> create(const CreateOptions& options);
  [[nodiscard]] Result<> start(const std::string& id);
  // Foreground: returns the container's exit status (128+N when killed by
  // signal N).  Detached: returns 0 once the container is running.
  [[nodiscard]] Result<int> run(const RunOptions& options);
  [[nodiscard]] Result<std::string> state(const std::string& id);
  [[nodiscard]] Result<> kill(const std::string& id, int signal, bool all);
  [[nodiscard]] Result<> remove(const std::string& id, bool force);
  // Runs a process in a running container.  Foreground: returns its exit
  // status (128+N when killed by signal N); detached: 0 once it runs.
  [[nodiscard]] Result<int> exec(const ExecOptions& options);
  // Changes the cgroup limits of a created, running or paused container.
  [[nodiscard]] Result<> update(const std::string& id, const oci::Resources& resources);
  // runc's `events --stats` document for the container (JSON).
  [[nodiscard]] Result<std::string> stats(const std::string& id);
  // runc's `events` stream: a stats document at once and every
  // `interval_ms`, an {"type":"oom"} line at every OOM in the container's
  // cgroup, each handed to `emit` as one JSON line, until the container
  // stops (its init exits) or its cgroup is removed.
  [[nodiscard]] Result<> events(const std::string& id, int interval_ms,
                                const std::function<void(const std::string&)>& emit);
  // Freezes or thaws every process of a running container (its cgroup).
  [[nodiscard]] Result<> pause(const std::string& id);
  [[nodiscard]] Result<> resume(const std::string& id);
  // How many processes the OOM killer killed in the container's cgroup,
  // also after its init exited (until it is deleted).
  [[nodiscard]] Result<std::uint64_t> oom_kills(const std::string& id);
  // The host pids of the container's processes.
  [[nodiscard]] Result<std::vector<pid_t>> pids(const std::string& id);

  struct Summary {
    ContainerState state;
    Status status;
  };
  [[nodiscard]] Result<std::vector<Summary>> list();

  [[nodiscard]] const StateStore& store() const { return store_; }

 private:
  // A container's state under its lock, with its current status: the
  // preamble of every verb that changes a container.
  struct Locked {
    UniqueFd lock;
    ContainerState state;
    Status status;
  };
  [[nodiscard]] Result<Locked> open_locked(const std::string& id);
  // pause (freeze) or resume (thaw) the container's cgroup.
  [[nodiscard]] Result<> set_paused(const std::string& id, bool paused);

  StateStore store_;
};

}  // namespace ward::runtime
