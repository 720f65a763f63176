#include <cstdlib>

#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_exec(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb(
      "exec", args,
      {{{"process", "p"}, true, "path to the process.json"},
       {{"tty", "t"}, false, "allocate a pseudo-TTY"},
       {{"console-socket"}, true, "unix socket to which the pty master is sent"},
       {{"detach", "d"}, false, "detach from the process"},
       {{"pid-file"}, true, "file to write the process id to"},
       {{"cwd"}, true, "current working directory in the container"},
       {{"env", "e"}, true, "set an environment variable (repeatable)"},
       {{"user", "u"}, true, "UID[:GID] to run as"},
       {{"cap", "c"}, true, "add a capability (repeatable)"},
       {{"no-new-privs"}, false, "set no_new_privs for the process"},
       {{"preserve-fds"}, true, "pass N additional fds (3..3+N-1) into the process"},
       {{"apparmor"}, true, "AppArmor profile for the process (default: the container's)"},
       {{"process-label"}, true, "SELinux label for the process (default: the container's)"}},
      1, SIZE_MAX, "<container-id> [command [args...]]");
  if (!parsed) return 1;
  runtime::ExecOptions options;
  options.id = parsed->positional[0];
  options.args.assign(parsed->positional.begin() + 1, parsed->positional.end());
  options.process_file = parsed->value("process");
  if (!options.process_file.empty() && !options.args.empty())
    return report_error("exec: give either --process or a command, not both");
  options.tty = parsed->flag("tty");
  options.detach = parsed->flag("detach");
  options.console_socket = parsed->value("console-socket");
  options.pid_file = parsed->value("pid-file");
  options.cwd = parsed->value("cwd");
  options.user = parsed->value("user");
  options.env = parsed->all("env");
  options.caps = parsed->all("cap");
  options.no_new_privs = parsed->flag("no-new-privs");
  options.apparmor_profile = parsed->value("apparmor");
  options.process_label = parsed->value("process-label");
  std::string preserve = parsed->value("preserve-fds", "0");
  char* end = nullptr;
  long count = std::strtol(preserve.c_str(), &end, 10);
  if (end == preserve.c_str() || *end != '\0' || count < 0 || count > 1024)
    return report_error("exec: --preserve-fds: \"" + preserve + "\" is not a count");
  options.preserve_fds = static_cast<int>(count);
  runtime::Runtime runtime(global.root);
  auto status = runtime.exec(options);
  if (!status) return report_error(status.error());
  return *status;
}

}  // namespace ward::cli
