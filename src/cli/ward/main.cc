// ward: the user-facing front end (SPEC section 4).  A table of verbs, each
// in its own file; everything they do lives in the library.
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/core/version.h"
#include "cli/ward/commands.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

int cmd_version(const WardOptions&, const std::vector<std::string>& args) {
  if (!args.empty())
    return kReporter.fail("version", fmt::format("unexpected argument \"{}\"", args.front()), kExitUsage);
  std::printf("ward version %s\n", kVersion);
  return 0;
}

constexpr Verb<WardOptions> kVerbs[] = {
    {"apparmor", "generate AppArmor profiles (ward-default, or from a TOML description)", cmd_apparmor},
    {"audit", "CIS Docker Benchmark checks on ward, its images, or containers (docker inspect, config.json, API)",
     cmd_audit},
    {"commit", "create a new image from a container's changes", cmd_commit},
    {"completion", "print a shell completion script (bash, zsh)", cmd_completion},
    {"container",
     "manage containers: ls, run, create, start, stop, kill, rm, exec, logs, pause, top, cp, export, commit, ...",
     cmd_container},
    {"attach", "attach this terminal to a running container (ctrl-p,ctrl-q detaches)", cmd_attach},
    {"cp", "copy files between a container (running or not) and the host, or a tar stream", cmd_cp},
    {"create", "create a container from an image, without starting it", cmd_create},
    {"diff", "show the files a container changed, added (A) or deleted (D)", cmd_diff},
    {"events", "show what happens to containers, images and volumes, as it happens", cmd_events},
    {"exec", "run a command in a running container", cmd_exec},
    {"export", "export a container's filesystem as a tar archive", cmd_export},
    {"history", "show the history of an image", cmd_history},
    {"image", "manage images: ls, inspect, history, import, prune, rm, tag, load, save, pull, push", cmd_image},
    {"images", "list images", cmd_images},
    {"import", "create an image from a root filesystem tarball", cmd_import},
    {"info", "show system-wide information: containers, images, drivers, cgroups, the host", cmd_info},
    {"inspect", "show low-level information on containers and images", cmd_inspect},
    {"kill", "send a signal to running containers (default SIGKILL)", cmd_kill},
    {"lint", "check Dockerfiles: hadolint's rules, ShellCheck, secrets", cmd_lint},
    {"login", "log in to a registry", cmd_login},
    {"logout", "log out from a registry", cmd_logout},
    {"load", "load images from an OCI layout, an OCI archive or a docker save archive", cmd_load},
    {"logs", "show a container's output (json-file log)", cmd_logs},
    {"pause", "pause all processes of running containers (cgroup freezer)", cmd_pause},
    {"pull", "pull an image from a registry", cmd_pull},
    {"push", "push an image to a registry", cmd_push},
    {"ps", "list containers", cmd_ps},
    {"rename", "rename a container", cmd_rename},
    {"restart", "stop and start containers again", cmd_restart},
    {"rm", "remove containers", cmd_rm},
    {"rmi", "remove images", cmd_rmi},
    {"run", "create and run a container from an image (-d: in the background, under a monitor)", cmd_run},
    {"save", "save images to a docker-archive or an OCI archive", cmd_save},
    {"scan", "scan an image or a root filesystem: files, accounts, settings, packages, vulnerabilities", cmd_scan},
    {"selftest", "run ward's escape probes in containers on this host: which protection held each", cmd_selftest},
    {"secret", "manage secrets: create, ls, inspect, rm (files at /run/secrets, never in the environment)", cmd_secret},
    {"start", "start created or stopped containers (in the background; -a: attached)", cmd_start},
    {"stats", "show what containers use: CPU, memory, network and block I/O, pids (live)", cmd_stats},
    {"stop", "stop running containers (the stop signal, then SIGKILL)", cmd_stop},
    {"system", "manage ward: df, events, info, prune", cmd_system},
    {"tag", "give an image another name", cmd_tag},
    {"top", "show the running processes of a container (ps -ef)", cmd_top},
    {"unpause", "unpause all processes of paused containers", cmd_unpause},
    {"update", "change containers' limits and restart policy (live when they run)", cmd_update},
    {"version", "print the version", cmd_version},
    {"volume", "manage volumes: create, inspect, ls, prune, rm", cmd_volume},
    {"wait", "wait until containers stop; print their exit codes", cmd_wait},
};

