// `create`: clone the container's init into new namespaces, drive the sync
// handshake (see sync.h), record the state.  Every failure path kills the
// init and removes the state directory, so bad input leaves nothing behind.
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/handshake.h"
#include "runtime/hooks.h"
#include "runtime/plan/id_mappings.h"
#include "runtime/child/init.h"
#include "runtime/launch.h"
#include "runtime/launch_transaction.h"
#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"
#include "runtime/seccomp_listener.h"
#include "runtime/shared_mounts.h"
#include "runtime/child/sync.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

// The status a prestart hook reads on stdin.  runtime-spec 1.0 ran prestart
// hooks after `start` was invoked, on a container that was "created"; 1.1
// moved them into `create`, where the container is still "creating".  ward
// runs them in create either way and reports what the config's version
// defines.
Status prestart_hook_status(const oci::Config& config) {
  return config.oci_version.starts_with("1.0.") ? Status::created : Status::creating;
}

Result<UniqueFd> connect_console_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno(errno, "--console-socket: socket");
  UniqueFd sock(fd);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return fail("--console-socket: path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0)
    return fail_errno(errno, "--console-socket: connect " + path);
  return sock;
}

Result<> write_pid_file(const std::string& path, pid_t pid) {
  if (path.empty()) return {};
  return context(sys::write_file_atomic(path, std::to_string(pid), 0644), "--pid-file");
}


// Records, makes and configures the container's cgroup.  The directories
// are recorded before they exist, so `delete` can remove them even when
// this process is killed half-way.
// Whether `resources` asks for any limit; device rules alone are not one
// (see make_cgroup).
bool asks_for_limits(const oci::Resources& r) {
  return r.memory || r.cpu || r.pids_limit || r.block_io || !r.hugepage_limits.empty() || r.net_class_id ||
         !r.net_priorities.empty() || !r.unified.empty();
}

// Records, makes and configures the container's cgroup; false when a
// rootless container runs without one.
Result<bool> make_cgroup(const StateStore& store, const std::string& id, const oci::Config& config,
                         cgroups::Cgroup& cgroup, LaunchTransaction& transaction) {
  // Before anything exists: the directories as "made", so that a delete
  // after a kill here removes whatever part of them got created.
  std::string planned = cgroup.serialize();
  for (const auto& dir : cgroup.directories()) planned += "made " + dir.path + "\n";
  WARD_TRY(store.save_cgroups(id, planned));
  transaction.cgroup_made(&cgroup);
  oci::Resources none;
  const oci::Resources& resources = config.linux.resources ? *config.linux.resources : none;
  if (auto made = cgroup.create(); !made) {
    (void)store.save_cgroups(id, cgroup.serialize());
    // A rootless user (or root in a rootless engine's user namespace) may
    // not be able to make cgroups at all; that is fine only when the config
    // asks for no limits.  Device rules need no cgroup there: without
    // CAP_MKNOD in the initial namespace the container makes no device
    // node, and those bound in keep their host permissions.
    bool denied = made.error().is(ErrorKind::permission_denied);
    bool rootless = ::geteuid() != 0 || !sys::in_initial_user_namespace();
    if (!rootless || !denied) return std::unexpected(made.error());
    if (asks_for_limits(resources))
      return std::unexpected(made.error().wrap(fmt::format(
          "linux.resources: uid {} may not make the container's cgroup, so the limits the config asks for cannot "
          "be applied (remove them, or delegate a cgroup to this user and name it in linux.cgroupsPath)",
          ::geteuid())));
    log::warning(fmt::format("no cgroup for a rootless container ({}); it runs without limits{}", made.error().what(),
                             resources.devices.empty() ? "" : " and without a device cgroup"));
    return false;
  }
  WARD_TRY(store.save_cgroups(id, cgroup.serialize()));
  WARD_TRY(cgroup.set(resources, cgroups::allowed_devices(config.linux.devices)));
  return true;
}

// The exec fifo `start` opens, and the fds the init reaches the state
// directory and its hooks' state through.
Result<> open_state_files(const StateStore& store, const std::string& id, LaunchPlan& plan) {
  std::string fifo = store.fifo(id);
  if (::mkfifo(fifo.c_str(), 0600) < 0) return fail_errno(errno, "mkfifo " + fifo);
  // The init opens the fifo as the container's root, which in a user
  // namespace is an unprivileged host uid: it must own the fifo, and it
  // reaches it through an fd, not through the root-only state directory.
  if ((plan.root_host_uid != 0 || plan.root_host_gid != 0) &&
      ::chown(fifo.c_str(), plan.root_host_uid, plan.root_host_gid) < 0)
    return fail_errno(errno, "chown " + fifo);
  plan.exec_fifo_fd = WARD_TRY(sys::open(fifo, O_PATH));
  plan.state_dir_fd = WARD_TRY(sys::open(store.dir(id), O_PATH | O_DIRECTORY));
  if (!plan.create_container_hooks.empty()) plan.hook_state_fd = WARD_TRY(make_memfd("ward-hook-state", ""));
  if (!plan.start_container_hooks.empty()) plan.start_state_fd = WARD_TRY(make_memfd("ward-start-state", ""));
  return {};
}

