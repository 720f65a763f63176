// ward-oci verbs: one file each.  Every verb returns the process exit code
// and reports its own errors through report_error().
#pragma once

#include <string>
#include <vector>

#include "cli/core/args.h"
#include "cli/core/front_end.h"
#include "util/error.h"

namespace ward::runtime {
class Runtime;
}

namespace ward::cli {

// What ward-oci's global flags set, handed to every verb.
struct GlobalOptions {
  std::string root;  // the state root: --root, or runtime::default_state_root()
  bool systemd_cgroup = false;
};

// ward-oci's errors: "ward-oci: MESSAGE" on stderr and in the --log file.
// The runtime's messages carry their own context (and runc's words that
// clients parse, see runtime/client_words.h), so no verb is added.
inline const Reporter kReporter{"ward-oci"};
inline int report_error(const Error& error) {
  return kReporter.fail("", error);
}
inline int report_error(const std::string& message) {
  return kReporter.fail("", message);
}
// Parses a verb's flags as runc does; nullopt means "exit 1".
inline std::optional<ParsedArgs> parse_verb(std::string_view verb, const std::vector<std::string>& args,
                                            const std::vector<FlagSpec>& specs, size_t min_positional,
                                            size_t max_positional, std::string_view usage) {
  return cli::parse_verb(VerbUsage{kReporter, verb, usage, kExitFailure}, args, specs, min_positional, max_positional);
}

// A verb whose only argument is a container id (start, pause, resume):
// parses it, runs `action` on it, reports a failure.
int run_on_container(const GlobalOptions& global, const std::vector<std::string>& args, std::string_view verb,
                     Result<> (*action)(runtime::Runtime& runtime, const std::string& id));

int cmd_create(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_start(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_run(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_state(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_kill(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_delete(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_list(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_spec(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_features(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_pause(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_resume(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_exec(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_update(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_events(const GlobalOptions& global, const std::vector<std::string>& args);
int cmd_ps(const GlobalOptions& global, const std::vector<std::string>& args);

}  // namespace ward::cli
