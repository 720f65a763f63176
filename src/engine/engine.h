// The daemonless engine (ENGINE.md): containers made from the store's
// images and run by the runtime library in-process.  Each command opens
// an Engine, does its work and exits; the database and the run directory
// are all the state there is.
//
// Where a container's things live:
//   <store>/containers/<id>/upper, work   its overlay's writable layer
//   <run>/containers/<id>/                its bundle: config.json, the
//                                         rootfs mount point, hostname,
//                                         hosts, resolv.conf (mode 0711,
//                                         so the container's root can
//                                         reach what is bound in)
//   <run>/runtime/<id>/                   the runtime's state
// <run> is /run/ward (a tmpfs: after a reboot every container has exited).
// The rootfs overlay is made detached and attached only inside the
// container's mount namespace, so no host mount can leak.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/container_rows.h"
#include "engine/container_spec.h"
#include "engine/container_usage.h"
#include "engine/health.h"
#include "engine/launch.h"
#include "engine/monitor/start_report.h"
#include "engine/userns.h"
#include "image/store.h"
#include "runtime/container.h"
#include "util/error.h"

namespace ward::engine {

struct CreateRequest {
  ContainerSpec spec;  // the flags; the image's defaults are merged in
  std::string name;    // "" for a generated one
  bool entrypoint_given = false;
  bool command_given = false;
};

// A path a container changed (`ward diff`), as Docker prints it: C, A, D.
enum class ChangeKind : char { changed = 'C', added = 'A', deleted = 'D' };
struct Change {
  ChangeKind kind;
  std::string path;  // absolute, in the container
};

// `ward exec`'s request: the command and what differs from the
// container's own process.
struct ExecRequest {
  std::vector<std::string> args;
  bool interactive = false;  // -i: ward's stdin, else /dev/null
  bool tty = false;
  bool detach = false;
  bool privileged = false;       // every capability
  std::string user;              // as --user; "" keeps the container's
  std::string working_dir;       // "" keeps the container's
  std::vector<std::string> env;  // KEY=VALUE, over the container's
};

// `ward cp`'s flags.
struct CopyOptions {
  bool archive = false;      // -a: keep uid/gid (shifted into or out of the container's range)
  bool follow_link = false;  // -L: follow a symlink at the source
};

// `ward commit`'s request: what the new image says besides the layer.
struct CommitRequest {
  std::string author;                // -a
  std::string comment;               // -m
  std::vector<std::string> changes;  // -c: Dockerfile instructions (image/config_change.h)
  std::string reference;             // REPO[:TAG]; "" leaves it untagged
  bool pause = true;                 // freeze a running container meanwhile
};

// `ward attach`'s request.
struct AttachRequest {
  bool stdin = true;        // pass this process's stdin (when the container has -i)
  std::string detach_keys;  // the bytes (parse_detach_keys) that detach; "" for none
  bool sig_proxy = true;    // forward this process's signals (no terminal)
};

// How an attach ended: the container stopped with `exit_code`, or the
// detach keys were typed and it runs on.
struct AttachOutcome {
  bool detached = false;
  int exit_code = 0;
};

// Makes `store` refuse to remove an image a container uses (the
// containers table answers Store's ImageUsersQuery).
void watch_image_users(image::Store& store);

class Engine {
 public:
  // The engine over the store at `store_root`, its run state under
  // `run_root` ("" for the default).
  [[nodiscard]] static Result<Engine> open(const std::string& store_root, const std::string& run_root = "");

  [[nodiscard]] image::Store& store() { return store_; }
  [[nodiscard]] const std::string& run_root() const { return run_root_; }

