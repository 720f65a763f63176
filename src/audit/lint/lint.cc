// The lint driver: parse, run every rule, then apply what the user asked
// to silence (pragmas, ignored rules, severity overrides), and ShellCheck.
#include "audit/lint/lint.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "audit/lint/rules.h"
#include "audit/lint/shellcheck.h"

namespace ward::audit::lint {

void RuleContext::report(const std::string& rule, int line, std::string message) {
  const Rule* known = lint_rule(rule);
  Severity severity = known != nullptr ? known->severity : Severity::warning;
  if (message.empty() && known != nullptr) message = known->title;
  // Member by member: g++ 12 at -O3 warns (maybe-uninitialized) on the
  // nested aggregate temporary.
  Finding finding;
  finding.rule = rule;
  finding.severity = severity;
  finding.location.file = dockerfile.file;
  finding.location.line = line;
  finding.message = std::move(message);
  findings.push_back(std::move(finding));
}

namespace {

struct Pragmas {
  std::map<int, std::set<std::string>> by_line;  // instruction line -> ignored rule IDs
  std::set<std::string> global;
  std::vector<int> inline_lines;  // for DL1001
  bool non_posix_shell = false;   // `# hadolint shell=powershell`
};

std::vector<std::string> id_list(std::string_view text) {
  std::vector<std::string> ids;
  std::string id;
  for (char ch : text) {
    if (ch == ',' || std::isspace(static_cast<unsigned char>(ch)) != 0) {
      if (!id.empty()) ids.push_back(id);
      id.clear();
      if (ch != ',' && !ids.empty()) break;  // a comment after the list
    } else {
      id += ch;
    }
  }
  if (!id.empty()) ids.push_back(id);
  return ids;
}

// "hadolint ignore=DL3008,DL3009", "hadolint global ignore=DL3003",
// "hadolint shell=powershell".
Pragmas read_pragmas(const Dockerfile& df) {
  Pragmas p;
  for (const Comment& comment : df.comments) {
    std::string_view text = comment.text;
    if (!text.starts_with("hadolint") || text.size() == 8 || std::isspace(static_cast<unsigned char>(text[8])) == 0)
      continue;
    text.remove_prefix(8);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
    bool global = text.starts_with("global");
    if (global) {
      text.remove_prefix(6);
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
    }
    auto value_of = [&](std::string_view key) -> std::optional<std::string_view> {
      if (!text.starts_with(key)) return std::nullopt;
      std::string_view rest = text.substr(key.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (!rest.starts_with('=')) return std::nullopt;
      rest.remove_prefix(1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      return rest;
    };
    if (auto shell = value_of("shell")) {
      std::string_view s = *shell;
      p.non_posix_shell =
          !(s.starts_with("sh") || s.starts_with("bash") || s.starts_with("/bin/sh") || s.starts_with("/bin/bash"));
      continue;
    }
    auto ids = value_of("ignore");
    if (!ids) continue;
    if (global) {
      for (const std::string& id : id_list(*ids)) p.global.insert(id);
      continue;
    }
    p.inline_lines.push_back(comment.line);
    // The next instruction after the comment.
    auto next = std::partition_point(df.instructions.begin(), df.instructions.end(),
                                     [&](const Instruction& ins) { return ins.line <= comment.line; });
    if (next == df.instructions.end()) continue;
    for (const std::string& id : id_list(*ids)) p.by_line[next->line].insert(id);
  }
  return p;
}

Severity severity_of_level(std::string_view level) {
  if (level == "error") return Severity::error;
  if (level == "info") return Severity::info;
  if (level == "style") return Severity::style;
  return Severity::warning;
}

// ShellCheck on every shell-form RUN whose SHELL is sh or bash.
void shellcheck_runs(const Dockerfile& df, const LintConfig& config, bool non_posix, LintOutcome& out) {
  if (config.shellcheck_program.empty() || non_posix) return;
  if (!program_available(config.shellcheck_program)) {
    out.notes.push_back(fmt::format("{} not found: ShellCheck (SC) rules skipped", config.shellcheck_program));
    return;
  }
  std::string shell = "sh";
  std::set<std::string> names;  // ARG and ENV names of the stage so far
  for (const Instruction& ins : df.instructions) {
    if (ins.keyword == "FROM") {
      shell = "sh";
      names.clear();
    } else if (ins.keyword == "ARG" || ins.keyword == "ENV") {
      for (const KeyValue& kv : ins.pairs) names.insert(kv.key);
    } else if (ins.keyword == "SHELL" && !ins.json_arguments.empty()) {
      std::string program = ins.json_arguments[0].substr(ins.json_arguments[0].rfind('/') + 1);
      shell = program == "bash" || program == "sh" || program == "dash" || program == "ksh" ? program : "";
    } else if (ins.keyword == "RUN" && !ins.json_form && !shell.empty()) {
      std::string script = "#!/bin/" + shell + "\n";
      for (const std::string& name : names)
        if (!name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
              return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
            }))
          script += "export " + name + "=\"\"\n";
      script += run_script(ins) + "\n";
      auto comments = run_shellcheck(config.shellcheck_program, shell, script);
      if (!comments) {
        out.notes.push_back(fmt::format("{}:{}: ShellCheck failed: {}", df.file, ins.line, comments.error().what()));
        continue;
      }
      for (const ShellCheckComment& c : *comments) {
        Severity severity = severity_of_level(c.level);
        Finding finding;
        finding.rule = c.code;
        finding.severity = severity;
        finding.location.file = df.file;
        finding.location.line = ins.line;
        finding.message = c.message;
        out.findings.push_back(std::move(finding));
        if (std::none_of(out.extra_rules.begin(), out.extra_rules.end(), [&](const Rule& r) { return r.id == c.code; }))
          out.extra_rules.push_back({c.code, fmt::format("ShellCheck {}", c.code), severity,
                                     fmt::format("ShellCheck {} in a RUN script: {}", c.code, c.message)});
      }
    }
  }
}

}  // namespace

LintOutcome lint_dockerfile(const Dockerfile& dockerfile, const LintConfig& config) {
  RuleContext context{dockerfile, config, {}};
  check_instructions(context);
  check_stages(context);
  check_run(context);
  check_packages(context);
  check_labels(context);
  check_secrets(context);
  Pragmas pragmas = config.disable_ignore_pragma ? Pragmas{} : read_pragmas(dockerfile);
  for (int line : pragmas.inline_lines) context.report("DL1001", line);

  LintOutcome outcome;
  outcome.findings = std::move(context.findings);
  shellcheck_runs(dockerfile, config, pragmas.non_posix_shell, outcome);

  std::vector<Finding> kept;
  for (Finding& f : outcome.findings) {
    if (auto it = config.overrides.find(f.rule); it != config.overrides.end()) f.severity = it->second;
    if (f.severity == Severity::ignore || config.ignored.contains(f.rule) || pragmas.global.contains(f.rule)) continue;
    if (auto it = pragmas.by_line.find(f.location.line); it != pragmas.by_line.end() && it->second.contains(f.rule))
      continue;
    kept.push_back(std::move(f));
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Finding& a, const Finding& b) { return a.location.line < b.location.line; });
  outcome.findings = std::move(kept);
  return outcome;
}

Result<LintOutcome> lint_text(std::string_view text, const std::string& file, const LintConfig& config) {
  auto dockerfile = parse_dockerfile(text, file);
  if (!dockerfile) return std::unexpected(dockerfile.error());
  return lint_dockerfile(*dockerfile, config);
}

}  // namespace ward::audit::lint
