// `exec`: a new process in every namespace and the cgroup of a running
// container, with its seccomp profile, Landlock ruleset, capabilities and
// no_new_privs unless the process says otherwise.  The process is cloned
// from ward-oci (never the on-disk binary re-executed inside the container)
// and made non-dumpable until its execve, so the container cannot reach
// ward-oci's binary through /proc/PID/exe (CVE-2019-5736).
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "oci/capability_names.h"
#include "cgroups/cgroup.h"
#include "runtime/client_words.h"
#include "runtime/container.h"
#include "runtime/handshake.h"
#include "runtime/launch.h"
#include "runtime/launch_transaction.h"
#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"
#include "runtime/seccomp_listener.h"
#include "runtime/child/sync.h"
#include "security/capabilities.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

Result<oci::Process> exec_process_spec(const oci::Config& config, const ExecOptions& options) {
  if (!options.process_file.empty()) {
    auto text = sys::read_file(options.process_file);
    if (!text) return std::unexpected(text.error().wrap("--process"));
    auto process = oci::parse_process(*text);
    if (!process) return std::unexpected(process.error().wrap(options.process_file));
    // Like the seccomp profile, the container's Landlock ruleset binds an
    // exec'd process too, unless its process.json brings its own.
    if (!process->landlock && config.process) process->landlock = config.process->landlock;
    return process;
  }
  if (!config.process) return fail("exec: the container's config has no process to start from");
  oci::Process process = *config.process;
  if (options.args.empty()) return fail("exec: no command given (args or --process)");
  process.args = options.args;
  process.terminal = options.tty;
  for (const auto& entry : options.env) {
    auto name = entry.substr(0, entry.find('='));
    std::erase_if(process.env, [&](const std::string& e) { return e.substr(0, e.find('=')) == name; });
    process.env.push_back(entry);
  }
  if (!options.cwd.empty()) process.cwd = options.cwd;
  if (!options.user.empty()) {
    auto colon = options.user.find(':');
    try {
      process.user.uid = static_cast<uid_t>(std::stoul(options.user.substr(0, colon)));
      if (colon != std::string::npos) process.user.gid = static_cast<gid_t>(std::stoul(options.user.substr(colon + 1)));
    } catch (const std::exception&) {
      return fail(fmt::format("--user \"{}\": expected UID[:GID]", options.user));
    }
  }
  if (!options.caps.empty()) {
    if (!process.capabilities) process.capabilities.emplace();
    for (const auto& name : options.caps) {
      auto cap = oci::capability_from_name(name);
      if (!cap) return fail(fmt::format("--cap: unknown capability \"{}\"", name));
      for (auto* set : {&process.capabilities->bounding, &process.capabilities->effective,
                        &process.capabilities->permitted})
        if (std::find(set->begin(), set->end(), *cap) == set->end()) set->push_back(*cap);
    }
  }
  if (options.no_new_privs) process.no_new_privileges = true;
  return process;
}

Result<UniqueFd> connect_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno(errno, "--console-socket: socket");
  UniqueFd sock(fd);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return fail("--console-socket: path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0)
    return fail_errno(errno, "--console-socket: connect " + path);
  return sock;
}


}  // namespace

Result<int> Runtime::exec(const ExecOptions& options) {
  WARD_TRY(validate_container_id(options.id));
  auto state = store_.load(options.id);
  if (!state) return std::unexpected(state.error().wrap("exec"));
  Status status = current_status(store_, *state);
  if (status == Status::stopped)
    return fail(fmt::format("exec: cannot exec in a stopped container (\"{}\")", options.id));
  if (status != Status::running)
    return fail(ErrorKind::wrong_state,
                fmt::format("exec: {}: \"{}\" is {}", client_words::kNotRunning, options.id, status_name(status)));
  auto config = oci::load_config(state->bundle);
  if (!config) return std::unexpected(config.error().wrap("exec"));
  auto process = WARD_TRY(exec_process_spec(*config, options));
  if (!options.apparmor_profile.empty()) process.apparmor_profile = options.apparmor_profile;
  if (!options.process_label.empty()) process.selinux_label = options.process_label;

  PlanOptions plan_options;
  plan_options.preserve_fds = options.preserve_fds;
  plan_options.seccomp_cache_dir = store_.root() + ".seccomp-cache";
  auto plan = WARD_TRY(build_exec_plan(*config, process, state->pid, state->rootfs, plan_options));

  UniqueFd console_socket;
  if (plan.terminal && !options.console_socket.empty()) {
    console_socket = WARD_TRY(connect_socket(options.console_socket));
  } else if (plan.terminal && options.detach) {
    return fail("exec: --tty with --detach needs a --console-socket");
  } else if (!plan.terminal && !options.console_socket.empty()) {
    return fail("--console-socket: the process has no terminal (use --tty)");
  }

  int socks[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks) < 0) return fail_errno(errno, "socketpair");
  UniqueFd parent_sock(socks[0]), child_sock(socks[1]);
  plan.parent_only_fds[0] = console_socket.get();
  plan.parent_only_fds[1] = parent_sock.get();
  auto child = clone_init(plan, parent_sock.get(), child_sock.get());
  if (!child) return std::unexpected(child.error().wrap("exec"));
  child_sock.reset();
  // Killed and reaped unless it reaches its execve.
  LaunchTransaction transaction;
  transaction.process_started(child->pid);

  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(options.id));
  // A rootless container may run without a cgroup (see create.cc).
  bool rootless = ::geteuid() != 0 || !sys::in_initial_user_namespace();
  if (!rootless || (!cgroup.directories().empty() && sys::path_exists(cgroup.directories().front().path))) {
    if (auto placed = cgroup.add_process(child->pid); !placed) return std::unexpected(placed.error().wrap("exec"));
  }
  SetupHandshake handshake(parent_sock.get(), "exec: the process");
  WARD_TRY(handshake.go());
  LaunchedContainer launched;
  HandshakeSteps steps;
  steps.console_socket = console_socket.get();
  steps.console_master = &launched.console_master;
  if (config->linux.seccomp) {
    // The new process's own filter: its fd goes to the listener too, with
    // the process's pid and the container's state (running, the init's pid).
    steps.seccomp_fd = [&](int fd) {
      std::string payload = container_process_state_json(*state, Status::running, child->pid,
                                                         config->linux.seccomp->listener_metadata);
      return context(send_to_seccomp_listener(config->linux.seccomp->listener_path, payload, fd), "exec");
    };
  }
  WARD_TRY(handshake.until_ready(steps));
  WARD_TRY(handshake.created());
  transaction.commit();
  if (!options.pid_file.empty())
    WARD_TRY(sys::write_file_atomic(options.pid_file, std::to_string(child->pid), 0644));
  if (options.detach) return 0;
  launched.state.pid = child->pid;
  launched.pidfd = std::move(child->pidfd);
  auto waited = WARD_TRY(supervise(launched));
  return exit_code(waited);
}

}  // namespace ward::runtime
