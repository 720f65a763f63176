// The flags of `ward run` and `ward create`: every flag of `docker run`,
// each either turned into the container's spec or refused with one line
// naming it ("not supported yet"), never parsed and ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/core/args.h"
#include "engine/engine.h"
#include "util/error.h"

namespace ward::cli::engine {

// Docker's run flags, with their short letters and whether they take a value.
[[nodiscard]] const std::vector<FlagSpec>& run_flag_specs();
// Whether `ward run` implements the flag named `name`; the others in the
// table are refused with "--NAME: not supported yet".
[[nodiscard]] bool run_flag_supported(std::string_view name);

// -e: "KEY=VALUE" as given; "KEY" takes the value from ward's environment,
// and is left out when that has none (Docker's rule).
void add_env(std::vector<std::string>& env, const std::string& entry);
// --env-file: one -e per line; blank lines and #-comments skipped.
[[nodiscard]] Result<> read_env_file(std::vector<std::string>& env, const std::string& path);

struct RunCommand {
  ward::engine::CreateRequest request;
  bool detach = false;
  std::vector<std::string> warnings;    // one line each: what weakens isolation
  std::string cidfile;                  // --cidfile: where the id goes; "" for nowhere
  std::string pull_policy = "missing";  // --pull: missing, always or never
  bool quiet = false;                   // -q: no pull output
};

// --cidfile: refused when the file exists (Docker's rule: another
// container may own it), checked before the container is made.
[[nodiscard]] Result<> check_cidfile(const std::string& path);
// Writes the new container's id to the --cidfile (made exclusively).
[[nodiscard]] Result<> write_cidfile(const std::string& path, const std::string& id);

// IMAGE [COMMAND [ARG...]] and the flags, as `docker run` reads them.
// invalid_input naming the flag, or unsupported naming it.
[[nodiscard]] Result<RunCommand> parse_run_command(const ParsedArgs& parsed);

}  // namespace ward::cli::engine
