// hadolint's configuration as ward lint reads it: inline and global
// pragmas, .hadolint.yaml keys, HADOLINT_* variables, and their errors.
#include <algorithm>

#include <gtest/gtest.h>

#include "audit/lint/lint.h"

namespace ward::audit::lint {
namespace {

std::vector<std::string> rules_found(const std::string& text, LintConfig config = {}) {
  config.shellcheck_program.clear();
  auto outcome = lint_text(text, "Dockerfile", config);
  EXPECT_TRUE(outcome.has_value());
  std::vector<std::string> ids;
  if (outcome)
    for (const Finding& f : outcome->findings) ids.push_back(f.rule);
  return ids;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(LintPragmas, InlineIgnoreAppliesToTheNextInstructionOnly) {
  const std::string text = "FROM debian:12\n# hadolint ignore=DL3004, DL3003\nRUN sudo ls\nRUN sudo cd /\n";
  auto ids = rules_found(text);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "DL3004"), 1);  // line 4 only
  EXPECT_TRUE(has(ids, "DL3003"));
  LintConfig strict;
  strict.disable_ignore_pragma = true;
  ids = rules_found(text, strict);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "DL3004"), 2);
}

TEST(LintPragmas, GlobalIgnoreAppliesEverywhere) {
  auto ids = rules_found("# hadolint global ignore=DL3004\nFROM debian:12\nRUN sudo ls\nRUN sudo make\n");
  EXPECT_FALSE(has(ids, "DL3004"));
}

TEST(LintPragmas, ShellPragmaForAnotherShellIsAccepted) {
  auto ids =
      rules_found("FROM mcr.microsoft.com/powershell:7.4\n# hadolint shell=pwsh\nRUN Get-ChildItem | Select-Object\n");
  EXPECT_TRUE(has(ids, "DL4006"));  // the pragma only turns ShellCheck off
}

TEST(LintConfigFile, ReadsHadolintKeys) {
  LintConfig config;
  auto applied = apply_config_text(config, R"(
ignored:
  - DL3008
failure-threshold: warning
trustedRegistries:
  - quay.io
override:
  error:
    - DL3059
  style: [DL3003]
label-schema:
  maintainer: email
strict-labels: true
disable-ignore-pragma: true
)",
                                   ".hadolint.yaml");
  ASSERT_TRUE(applied) << applied.error().what();
  EXPECT_TRUE(config.ignored.contains("DL3008"));
  EXPECT_EQ(config.failure_threshold, Severity::warning);
  EXPECT_EQ(config.trusted_registries, std::vector<std::string>{"quay.io"});
  EXPECT_EQ(config.overrides.at("DL3059"), Severity::error);
  EXPECT_EQ(config.overrides.at("DL3003"), Severity::style);
  EXPECT_EQ(config.label_schema.at("maintainer"), "email");
  EXPECT_TRUE(config.strict_labels);
  EXPECT_TRUE(config.disable_ignore_pragma);

  config.shellcheck_program.clear();
  auto outcome = lint_text("FROM debian:12\nRUN echo a\nRUN cd / && echo b\n", "Dockerfile", config);
  ASSERT_TRUE(outcome);
  auto dl3059 = std::find_if(outcome->findings.begin(), outcome->findings.end(),
                             [](const Finding& f) { return f.rule == "DL3059"; });
  ASSERT_NE(dl3059, outcome->findings.end());
  EXPECT_EQ(dl3059->severity, Severity::error);
  EXPECT_TRUE(fails(outcome->findings, config.failure_threshold));
}

