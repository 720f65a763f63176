// What every front end shares besides flag parsing: the verb table's type,
// the one error reporter, and the help text's shape.  A front end is a
// table of verbs and a main() that picks one; each verb lives in its own file.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/core/args.h"
#include "util/error.h"

namespace ward::cli {

inline constexpr int kExitFailure = 1;
// Docker's front end exits 125 when its own flags are wrong; runc (and so
// ward-oci) exits 1.  Each front end passes its own to parse_verb.
inline constexpr int kExitDockerUsage = 125;

// One verb: `ward-oci create`, `ward version`.  `Context` carries what the
// global flags set (ward-oci's --root, --log, ...).
template <class Context>
struct Verb {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Context& context, const std::vector<std::string>& args);
};

template <class Context>
[[nodiscard]] const Verb<Context>* find_verb(std::span<const Verb<Context>> verbs, std::string_view name) {
  for (const auto& verb : verbs)
    if (verb.name == name) return &verb;
  return nullptr;
}

// "   NAME       SUMMARY" lines, for a front end's help.
template <class Context>
[[nodiscard]] std::string verb_list(std::span<const Verb<Context>> verbs) {
  std::string text;
  for (const auto& verb : verbs) text += fmt::format("   {:<10} {}\n", verb.name, verb.summary);
  return text;
}

// The one error reporter: prints "PROGRAM: [VERB: ]MESSAGE" as one line on
// stderr (one write, so lines of processes sharing stderr do not interleave)
// and into the log, where ward-oci's --log sends it; returns `status`.
// MESSAGE is Error::what(): "<what>: <why>".
class Reporter {
 public:
  explicit Reporter(std::string_view program) : program_(program) {}

  int fail(std::string_view verb, std::string_view message, int status = kExitFailure) const;
  int fail(std::string_view verb, const Error& error, int status = kExitFailure) const {
    return fail(verb, error.what(), status);
  }
  [[nodiscard]] std::string_view program() const { return program_; }

 private:
  std::string_view program_;
};

// How a verb is called, for its help and its errors.
struct VerbUsage {
  const Reporter& reporter;
  std::string_view verb;
  std::string_view usage;     // "[options] <container-id>"
  int usage_status;           // exit status of a wrong command line
  bool docker_style = false;  // pflag's rules (parse_docker_args), else runc's
};

// Parses a verb's flags (plus --help/-h).  --help prints
// "usage: PROGRAM VERB USAGE" and the flags, and exits 0.  A wrong command
// line is reported in one line, "PROGRAM: VERB: MESSAGE"; nullopt then
// means "exit usage_status".
[[nodiscard]] std::optional<ParsedArgs> parse_verb(const VerbUsage& how, const std::vector<std::string>& args,
                                                   const std::vector<FlagSpec>& specs, size_t min_positional,
                                                   size_t max_positional);

}  // namespace ward::cli
