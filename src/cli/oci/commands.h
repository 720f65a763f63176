// ward-oci verbs: one file each.  Every verb returns the process exit code
// and reports its own errors through report_error().
#pragma once

#include <string>
#include <vector>

#include "cli/oci/args.h"
#include "util/error.h"

namespace ward::cli {

struct GlobalOptions {
  std::string root = "/run/ward-oci";
  bool systemd_cgroup = false;
};

// Prints "ward-oci: MESSAGE" on stderr and writes it to the --log file.
int report_error(const Error& error);
int report_error(const std::string& message);
// Parses a verb's flags, printing usage on error; nullopt means "exit 1".
std::optional<ParsedArgs> parse_verb(const std::string& verb, const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs, size_t min_positional,
                                     size_t max_positional, const std::string& usage);

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
