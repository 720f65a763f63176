// start, state, kill, delete and list.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/client_words.h"
#include "runtime/hooks.h"
#include "runtime/launch.h"
#include "runtime/shared_mounts.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

// Waits until the process behind `pidfd` has exited (pidfds poll readable
// then, even before the process is reaped).
bool wait_exit(int pidfd, int timeout_ms) {
  struct pollfd pfd {pidfd, POLLIN, 0};
  for (;;) {
    int r = ::poll(&pfd, 1, timeout_ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::string read_link(const std::string& path) {
  char buf[256];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf) - 1);
  if (n < 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

// Every process in the container's pid namespace (found through /proc).
std::vector<pid_t> processes_in_pid_namespace(pid_t init) {
  std::vector<pid_t> pids;
  std::string ns = read_link(fmt::format("/proc/{}/ns/pid", init));
  if (ns.empty()) return pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return pids;
  while (struct dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid <= 0) continue;
    if (read_link(fmt::format("/proc/{}/ns/pid", pid)) == ns) pids.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(proc);
  return pids;
}

// `kill --all` of a stopped container signals what its cgroup still holds
// (a container that shares the host's pid namespace can leave processes
// behind its init) and succeeds when nothing is left, as runc's does.
Result<> kill_leftovers(const StateStore& store, const ContainerState& state, int signal) {
  auto cgroup = cgroups::Cgroup::parse(store.load_cgroups(state.id));
  auto pids = cgroup.pids();
  if (!pids || pids->empty()) return {};
  if (auto r = cgroup.signal_all(signal, 0); !r) return std::unexpected(r.error().wrap("kill --all"));
  return {};
}

}  // namespace

Result<> start_created(const StateStore& store, const ContainerState& state, int pidfd) {
  std::string fifo_path = store.fifo(state.id);
  auto fifo = sys::open(fifo_path, O_RDONLY | O_NONBLOCK);
  if (!fifo) return std::unexpected(fifo.error().wrap("start"));
  // Opening the read end released the init's blocking open; now wait for
  // its byte, or for its death.
  struct pollfd fds[2] = {{fifo->get(), POLLIN, 0}, {pidfd, POLLIN, 0}};
  for (;;) {
    int r = ::poll(fds, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail_errno(errno, "start: poll");
    if (fds[0].revents & POLLIN) break;
    if (fds[1].revents & POLLIN) return fail(fmt::format("start: container \"{}\" init exited", state.id));
    if (fds[0].revents & POLLHUP) {
      // Writer opened and closed without writing: the init failed.
      return fail(fmt::format("start: container \"{}\" init failed before start", state.id));
    }
  }
  char byte;
  if (sys::raw::read_some(fifo->get(), &byte, 1) != 1) return fail("start: no byte from the container's init");
  ::unlink(fifo_path.c_str());
  log::timing("started: the init passed the exec fifo");
  // The init keeps its close-on-exec write end open through the
  // startContainer hooks: end of file means the user process was executed
  // (or the init died), so poststart hooks run strictly after exec.
  fds[0].events = POLLIN;
  for (;;) {
    int r = ::poll(fds, 1, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || (fds[0].revents & (POLLHUP | POLLERR))) break;
    if ((fds[0].revents & POLLIN) && sys::raw::read_some(fifo->get(), &byte, 1) <= 0) break;
  }
  if (!state.poststart_hooks.empty()) {
    // A failing poststart hook is a warning, not an error (runtime-spec).
    run_hooks_warning_only(state.poststart_hooks, oci_state_json(state, Status::running, false), "poststart");
  }
  return {};
}

Result<Runtime::Locked> Runtime::open_locked(const std::string& id) {
  WARD_TRY(validate_container_id(id));
  auto lock = WARD_TRY(store_.lock(id));
  auto state = WARD_TRY(store_.load(id));
  Status status = current_status(store_, state);
  return Locked{std::move(lock), std::move(state), status};
}

Result<> Runtime::start(const std::string& id) {
  auto locked = WARD_TRY(open_locked(id));
  auto* state = &locked.state;
  Status status = locked.status;
  // runc's words for each state, which clients show to their users.
  if (status == Status::stopped) return fail(fmt::format("cannot start a container that has stopped (\"{}\")", id));
  if (status == Status::running) return fail(fmt::format("cannot start an already running container (\"{}\")", id));
  if (status == Status::paused)
    return fail(fmt::format("cannot start a container in the paused state (\"{}\")", id));
  if (status != Status::created)
    return fail(fmt::format("cannot start a container that is {} (\"{}\")", status_name(status), id));
  auto pidfd = WARD_TRY(open_init(*state));
  return start_created(store_, *state, pidfd.get());
}

Result<std::string> Runtime::state(const std::string& id) {
  WARD_TRY(validate_container_id(id));
  auto state = WARD_TRY(store_.load(id));
  // runc leaves "owner" empty in `state` but fills it in `list`; ward
  // fills both, the same way, so the two never disagree.
  if (state.owner.empty()) state.owner = store_.owner(id);
  return oci_state_json(state, current_status(store_, state), true);
}

Result<> Runtime::kill(const std::string& id, int signal, bool all) {
  auto locked = WARD_TRY(open_locked(id));
  auto* state = &locked.state;
  Status status = locked.status;
  // Like runc: --all signals whatever a stopped container left in its
  // cgroup and succeeds; a single signal to a stopped init is refused with
  // the words containerd's shim reads as "the process already exited".
  if (status == Status::stopped && all) return kill_leftovers(store_, *state, signal);
  if (status == Status::stopped || status == Status::creating)
    return fail(ErrorKind::wrong_state,
                fmt::format("{}: \"{}\" is {}", client_words::kNotRunning, id, status_name(status)));
  auto pidfd = WARD_TRY(open_init(*state));
  if (all) {
    // The cgroup lists every process of the container; without one (a
    // rootless container that could not make one) the pid namespace does.
    auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
    auto pids = cgroup.pids();
    if (pids && !pids->empty()) {
      if (auto r = cgroup.signal_all(signal, state->pid); !r) return std::unexpected(r.error().wrap("kill --all"));
    } else if (state->private_pid_namespace) {
      for (pid_t pid : processes_in_pid_namespace(state->pid))
        if (pid != state->pid) ::kill(pid, signal);
    } else {
      return fail("kill --all: the container shares the host's pid namespace and has no cgroup of its own");
    }
  }
  // After cgroup.kill the init may be gone (and reaped) already.
  if (int r = sys::raw::pidfd_send_signal(pidfd.get(), signal); r < 0 && !(all && r == -ESRCH)) {
    // Spelled out rather than strerror's "No such process", in runc's case.
    if (r == -ESRCH)
      return fail(ErrorKind::not_found,
                  fmt::format("kill container \"{}\": signal init: {}", id, client_words::kNoSuchProcess));
    return fail_errno(-r, fmt::format("kill container \"{}\"", id));
  }
  return {};
}

Result<> Runtime::remove(const std::string& id, bool force) {
  auto locked = WARD_TRY(open_locked(id));
  auto* state = &locked.state;
  Status status = locked.status;
  if ((status == Status::running || status == Status::paused) && !force)
    return fail(fmt::format("cannot delete container \"{}\" that is not stopped: {}", id, status_name(status)));
  if (status != Status::stopped) {
    auto pidfd = open_init(*state);
    if (pidfd) {
      // With a private pid namespace this takes every container process with it.
      sys::raw::pidfd_send_signal(pidfd->get(), SIGKILL);
      if (!wait_exit(pidfd->get(), 10000))
        return fail(fmt::format("delete: container \"{}\" init did not exit after SIGKILL", id));
    }
  }
  // Kills whatever is left in the cgroup (also processes outside the
  // init's pid namespace) and removes the directories.
  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
  if (auto r = cgroup.destroy(); !r) return std::unexpected(r.error().wrap("delete"));
  // Without a mount namespace of its own, the container's mounts outlive
  // its init: what is mounted at or below its rootfs goes now.  On failure
  // the state stays, so that delete can be tried again.
  if (std::string text = store_.load_mount_record(id); !text.empty()) {
    auto record = parse_shared_mounts(text);
    if (!record) return std::unexpected(record.error().wrap("delete"));
    if (auto r = unmount_shared_mounts(*record); !r) return std::unexpected(r.error().wrap("delete"));
  }
  if (state->pid > 0 && !state->poststop_hooks.empty()) {
    run_hooks_warning_only(state->poststop_hooks, oci_state_json(*state, Status::stopped, false), "poststop");
  }
  return store_.remove(id);
}

Result<> Runtime::pause(const std::string& id) {
  return set_paused(id, true);
}

Result<> Runtime::resume(const std::string& id) {
  return set_paused(id, false);
}

Result<> Runtime::set_paused(const std::string& id, bool paused) {
  auto locked = WARD_TRY(open_locked(id));
  Status from = paused ? Status::running : Status::paused;
  if (locked.status != from)
    return fail(ErrorKind::wrong_state,
                fmt::format("cannot {} container \"{}\": {} (it is {})", paused ? "pause" : "resume", id,
                            paused ? client_words::kNotRunning : client_words::kNotPaused, status_name(locked.status)));
  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
  auto changed = paused ? cgroup.freeze() : cgroup.thaw();
  return context(std::move(changed), "{} \"{}\"", paused ? "pause" : "resume", id);
}

Result<std::vector<pid_t>> Runtime::pids(const std::string& id) {
  WARD_TRY(validate_container_id(id));
  auto state = WARD_TRY(store_.load(id));
  Status status = current_status(store_, state);
  if (status == Status::stopped) return std::vector<pid_t>{};
  auto cgroup = cgroups::Cgroup::parse(store_.load_cgroups(id));
  auto pids = cgroup.pids();
  if (pids && !pids->empty()) return pids;
  if (state.private_pid_namespace) return processes_in_pid_namespace(state.pid);
  return std::vector<pid_t>{state.pid};
}

Result<std::vector<Runtime::Summary>> Runtime::list() {
  auto ids = WARD_TRY(store_.ids());
  std::vector<Summary> result;
  for (const auto& id : ids) {
    auto state = store_.load(id);
    if (!state) continue;
    Status status = current_status(store_, *state);
    if (state->owner.empty()) state->owner = store_.owner(id);
    result.push_back(Summary{std::move(*state), status});
  }
  return result;
}

Result<> Runtime::create(const CreateOptions& options) {
  auto launched = WARD_TRY(launch_container(store_, options, false));
  return {};
}

}  // namespace ward::runtime
