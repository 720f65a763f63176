// ward-oci: the OCI runtime front end, runc's command line.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>

#include "cli/oci/commands.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::cli {

namespace {

const char* kVersion = "0.1.0";

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

using Verb = std::function<int(const GlobalOptions&, const std::vector<std::string>&)>;

const std::map<std::string, std::pair<Verb, const char*>>& verbs() {
  static const std::map<std::string, std::pair<Verb, const char*>> table = {
      {"create", {cmd_create, "create a container"}},
      {"start", {cmd_start, "execute the user process in a created container"}},
      {"run", {cmd_run, "create and run a container"}},
      {"state", {cmd_state, "output the state of a container"}},
      {"kill", {cmd_kill, "send a signal to the container's init process"}},
      {"delete", {cmd_delete, "delete a container and the resources it holds"}},
      {"list", {cmd_list, "list containers started by ward-oci with the given root"}},
      {"spec", {cmd_spec, "create a new specification file (ward's hardened defaults)"}},
      {"features", {cmd_features, "show the enabled features"}},
      {"pause", {cmd_pause, "suspend all processes of the container"}},
      {"resume", {cmd_resume, "resume all processes of a paused container"}},
      {"ps", {cmd_ps, "show the processes running in the container"}},
      {"exec", {cmd_exec, "execute a new process inside the container"}},
      {"update", {cmd_update, "update the container's resource limits"}},
      {"events", {cmd_events, "display the container's resource statistics"}},
  };
  return table;
}

void print_usage() {
  std::string text =
      "usage: ward-oci [global options] command [command options] [arguments...]\n\n"
      "ward-oci is a secure-by-default OCI runtime with runc's command line.\n\nCommands:\n";
  for (const auto& [name, verb] : verbs()) text += fmt::format("   {:<10} {}\n", name, verb.second);
  text += "\nGlobal options:\n" + flags_help(kGlobalFlags);
  std::fputs(text.c_str(), stdout);
}

}  // namespace

int report_error(const Error& error) { return report_error(error.what()); }

int report_error(const std::string& message) {
  log::error(message);
  std::string line = "ward-oci: " + message + "\n";
  std::fputs(line.c_str(), stderr);
  return 1;
}

std::optional<ParsedArgs> parse_verb(const std::string& verb, const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs, size_t min_positional,
                                     size_t max_positional, const std::string& usage) {
  std::vector<FlagSpec> with_help = specs;
  with_help.push_back({{"help", "h"}, false, "show help"});
  auto parsed = parse_args(args, with_help, true);
  if (!parsed) {
    report_error(fmt::format("{}: {}", verb, parsed.error().what()));
    return std::nullopt;
  }
  if (parsed->flag("help")) {
    std::fputs(fmt::format("usage: ward-oci {} {}\n\nOptions:\n{}", verb, usage, flags_help(specs)).c_str(), stdout);
    std::exit(0);
  }
  if (parsed->positional.size() < min_positional || parsed->positional.size() > max_positional) {
    report_error(fmt::format("{}: wrong number of arguments; usage: ward-oci {} {}", verb, verb, usage));
    return std::nullopt;
  }
  return std::move(*parsed);
}

}  // namespace ward::cli

int main(int argc, char** argv) {
  using namespace ward;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto global_args = cli::parse_args(args, cli::kGlobalFlags, true);
  if (!global_args) return cli::report_error(global_args.error());
  if (global_args->flag("version")) {
    std::printf("ward-oci version %s\nspec: 1.2.0\n", cli::kVersion);
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
  // An unprivileged user cannot write /run/ward-oci; like runc, such a user
  // keeps state under $XDG_RUNTIME_DIR.  So does "root" in a user namespace
  // a rootless engine made (podman runs its runtime there), unless it is
  // the real root user.
  const char* user = std::getenv("USER");
  if (::geteuid() != 0 || (!sys::in_initial_user_namespace() && (user == nullptr || std::string_view(user) != "root"))) {
    const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (runtime_dir != nullptr && runtime_dir[0] == '/') global.root = std::string(runtime_dir) + "/ward-oci";
  }
  global.root = global_args->value("root", global.root);
  global.systemd_cgroup = global_args->flag("systemd-cgroup");

  const std::string& verb = global_args->positional.front();
  auto it = cli::verbs().find(verb);
  if (it == cli::verbs().end()) {
    // runc's CRIU verbs: a client asking for them learns why they fail.
    if (verb == "checkpoint" || verb == "restore")
      return cli::report_error(fmt::format("{}: not supported: ward-oci has no CRIU support", verb));
    return cli::report_error(fmt::format("unknown command \"{}\"", verb));
  }
  std::vector<std::string> verb_args(global_args->positional.begin() + 1, global_args->positional.end());
  return it->second.first(global, verb_args);
}
