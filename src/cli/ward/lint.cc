// ward lint [OPTIONS] Dockerfile...: hadolint's rules, configuration, JSON
// records and exit codes, plus ward's secret rules (docs/LINT.md).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "audit/lint/lint.h"
#include "audit/output.h"
#include "cli/core/args.h"
#include "cli/core/version.h"
#include "cli/ward/commands.h"
#include "util/sys.h"

extern char** environ;

namespace ward::cli::engine {

namespace {

constexpr const char* kUsage =
    "usage: ward lint [OPTIONS] Dockerfile...\n\n"
    "Checks Dockerfiles with hadolint's rules (DL*), ShellCheck on RUN scripts (SC*, where shellcheck is\n"
    "installed) and ward's secret rules (WARD-SECRET-*).  '-' reads standard input.  Reads .hadolint.yaml\n"
    "from the current directory (or --config FILE) and HADOLINT_* variables.  Exit status 1 when a finding\n"
    "is at or above the failure threshold (default info), 2 on a usage error.\n\n"
    "Options:\n";

const std::vector<FlagSpec> kFlags = {
    {{"format", "f"}, true, "table (default), json, sarif, checkstyle or gitlab"},
    {{"fail-on", "failure-threshold", "t"},
     true,
     "exit 1 at this severity or above: error, warning, info, style, none"},
    {{"ignore"}, true, "a rule ID to skip (repeatable)"},
    {{"config", "c"}, true, "hadolint YAML configuration (default: ./.hadolint.yaml when present)"},
    {{"trusted-registry"}, true, "a registry FROM may use, enables DL3026 (repeatable)"},
    {{"no-fail"}, false, "exit 0 whatever is found"},
    {{"no-color"}, false, "no colour, even on a terminal"},
    {{"help", "h"}, false, "show help"},
};

std::map<std::string, std::string> hadolint_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry = *e;
    if (!entry.starts_with("HADOLINT_")) continue;
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos) out.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

Result<std::string> read_input(const std::string& file) {
  if (file != "-") return sys::read_file(file);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return fail("read standard input");
  return text;
}

}  // namespace

int cmd_lint(const WardOptions&, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("lint", parsed.error(), kExitUsage);
  if (parsed->flag("help")) {
    std::fputs((kUsage + flags_help(kFlags)).c_str(), stdout);
    return 0;
  }
  if (parsed->positional.empty())
    return kReporter.fail("lint", "expected at least one Dockerfile (see 'ward lint --help')", kExitUsage);

  // Configuration, lowest first: the file, the environment, the flags.
  audit::lint::LintConfig config;
  std::string config_file = parsed->value("config");
  if (config_file.empty() && std::filesystem::exists(".hadolint.yaml"))
    config_file = ".hadolint.yaml";
  else if (config_file.empty() && std::filesystem::exists(".hadolint.yml"))
    config_file = ".hadolint.yml";
  if (!config_file.empty())
    if (auto r = audit::lint::apply_config_file(config, config_file); !r)
      return kReporter.fail("lint", fmt::format("--config: {}", r.error().what()), kExitUsage);
  if (auto r = audit::lint::apply_environment(config, hadolint_environment()); !r)
    return kReporter.fail("lint", r.error(), kExitUsage);
  for (const std::string& id : parsed->all("ignore")) config.ignored.insert(id);
  for (const std::string& registry : parsed->all("trusted-registry")) config.trusted_registries.push_back(registry);
  if (parsed->has("fail-on")) {
    auto threshold = audit::parse_threshold(parsed->value("fail-on"));
    if (!threshold) return kReporter.fail("lint", fmt::format("--fail-on: {}", threshold.error().what()), kExitUsage);
    config.failure_threshold = *threshold;
  }
  if (parsed->flag("no-fail")) config.failure_threshold = std::nullopt;
  std::string format_name = parsed->value("format", config.format.empty() ? "table" : config.format);
  auto format = audit::parse_format(format_name);
  if (!format) return kReporter.fail("lint", fmt::format("--format: {}", format.error().what()), kExitUsage);

  audit::Report result{"ward lint", audit::lint::lint_rules(), {}};
  std::vector<std::string> notes;
  for (const std::string& file : parsed->positional) {
    auto text = read_input(file);
    if (!text) return kReporter.fail("lint", text.error(), kExitFailure);
    auto outcome = audit::lint::lint_text(*text, file, config);
    if (!outcome) return kReporter.fail("lint", outcome.error(), kExitFailure);
    result.findings.insert(result.findings.end(), outcome->findings.begin(), outcome->findings.end());
    for (auto& rule : outcome->extra_rules)
      if (audit::find_rule(result, rule.id) == nullptr) result.rules.push_back(rule);
    for (auto& note : outcome->notes)
      if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
  }
  for (const std::string& note : notes) kReporter.fail("lint", fmt::format("note: {}", note), 0);
  bool colour = *format == audit::Format::table && !parsed->flag("no-color") && !config.no_color &&
                std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
  std::string text = audit::render(result, *format, colour, kVersion);
  std::fputs(text.c_str(), stdout);
  if (std::fflush(stdout) != 0) return kReporter.fail("lint", "write standard output", kExitFailure);
  return audit::fails(result.findings, config.failure_threshold) ? kExitFailure : 0;
}

}  // namespace ward::cli::engine
