// ward container SUBCOMMAND: Docker's management command for containers,
// each subcommand the same code as its short verb (ls = ps, ...).
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

int container_inspect(const WardOptions& options, const std::vector<std::string>& args) {
  std::vector<std::string> typed = {"--type", "container"};
  typed.insert(typed.end(), args.begin(), args.end());
  return cmd_inspect(options, typed);
}

constexpr Verb<WardOptions> kContainerVerbs[] = {
    {"attach", "attach this terminal to a running container", cmd_attach},
    {"commit", "create a new image from a container's changes", cmd_commit},
    {"cp", "copy files between a container and the host", cmd_cp},
    {"create", "create a container", cmd_create},
    {"diff", "show the files a container changed", cmd_diff},
    {"exec", "run a command in a running container", cmd_exec},
    {"export", "export a container's filesystem as a tar archive", cmd_export},
    {"inspect", "show low-level information on containers", container_inspect},
    {"kill", "send a signal to running containers", cmd_kill},
    {"logs", "show a container's output", cmd_logs},
    {"ls", "list containers", cmd_ps},
    {"pause", "pause all processes of running containers", cmd_pause},
    {"prune", "remove all stopped containers", cmd_container_prune},
    {"rename", "rename a container", cmd_rename},
    {"restart", "stop and start containers again", cmd_restart},
    {"rm", "remove containers", cmd_rm},
    {"run", "create and run a container", cmd_run},
    {"start", "start created or stopped containers", cmd_start},
    {"stats", "show what containers use (live)", cmd_stats},
    {"stop", "stop running containers", cmd_stop},
    {"top", "show the running processes of a container", cmd_top},
    {"unpause", "unpause all processes of paused containers", cmd_unpause},
    {"update", "change containers' limits and restart policy", cmd_update},
    {"wait", "wait until containers stop; print their exit codes", cmd_wait},
};

constexpr std::pair<std::string_view, std::string_view> kAliases[] = {{"list", "ls"}, {"ps", "ls"}, {"remove", "rm"}};

}  // namespace

int cmd_container(const WardOptions& options, const std::vector<std::string>& args) {
  return run_subcommand({"container", "Manage containers.", kContainerVerbs, kAliases}, options, args);
}

}  // namespace ward::cli::engine