  // Records a new container and makes its directories; nothing is left
  // when it fails.  The image is resolved (the built-in busybox made on
  // first use).
  [[nodiscard]] Result<ContainerRecord> create(CreateRequest request);
  // Starts the container and waits for it in the foreground (stdio
  // attached, signals forwarded, a terminal relayed with -t); records its
  // exit and, with --rm, removes it.  Returns its exit status.
  [[nodiscard]] Result<int> run_attached(const ContainerRecord& container);
  // Starts the container under a monitor of its own (ward-monitor, beside
  // this program), which holds its output, records its exit and restarts
  // it; returns once the start is recorded, or with why it failed.
  [[nodiscard]] Result<> start_detached(const ContainerRecord& container);
  // A monitor's restart (`ward monitor-start`): creates and starts the
  // container with this process's stdio, and writes the start's report
  // (engine/monitor/start_report.h) to `report_fd`.
  [[nodiscard]] Result<> start_for_monitor(const ContainerRecord& container, int report_fd);
  // For the monitor when the container's init has ended (`ward
  // monitor-exit`): records the exit (and an OOM kill), deletes the
  // runtime's state, cgroup and bundle, and applies the restart policy:
  // true when the container is to be restarted (recorded restarting);
  // else a --rm container is removed.
  [[nodiscard]] Result<bool> finish_monitored(const std::string& id, int exit_code);
  // Sends the stop signal (--stop-signal, SIGTERM), then SIGKILL after
  // `timeout_seconds` (nullopt: --stop-timeout, or 10); returns once the
  // exit is recorded.  A container that does not run is fine.  The
  // container is not restarted (its policy notwithstanding).
  [[nodiscard]] Result<> stop(const ContainerRecord& container, std::optional<int> timeout_seconds);
  // Sends `signal` to a running container's init (wrong_state otherwise);
  // as Docker's kill, it then counts as stopped by the user.
  [[nodiscard]] Result<> kill(const ContainerRecord& container, int signal);
  // Runs a process in a running container (wrong_state otherwise), in its
  // namespaces, cgroup and confinement: its exit status in the
  // foreground, 0 once it runs with `detach`.
  [[nodiscard]] Result<int> exec(const ContainerRecord& container, const ExecRequest& request);
  // Attaches this process's stdio to a running detached container through
  // its monitor (engine/monitor/attach_server.h): output is copied here,
  // stdin (and a terminal's size) goes there, until the container stops
  // or the detach keys are typed.
  [[nodiscard]] Result<AttachOutcome> attach(const ContainerRecord& container, const AttachRequest& request);
  // Freezes every process of a running container (its cgroup's freezer),
  // and thaws them again; wrong_state when it is not running, or is
  // already paused / not paused.
  [[nodiscard]] Result<> pause(const ContainerRecord& container);
  [[nodiscard]] Result<> unpause(const ContainerRecord& container);
  // A running container's counters (`ward stats`); wrong_state when it
  // does not run.
  [[nodiscard]] Result<ContainerUsage> usage(const ContainerRecord& container);
  // What the container wrote: the size of its overlay's writable layer
  // (files and links, a hard-linked file once), Docker's SizeRw.
  [[nodiscard]] Result<std::uint64_t> writable_size(const ContainerRecord& container);
  // What the container changed in its image's files, by path.
  [[nodiscard]] Result<std::vector<Change>> changes(const ContainerRecord& container);
  // `ward cp`, with Docker's path rules (copy.cc), running or not: from
  // the container's `source` to the host path `destination`, or as a tar
  // to `tar_fd` when it is "-"; and from the host path `source`, or a tar
  // read from `tar_fd` when it is "-", into the container's `destination`.
  // Container paths resolve inside its root whatever links it holds.
  [[nodiscard]] Result<> copy_from(const ContainerRecord& container, const std::string& source,
                                   const std::string& destination, int tar_fd, const CopyOptions& options);
  [[nodiscard]] Result<> copy_to(const ContainerRecord& container, const std::string& source, int tar_fd,
                                 const std::string& destination, const CopyOptions& options);
  // `ward export`: the container's filesystem (image layers and writable
  // layer, no runtime mount) as a tar to `fd`, owners as in the container.
  [[nodiscard]] Result<> export_filesystem(const ContainerRecord& container, int fd);
  // `ward commit`: a new image of the container's image and its writable
  // layer; its id.
  [[nodiscard]] Result<image::Digest> commit(const ContainerRecord& container, const CommitRequest& request);
  // The host pids of a running container's processes (`ward top`).
  [[nodiscard]] Result<std::vector<pid_t>> processes(const ContainerRecord& container);
  // Changes a container's limits and restart policy to those of `updated`
  // (its recorded spec with `ward update`'s flags applied): at once in
  // its cgroup when it runs, and in its record for its next starts.
  // Nothing is recorded when the cgroup refuses the new limits.
  [[nodiscard]] Result<> update(const ContainerRecord& container, const ContainerSpec& updated);
  // Gives a container a new name (Docker's rules; a name in use is
  // already_exists).  Its hostname stays.
  [[nodiscard]] Result<> rename(const ContainerRecord& container, const std::string& name);
  // One probe of a running container's health check (`ward
  // monitor-health`, run by its monitor every interval): runs it in the
  // container, kills it past its timeout, records the result (and a
  // health_status event when the status changes).  The status after it;
  // a container that is not running, or paused, is not probed.
  [[nodiscard]] Result<std::string> check_health(const ContainerRecord& container);
  // Blocks until the container is not running; its exit code.
  [[nodiscard]] Result<int> wait(const ContainerRecord& container);
  // Removes a container: refused while it runs unless `force`, which
  // kills it first.  Files go first and the row last, so a kill half-way
  // leaves a row that the next rm finishes.  With `remove_volumes` (rm
  // -v, --rm) its anonymous volumes go too, unless another container
  // mounts them.
  [[nodiscard]] Result<> remove(const ContainerRecord& container, bool force, bool remove_volumes = false);