ContainerState initial_state(const std::string& id, const std::string& bundle, const oci::Config& config,
                             const LaunchPlan& plan) {
  ContainerState state;
  state.id = id;
  state.oci_version = config.oci_version;
  state.bundle = bundle;
  state.rootfs = plan.rootfs;
  state.annotations = config.annotations;
  state.poststart_hooks = config.hooks.poststart;
  state.poststop_hooks = config.hooks.poststop;
  state.private_pid_namespace = (plan.clone_flags & CLONE_NEWPID) != 0;
  state.created = now_rfc3339();
  return state;
}

// What `create` does for the init's requests: the prestart and
// createRuntime hooks, and its seccomp notify fd for the listener.
HandshakeSteps create_steps(const oci::Config& config, const ContainerState& state) {
  HandshakeSteps steps;
  steps.runtime_hooks = [&config, &state]() -> Result<> {
    WARD_TRY(run_hooks(config.hooks.prestart, oci_state_json(state, prestart_hook_status(config), false), "prestart"));
    return run_hooks(config.hooks.create_runtime, oci_state_json(state, Status::creating, false), "createRuntime");
  };
  if (config.linux.seccomp) {
    steps.seccomp_fd = [&config, &state](int fd) {
      std::string payload =
          container_process_state_json(state, Status::creating, state.pid, config.linux.seccomp->listener_metadata);
      return send_to_seccomp_listener(config.linux.seccomp->listener_path, payload, fd);
    };
  }
  return steps;
}

}  // namespace

// Clones the init directly, or through the intermediate stage when
// namespaces must be joined first or a time namespace needs offsets.
Result<> send_console(int sock, int master) {
  // The same shape runc uses: the name as data, the fd as SCM_RIGHTS.
  static const char kName[] = "/dev/ptmx";
  if (ssize_t n = sys::raw::send_with_fd(sock, kName, sizeof(kName) - 1, master); n < 0)
    return fail_errno(static_cast<int>(-n), "--console-socket: send the pty master");
  return {};
}

Result<ClonedInit> clone_init(const LaunchPlan& plan, int parent_sock, int child_sock) {
  bool direct = plan.joins.empty() && plan.time_offsets.empty();
  int pidfd = -1;
  struct clone_args args {};
  args.flags = (direct ? plan.clone_flags : 0) | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  pid_t pid = sys::raw::clone3(&args);
  if (pid < 0) return fail_errno(-pid, "clone container init");
  if (pid == 0) {
    for (int fd : plan.parent_only_fds)
      if (fd >= 0) ::close(fd);
    if (direct) container_init(plan, child_sock);
    container_stage(plan, child_sock);
  }
  ClonedInit init;
  if (direct) {
    init.pid = pid;
    init.pidfd.reset(pidfd);
    return init;
  }
  UniqueFd stage_pidfd(pidfd);
  SyncMessage message;
  int fd = -1;
  int r = raw::sync_recv(parent_sock, &message, &fd);
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (r < 0) return fail_errno(-r, "container stage exited without reporting the init");
  if (message.type == SyncType::error) return std::unexpected(child_failure(message));
  if (message.type != SyncType::init_pid || fd < 0) return fail("container stage: unexpected message");
  init.pid = message.error_code;
  init.pidfd.reset(fd);
  return init;
}

