// The rule functions' shared context (internal to audit/lint).
#pragma once

#include <string>
#include <vector>

#include "audit/lint/dockerfile.h"
#include "audit/lint/lint.h"
#include "audit/lint/shell.h"

namespace ward::audit::lint {

struct RuleContext {
  const Dockerfile& dockerfile;
  const LintConfig& config;
  std::vector<Finding> findings;

  void report(const std::string& rule, int line, std::string message = "");
};

// The shell script a RUN runs: its shell form or its heredoc bodies.
[[nodiscard]] std::string run_script(const Instruction& run);

void check_instructions(RuleContext& context);  // rules_instructions.cc
void check_stages(RuleContext& context);        // rules_stages.cc
void check_run(RuleContext& context);           // rules_run.cc
void check_packages(RuleContext& context);      // rules_packages.cc
void check_labels(RuleContext& context);        // rules_labels.cc
void check_secrets(RuleContext& context);       // rules_secrets.cc

}  // namespace ward::audit::lint

namespace ward::audit::lint {

// Every RUN, ONBUILD RUN included, in file order.
[[nodiscard]] std::vector<const Instruction*> run_instructions(const Dockerfile& dockerfile);

// Secret detection (rules_secrets.cc), shared with the tests.
[[nodiscard]] bool secret_like_name(std::string_view name);
[[nodiscard]] std::string credential_in(std::string_view text);
[[nodiscard]] bool key_file(std::string_view path);

// A RUN --mount=type=cache (or any mount) whose target is `path` or under it.
[[nodiscard]] bool mounts_cache_at(const Instruction& run, std::string_view path);

// The positional words of `command` after its program, skipping the values
// of the options in `with_values` ("-o", "--virtual").
[[nodiscard]] std::vector<std::string> positionals(const ShellCommand& command,
                                                   const std::vector<std::string_view>& with_values);

}  // namespace ward::audit::lint