  // Every container, with the state of those recorded as running checked
  // against their init (a dead one is recorded exited).
  [[nodiscard]] Result<std::vector<ContainerRecord>> list();
  // One container by id, id prefix or name, checked the same way.
  [[nodiscard]] Result<ContainerRecord> find(std::string_view text);

  [[nodiscard]] std::string bundle_dir(const std::string& id) const;
  [[nodiscard]] std::string layer_dir(const std::string& id) const;  // <store>/containers/<id>

 private:
  Engine(image::Store store, std::string run_root);
  // A running record whose init is gone becomes exited, unless its
  // monitor lives (it records the exit itself); so does a restarting one
  // whose monitor is gone.
  [[nodiscard]] Result<ContainerRecord> reconcile(ContainerRecord record);
  // Everything a start needs before the runtime creates the container:
  // leftovers of an earlier run deleted, the overlay, the bundle files,
  // the OCI config (engine/launch.h).
  [[nodiscard]] Result<PreparedLaunch> prepare_launch(const ContainerRecord& container);
  // --secret's files in the bundle: target -> file.
  [[nodiscard]] Result<std::map<std::string, std::string>> write_secret_files(const std::string& bundle,
                                                                              const ContainerSpec& spec,
                                                                              const std::optional<HostIds>& ids);
  // Creates and starts a prepared container without waiting for it; the
  // report a monitor wants.
  [[nodiscard]] Result<monitor::StartReport> launch_detached(const PreparedLaunch& launch, const ContainerSpec& spec);
  // Waits until the row no longer says running (or restarting).
  [[nodiscard]] Result<ContainerRecord> wait_until_not_running(const std::string& id, int timeout_ms);
  [[nodiscard]] Result<> remove_files(const std::string& id);
  // Deletes the runtime's state and cgroup of `id`, killing what still
  // runs; nothing to delete is fine.
  [[nodiscard]] Result<> forget_runtime_state(const std::string& id);
  // A paused container is thawed so that a signal just sent reaches it
  // (a frozen process does not die of SIGKILL under cgroup v1).
  void thaw_after_signal(const ContainerRecord& container);
  // Runs the health check's command in the container once.
  [[nodiscard]] ProbeResult run_probe(const ContainerRecord& container, const image::Healthcheck& check);
  // Removes the engine's parent cgroup if no container is left in it.
  void tidy_parent_cgroup();

  image::Store store_;
  std::string run_root_;
  runtime::Runtime runtime_;
};

}  // namespace ward::engine
