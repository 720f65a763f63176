// ward-oci: the OCI runtime front end, runc's command line.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cli/core/version.h"
#include "cli/oci/commands.h"
#include "oci/config.h"
#include "runtime/state.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::cli {

namespace {

const std::vector<FlagSpec> kGlobalFlags = {
    {{"root"}, true,
     "root directory for storage of container state (default: /run/ward-oci, or $XDG_RUNTIME_DIR/ward-oci "
     "for a non-root user or in a rootless engine's user namespace)"},
    {{"log"}, true, "log file path (default: none, errors go to stderr)"},
    {{"log-format"}, true, "log format: text or json (default: text)"},
    {{"debug"}, false, "enable debug logging"},
    {{"systemd-cgroup"}, false, "use the systemd cgroup driver"},
    {{"help", "h"}, false, "show help"},
    {{"version", "v"}, false, "print the version"},
};

constexpr Verb<GlobalOptions> kVerbs[] = {
    {"create", "create a container", cmd_create},
    {"start", "execute the user process in a created container", cmd_start},
    {"run", "create and run a container", cmd_run},
    {"state", "output the state of a container", cmd_state},
    {"kill", "send a signal to the container's init process", cmd_kill},
    {"delete", "delete a container and the resources it holds", cmd_delete},
    {"list", "list containers started by ward-oci with the given root", cmd_list},
    {"spec", "create a new specification file (ward's hardened defaults)", cmd_spec},
    {"features", "show the enabled features", cmd_features},
    {"pause", "suspend all processes of the container", cmd_pause},
    {"resume", "resume all processes of a paused container", cmd_resume},
    {"ps", "show the processes running in the container", cmd_ps},
    {"exec", "execute a new process inside the container", cmd_exec},
    {"update", "update the container's resource limits", cmd_update},
    {"events", "display the container's resource statistics", cmd_events},
};

void print_usage() {
  std::string text =
      "usage: ward-oci [global options] command [command options] [arguments...]\n\n"
      "ward-oci is a secure-by-default OCI runtime with runc's command line.\n\nCommands:\n";
  text += verb_list<GlobalOptions>(kVerbs);
  text += "\nGlobal options:\n" + flags_help(kGlobalFlags);
  std::fputs(text.c_str(), stdout);
}

}  // namespace

}  // namespace ward::cli

int main(int argc, char** argv) {
  using namespace ward;
  // Tests run the path-handling suites again with openat2 unavailable.
  if (const char* no_openat2 = std::getenv("WARD_NO_OPENAT2"); no_openat2 != nullptr && no_openat2[0] == '1')
    sys::raw::force_openat2_fallback(true);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto global_args = cli::parse_args(args, cli::kGlobalFlags, true);
  if (!global_args) return cli::report_error(global_args.error());
  if (global_args->flag("version")) {
    std::printf("ward-oci version %s\nspec: %s\n", cli::kVersion, oci::kRuntimeSpecVersion);
    return 0;
  }
  if (global_args->flag("help") || global_args->positional.empty()) {
    cli::print_usage();
    return global_args->flag("help") ? 0 : 1;
  }

  log::Settings settings;
  settings.file = global_args->value("log");
  settings.debug = global_args->flag("debug");
  std::string format = global_args->value("log-format", "text");
  if (format == "json") {
    settings.format = log::Format::json;
  } else if (format != "text") {
    return cli::report_error(fmt::format("--log-format: unknown format \"{}\" (text or json)", format));
  }
  std::string problem;
  if (!log::configure(settings, problem)) return cli::report_error(problem);

  cli::GlobalOptions global;
  global.root = global_args->value("root", runtime::default_state_root());
  global.systemd_cgroup = global_args->flag("systemd-cgroup");

  const std::string& verb = global_args->positional.front();
  const auto* found = cli::find_verb<cli::GlobalOptions>(cli::kVerbs, verb);
  if (found == nullptr) {
    // runc's CRIU verbs: a client asking for them learns why they fail.
    if (verb == "checkpoint" || verb == "restore")
      return cli::report_error(fmt::format("{}: not supported: ward-oci has no CRIU support", verb));
    return cli::report_error(fmt::format("unknown command \"{}\"", verb));
  }
  std::vector<std::string> verb_args(global_args->positional.begin() + 1, global_args->positional.end());
  return found->run(global, verb_args);
}