TEST(LintConfigFile, ErrorsNameTheFileAndKey) {
  LintConfig config;
  auto unknown = apply_config_text(config, "ignored: [DL3008]\nverbose: true\n", "cfg.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().what().find("cfg.yaml: verbose: not supported"), std::string::npos)
      << unknown.error().what();
  auto bad_threshold = apply_config_text(config, "failure-threshold: loud\n", "cfg.yaml");
  ASSERT_FALSE(bad_threshold);
  EXPECT_NE(bad_threshold.error().what().find("failure-threshold"), std::string::npos);
  auto bad_yaml = apply_config_text(config, "ignored: [DL3008\n", "cfg.yaml");
  ASSERT_FALSE(bad_yaml);
  EXPECT_NE(bad_yaml.error().what().find("cfg.yaml:"), std::string::npos);
  auto bad_label = apply_config_text(config, "label-schema:\n  a: colour\n", "cfg.yaml");
  ASSERT_FALSE(bad_label);
  EXPECT_NE(bad_label.error().what().find("unknown type \"colour\""), std::string::npos);
  auto missing = apply_config_file(config, "/nonexistent/.hadolint.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what().find("/nonexistent/.hadolint.yaml"), std::string::npos);
}

TEST(LintEnvironment, HadolintVariables) {
  LintConfig config;
  auto applied = apply_environment(config, {{"HADOLINT_IGNORE", "DL3008, DL3009"},
                                            {"HADOLINT_FAILURE_THRESHOLD", "error"},
                                            {"HADOLINT_TRUSTED_REGISTRIES", "quay.io,ghcr.io"},
                                            {"HADOLINT_OVERRIDE_INFO", "DL3004"},
                                            {"HADOLINT_STRICT_LABELS", "true"},
                                            {"HADOLINT_REQUIRE_LABELS", "maintainer:email,version:semver"}});
  ASSERT_TRUE(applied) << applied.error().what();
  EXPECT_TRUE(config.ignored.contains("DL3008") && config.ignored.contains("DL3009"));
  EXPECT_EQ(config.failure_threshold, Severity::error);
  EXPECT_EQ(config.trusted_registries.size(), 2u);
  EXPECT_EQ(config.overrides.at("DL3004"), Severity::info);
  EXPECT_TRUE(config.strict_labels);
  EXPECT_EQ(config.label_schema.at("version"), "semver");
  EXPECT_FALSE(apply_environment(config, {{"HADOLINT_FAILURE_THRESHOLD", "loud"}}));
  LintConfig no_fail;
  ASSERT_TRUE(apply_environment(no_fail, {{"HADOLINT_NO_FAIL", "1"}}));
  EXPECT_FALSE(no_fail.failure_threshold.has_value());
}

TEST(LintShellCheck, MissingProgramLeavesANote) {
  LintConfig config;
  config.shellcheck_program = "/nonexistent/shellcheck";
  auto outcome = lint_text("FROM debian:12\nRUN echo $1\n", "Dockerfile", config);
  ASSERT_TRUE(outcome);
  ASSERT_EQ(outcome->notes.size(), 1u);
  EXPECT_NE(outcome->notes[0].find("ShellCheck (SC) rules skipped"), std::string::npos);
}

TEST(LintShellCheck, ReportsScCodesAtTheRunLine) {
  LintConfig config;
  auto outcome =
      lint_text("FROM debian:12\nARG VERSION\nRUN echo $1 $VERSION && [ $undefined_var == x ]\n", "Dockerfile", config);
  ASSERT_TRUE(outcome);
  if (!outcome->notes.empty()) GTEST_SKIP() << outcome->notes[0];
  auto sc = std::find_if(outcome->findings.begin(), outcome->findings.end(),
                         [](const Finding& f) { return f.rule.starts_with("SC"); });
  ASSERT_NE(sc, outcome->findings.end());
  EXPECT_EQ(sc->location.line, 3);
  EXPECT_FALSE(outcome->extra_rules.empty());
  // $VERSION is an ARG: exported before the script, so no SC2154 for it.
  for (const Finding& f : outcome->findings) EXPECT_EQ(f.message.find("VERSION"), std::string::npos) << f.message;
}

}  // namespace
}  // namespace ward::audit::lint
