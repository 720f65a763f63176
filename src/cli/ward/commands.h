// The `ward` front end: one function per verb, each in its own file,
// returning the exit status.  Usage errors exit 2, failures 1.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/core/front_end.h"
#include "engine/engine.h"
#include "image/store.h"

namespace ward::cli::engine {

inline constexpr int kExitUsage = 2;

// What ward's global flags set, handed to every verb.
struct WardOptions {
  std::string root;  // --root or $WARD_ROOT; empty: image::default_store_root()
};

// The image store under the options' root, opened (created on first use).
[[nodiscard]] Result<image::Store> open_store(const WardOptions& options);
// The engine over that store (containers).
[[nodiscard]] Result<ward::engine::Engine> open_engine(const WardOptions& options);

// ward's errors: "ward: VERB: WHAT: WHY", one line on stderr.
inline const Reporter kReporter{"ward"};

// A container verb's command line, Docker's way (flags anywhere among the
// names).  --help prints "usage: ward VERB USAGE", `summary` and the flags,
// and exits 0; a wrong command line (a flag, fewer than `min_names`
// names) is reported in one line and gives nullopt: exit 125.
[[nodiscard]] std::optional<ParsedArgs> parse_container_verb(std::string_view verb, std::string_view usage,
                                                             std::string_view summary,
                                                             const std::vector<std::string>& args,
                                                             const std::vector<FlagSpec>& flags,
                                                             std::size_t min_names = 1);

// The verbs that act on containers by name (start, stop, kill, rm, ...):
// `action` on each container NAMES names, in order.  A failure is reported
// ("ward: VERB: ...") and the others still go, as Docker's; each name that
// succeeds is printed when `echo`.  Exit status 1 if any failed.
int for_each_container(std::string_view verb, ward::engine::Engine& engine, const std::vector<std::string>& names,
                       bool echo, const std::function<Result<>(const ward::engine::ContainerRecord&)>& action);

// A management command's subcommands: `ward image ls`, `ward system df`.
struct SubcommandGroup {
  std::string_view name;     // "image"
  std::string_view summary;  // "Manage images."
  std::span<const Verb<WardOptions>> verbs;
  std::span<const std::pair<std::string_view, std::string_view>> aliases;  // {"list", "ls"}
};
// Runs the subcommand args[0] names with the rest of `args`; usage errors
// and unknown subcommands exit 125, as Docker's do.
int run_subcommand(const SubcommandGroup& group, const WardOptions& options, const std::vector<std::string>& args);

// The registry a login/logout SERVER argument names: "http://HOST/path" is
// HOST; none, index.docker.io and registry-1.docker.io are docker.io.
[[nodiscard]] std::string registry_server(std::string_view text);

int cmd_attach(const WardOptions& options, const std::vector<std::string>& args);
// `ward attach`'s body, shared with `ward start -a` of a running container:
// --detach-keys and --sig-proxy from `parsed`; the exit status.
[[nodiscard]] int attach_running(std::string_view verb, ward::engine::Engine& engine,
                                 const ward::engine::ContainerRecord& container, const ParsedArgs& parsed,
                                 bool with_stdin);
int cmd_exec(const WardOptions& options, const std::vector<std::string>& args);
int cmd_create(const WardOptions& options, const std::vector<std::string>& args);
int cmd_kill(const WardOptions& options, const std::vector<std::string>& args);
int cmd_logs(const WardOptions& options, const std::vector<std::string>& args);
int cmd_monitor_exit(const WardOptions& options, const std::vector<std::string>& args);
int cmd_monitor_start(const WardOptions& options, const std::vector<std::string>& args);
int cmd_monitor_health(const WardOptions& options, const std::vector<std::string>& args);
int cmd_restart(const WardOptions& options, const std::vector<std::string>& args);
int cmd_start(const WardOptions& options, const std::vector<std::string>& args);
int cmd_stop(const WardOptions& options, const std::vector<std::string>& args);
int cmd_wait(const WardOptions& options, const std::vector<std::string>& args);
int cmd_pause(const WardOptions& options, const std::vector<std::string>& args);
int cmd_unpause(const WardOptions& options, const std::vector<std::string>& args);
int cmd_rename(const WardOptions& options, const std::vector<std::string>& args);
int cmd_top(const WardOptions& options, const std::vector<std::string>& args);
int cmd_container(const WardOptions& options, const std::vector<std::string>& args);
int cmd_stats(const WardOptions& options, const std::vector<std::string>& args);
int cmd_diff(const WardOptions& options, const std::vector<std::string>& args);
int cmd_cp(const WardOptions& options, const std::vector<std::string>& args);
int cmd_export(const WardOptions& options, const std::vector<std::string>& args);
int cmd_commit(const WardOptions& options, const std::vector<std::string>& args);
int cmd_container_prune(const WardOptions& options, const std::vector<std::string>& args);
int cmd_info(const WardOptions& options, const std::vector<std::string>& args);
int cmd_events(const WardOptions& options, const std::vector<std::string>& args);
int cmd_update(const WardOptions& options, const std::vector<std::string>& args);
int cmd_secret(const WardOptions& options, const std::vector<std::string>& args);
int cmd_completion(const WardOptions& options, const std::vector<std::string>& args);
int cmd_system_prune(const WardOptions& options, const std::vector<std::string>& args);
int cmd_apparmor(const WardOptions& options, const std::vector<std::string>& args);
int cmd_audit(const WardOptions& options, const std::vector<std::string>& args);
int cmd_lint(const WardOptions& options, const std::vector<std::string>& args);
int cmd_scan(const WardOptions& options, const std::vector<std::string>& args);
int cmd_selftest(const WardOptions& options, const std::vector<std::string>& args);
int cmd_image(const WardOptions& options, const std::vector<std::string>& args);
int cmd_history(const WardOptions& options, const std::vector<std::string>& args);
int cmd_image_prune(const WardOptions& options, const std::vector<std::string>& args);
int cmd_import(const WardOptions& options, const std::vector<std::string>& args);
int cmd_images(const WardOptions& options, const std::vector<std::string>& args);
int cmd_image_inspect(const WardOptions& options, const std::vector<std::string>& args);
int cmd_inspect(const WardOptions& options, const std::vector<std::string>& args);
int cmd_login(const WardOptions& options, const std::vector<std::string>& args);
int cmd_logout(const WardOptions& options, const std::vector<std::string>& args);
int cmd_load(const WardOptions& options, const std::vector<std::string>& args);
int cmd_pull(const WardOptions& options, const std::vector<std::string>& args);
int cmd_push(const WardOptions& options, const std::vector<std::string>& args);
int cmd_save(const WardOptions& options, const std::vector<std::string>& args);
int cmd_ps(const WardOptions& options, const std::vector<std::string>& args);
int cmd_rm(const WardOptions& options, const std::vector<std::string>& args);
int cmd_run(const WardOptions& options, const std::vector<std::string>& args);
int cmd_rmi(const WardOptions& options, const std::vector<std::string>& args);
int cmd_system(const WardOptions& options, const std::vector<std::string>& args);
int cmd_tag(const WardOptions& options, const std::vector<std::string>& args);
int cmd_volume(const WardOptions& options, const std::vector<std::string>& args);
int cmd_volume_ls(const WardOptions& options, const std::vector<std::string>& args);
int cmd_volume_prune(const WardOptions& options, const std::vector<std::string>& args);

}  // namespace ward::cli::engine