void print_usage(std::FILE* out) {
  std::string text =
      "usage: ward [--root DIR] COMMAND [ARGS...]\n\n"
      "Options:\n   --root DIR  the store (default /var/lib/ward as root, else\n"
      "               $XDG_DATA_HOME/ward; $WARD_ROOT overrides the default)\n\n"
      "Commands:\n" +
      verb_list<WardOptions>(kVerbs) + "\nRun 'ward COMMAND --help' for a command's usage.\n";
  std::fputs(text.c_str(), out);
}

}  // namespace

}  // namespace ward::cli::engine

int main(int argc, char** argv) {
  using namespace ward::cli;
  using namespace ward::cli::engine;
  // As ward-oci: tests run the path-handling suites (cp) again with
  // openat2 unavailable.
  if (const char* no_openat2 = std::getenv("WARD_NO_OPENAT2"); no_openat2 != nullptr && no_openat2[0] == '1')
    ward::sys::raw::force_openat2_fallback(true);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(stderr);
    return kExitUsage;
  }
  WardOptions options;
  // Global flags come before the verb: --root DIR, --root=DIR.
  while (!args.empty() && args.front().starts_with("--root")) {
    if (args.front() == "--root" && args.size() >= 2) {
      options.root = args[1];
      args.erase(args.begin(), args.begin() + 2);
    } else if (args.front().starts_with("--root=")) {
      options.root = args.front().substr(7);
      args.erase(args.begin());
    } else {
      return kReporter.fail("", "flag needs an argument: --root", kExitUsage);
    }
    if (options.root.empty()) return kReporter.fail("", "--root: must not be empty", kExitUsage);
  }
  if (args.empty()) {
    print_usage(stderr);
    return kExitUsage;
  }
  const std::string& verb = args.front();
  if (verb == "--help" || verb == "-h" || (verb == "help" && args.size() == 1)) {
    print_usage(stdout);
    return 0;
  }
  // `ward help VERB [SUBCOMMAND]`: that command's own --help.
  if (verb == "help") {
    const auto* wanted = find_verb<WardOptions>(kVerbs, args[1]);
    if (wanted == nullptr)
      return kReporter.fail("help", fmt::format("unknown command \"{}\" (see 'ward --help')", args[1]), kExitUsage);
    std::vector<std::string> rest(args.begin() + 2, args.end());
    rest.push_back("--help");
    return wanted->run(options, rest);
  }
  if (verb == "--version") return cmd_version(options, {});
  if (verb.starts_with('-')) return kReporter.fail("", fmt::format("unknown flag: {}", verb), kExitUsage);
  // Not in the table (no user types it): what a container's monitor runs
  // to restart it and to record its end.
  if (verb == "monitor-start")
    return cmd_monitor_start(options, std::vector<std::string>(args.begin() + 1, args.end()));
  if (verb == "monitor-health")
    return cmd_monitor_health(options, std::vector<std::string>(args.begin() + 1, args.end()));
  if (verb == "monitor-exit") return cmd_monitor_exit(options, std::vector<std::string>(args.begin() + 1, args.end()));
  const auto* found = find_verb<WardOptions>(kVerbs, verb);
  if (found == nullptr)
    return kReporter.fail("", fmt::format("unknown command \"{}\" (see 'ward --help')", verb), kExitUsage);
  return found->run(options, std::vector<std::string>(args.begin() + 1, args.end()));
}
