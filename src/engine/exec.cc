// Engine::exec: `ward exec`, a process in a running container through the
// runtime's exec (the container's config.json in its bundle: its
// namespaces, cgroup, seccomp, capabilities, no_new_privs).
#include <fcntl.h>
#include <unistd.h>

#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/container_events.h"
#include "engine/container_files.h"
#include "engine/engine.h"
#include "engine/exec_terminal.h"
#include "engine/names.h"
#include "engine/null_stdio.h"
#include "engine/socket_dir.h"
#include "oci/capability_names.h"
#include "util/sys.h"

namespace ward::engine {

Result<int> Engine::exec(const ContainerRecord& container, const ExecRequest& request) {
  auto current = WARD_TRY(reconcile(container));
  if (current.status != ContainerStatus::running)
    return fail(ErrorKind::wrong_state, fmt::format("Container {} is not running", current.id));
  if (current.paused)
    return fail(ErrorKind::wrong_state,
                fmt::format("Container {} is paused, unpause the container before exec", current.id));
  runtime::ExecOptions options;
  options.id = current.id;
  options.args = request.args;
  options.tty = request.tty;
  options.detach = request.detach;
  options.cwd = request.working_dir;
  options.env = request.env;
  if (!request.user.empty()) {
    // The container's own /etc/passwd, through its init's root.
    auto root = WARD_TRY(sys::open(fmt::format("/proc/{}/root", current.pid), O_PATH | O_DIRECTORY | O_CLOEXEC));
    auto user = WARD_TRY(context(resolve_container_user(root.get(), request.user), "--user"));
    options.user = fmt::format("{}:{}", user.uid, user.gid);
    bool home_given = std::any_of(request.env.begin(), request.env.end(),
                                  [](const std::string& entry) { return entry.starts_with("HOME="); });
    if (!home_given) options.env.insert(options.env.begin(), "HOME=" + user.home);
  }
  if (request.privileged)
    for (auto name : oci::all_capability_names()) options.caps.emplace_back(name);
  // Docker's exec events: the command line in the action, the exec's id
  // in the attributes.
  std::string command_line = fmt::format("{}", fmt::join(request.args, " "));
  std::string exec_id = WARD_TRY(random_id());
  std::optional<SocketDir> socket_dir;
  std::optional<DetachedTerminal> terminal;
  if (request.tty && request.detach) {
    socket_dir.emplace(WARD_TRY(SocketDir::open(run_root_ + "/containers")));
    std::string name = current.id.substr(0, 12) + "." + exec_id.substr(0, 12) + ".exec-console";
    terminal.emplace(WARD_TRY(DetachedTerminal::start(*socket_dir, std::move(name))));
    options.console_socket = terminal->socket_path();
  }
  std::optional<NullStdio> quiet;
  if (request.detach)
    quiet.emplace({STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO});
  else if (!request.interactive)
    quiet.emplace({STDIN_FILENO});
  note_container_event(store_.database(), current, "exec_create: " + command_line, {{"execID", exec_id}});
  note_container_event(store_.database(), current, "exec_start: " + command_line, {{"execID", exec_id}});
  auto status = runtime_.exec(options);
  if (status && !request.detach)
    note_container_event(store_.database(), current, "exec_die",
                         {{"execID", exec_id}, {"exitCode", std::to_string(*status)}});
  return status;
}

}  // namespace ward::engine