Result<LaunchedContainer> launch_container(const StateStore& store, const CreateOptions& options, bool foreground) {
  WARD_TRY(validate_container_id(options.id));
  char bundle_buf[PATH_MAX];
  if (::realpath(options.bundle.c_str(), bundle_buf) == nullptr)
    return fail_errno(errno, "--bundle " + options.bundle);
  std::string bundle = bundle_buf;
  oci::Config loaded;
  if (options.config == nullptr) {
    loaded = WARD_TRY(oci::load_config(bundle));
    log::timing("config.json read and parsed");
  }
  const oci::Config& config = options.config != nullptr ? *options.config : loaded;

  auto cgroup = WARD_TRY(cgroups::Cgroup::resolve(config.linux.cgroups_path, options.id));

  PlanOptions plan_options;
  plan_options.bundle = bundle;
  plan_options.cgroup = &cgroup;
  plan_options.no_pivot = options.no_pivot;
  plan_options.no_new_keyring = options.no_new_keyring;
  plan_options.container_id = options.id;
  // Beside the state root, not in it, where it could be taken for an id.
  plan_options.seccomp_cache_dir = store.root() + ".seccomp-cache";
  plan_options.preserve_fds = options.preserve_fds;
  plan_options.rootfs_mount_fd = options.rootfs_mount_fd;
  // Under a rootless engine (podman runs its runtime in its own user
  // namespace) no device node can be made, only bound.
  plan_options.in_user_namespace_host = !sys::in_initial_user_namespace();
  auto plan_result = WARD_TRY(build_launch_plan(config, plan_options));
  LaunchPlan& plan = plan_result;
  log::timing("launch plan built");
  plan.set_groups = !plan.new_user_namespace || plan.id_maps.setgroups_allowed;

  UniqueFd console_socket;
  if (plan.terminal) {
    if (!options.console_socket.empty()) {
      console_socket = WARD_TRY(connect_console_socket(options.console_socket));
    } else if (!foreground) {
      return fail("process.terminal: a --console-socket is required to create a container with a terminal");
    }
  } else if (!options.console_socket.empty()) {
    return fail("--console-socket: the container has no terminal (process.terminal is false)");
  }

  LaunchedContainer launched;
  auto lock = WARD_TRY(store.create_dir(options.id));
  launched.lock = std::move(lock);
  SharedMounts shared_mounts;  // before the transaction, which may point at it
  LaunchTransaction transaction;
  transaction.dir_made(store, options.id);
  auto in_cgroup = WARD_TRY(make_cgroup(store, options.id, config, cgroup, transaction));
  if (!in_cgroup) WARD_TRY(bind_own_cgroups(plan, cgroup));
  log::timing("state directory and cgroup made");

  if (plan.shares_mount_namespace) {
    log::warning("no mount namespace: the container's mounts are made in the runtime's mount namespace");
    shared_mounts = WARD_TRY(record_shared_mounts(plan.rootfs));
    // Before the init exists, so that a delete after a kill anywhere past
    // here finds what to unmount.
    WARD_TRY(store.save_mount_record(options.id, shared_mounts_json(shared_mounts)));
    transaction.mounts_recorded(&shared_mounts);
  }

  WARD_TRY(open_state_files(store, options.id, plan));
  ContainerState& state = launched.state;
  state = initial_state(options.id, bundle, config, plan);

  int socks[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks) < 0) return fail_errno(errno, "socketpair");
  UniqueFd parent_sock(socks[0]), child_sock(socks[1]);

  plan.parent_only_fds[0] = launched.lock.get();
  plan.parent_only_fds[1] = console_socket.get();
  plan.parent_only_fds[2] = parent_sock.get();
  auto init = WARD_TRY(clone_init(plan, parent_sock.get(), child_sock.get()));
  child_sock.reset();
  log::timing("init cloned");
  transaction.process_started(init.pid);
  state.pid = init.pid;
  auto start_time = WARD_TRY(sys::process_start_time(init.pid));
  state.pid_start_time = start_time;
  transaction.set_poststop(config.hooks.poststop, oci_state_json(state, Status::stopped, false));

  if (in_cgroup) {
    if (auto r = cgroup.add_process(init.pid); !r) return std::unexpected(r.error());
  }
  if (plan.new_user_namespace) WARD_TRY(write_id_maps(init.pid, plan.id_maps));
  if (plan.hook_state_fd) {
    std::string json = oci_state_json(state, Status::creating, false);
    sys::raw::write_all(plan.hook_state_fd.get(), json.data(), json.size());
  }
  if (plan.start_state_fd) {
    std::string json = oci_state_json(state, Status::created, false);
    sys::raw::write_all(plan.start_state_fd.get(), json.data(), json.size());
  }
  log::timing("init placed in its cgroup, id maps written");
  SetupHandshake handshake(parent_sock.get(), "container init");
  WARD_TRY(handshake.go());
  HandshakeSteps steps = create_steps(config, state);
  steps.console_socket = console_socket.get();
  steps.console_master = &launched.console_master;
  WARD_TRY(handshake.until_ready(steps));
  log::timing("init ready: rootfs, devices, hooks done");

  WARD_TRY(store.save(state));
  WARD_TRY(write_pid_file(options.pid_file, state.pid));
  WARD_TRY(handshake.created());
  launched.pidfd = std::move(init.pidfd);
  transaction.commit();
  log::timing("created");
  log::debug(fmt::format("container {} created, init pid {}", state.id, state.pid));
  return launched;
}

}  // namespace ward::runtime
