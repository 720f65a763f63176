// The finding model's outputs: the table, hadolint's JSON records, SARIF
// (its shape here; tests/integration/lint_test.cc validates it against the
// schema), Checkstyle and GitLab Code Quality; thresholds.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/output.h"

namespace ward::audit {
namespace {

// Member by member: g++ 12 at -O3 warns (maybe-uninitialized) on nested
// aggregate temporaries of Finding.
Finding finding(const char* rule, Severity severity, const char* file, int line, const char* message) {
  Finding f;
  f.rule = rule;
  f.severity = severity;
  f.location.file = file;
  f.location.line = line;
  f.message = message;
  return f;
}

Report sample() {
  Report report;
  report.tool = "ward lint";
  report.rules = {{"DL3008", "Pin versions in apt-get install", Severity::warning, "Install package=version."},
                  {"DL3004", "Do not use sudo", Severity::error, "Switch USER."}};
  report.findings.push_back(finding("DL3004", Severity::error, "Dockerfile", 3, "Do not use sudo"));
  report.findings.push_back(finding("DL3008", Severity::warning, "app/Dockerfile", 7, "Pin <versions> & \"quotes\""));
  return report;
}

TEST(AuditOutput, TableColoursOnlyWhenAsked) {
  std::string plain = render(sample(), Format::table, false);
  EXPECT_EQ(
      plain,
      "Dockerfile:3 DL3004 error: Do not use sudo\napp/Dockerfile:7 DL3008 warning: Pin <versions> & \"quotes\"\n");
  std::string coloured = render(sample(), Format::table, true);
  EXPECT_NE(coloured.find("\033[1;31merror\033[0m"), std::string::npos);
}

TEST(AuditOutput, JsonRecordsHaveHadolintsShape) {
  auto records = nlohmann::json::parse(render(sample(), Format::json, false));
  ASSERT_TRUE(records.is_array());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], nlohmann::json({{"code", "DL3004"},
                                        {"column", 1},
                                        {"file", "Dockerfile"},
                                        {"level", "error"},
                                        {"line", 3},
                                        {"message", "Do not use sudo"}}));
  EXPECT_EQ(nlohmann::json::parse(render(Report{}, Format::json, false)), nlohmann::json::array());
}

TEST(AuditOutput, SarifNamesRulesWithHelpAndLocations) {
  auto log = nlohmann::json::parse(render(sample(), Format::sarif, false, "0.1.0"));
  EXPECT_EQ(log["version"], "2.1.0");
  const auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "ward lint");
  EXPECT_EQ(run["tool"]["driver"]["version"], "0.1.0");
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["id"], "DL3004");
  EXPECT_EQ(rules[0]["help"]["text"], "Switch USER.");
  const auto& result = run["results"][1];
  EXPECT_EQ(result["ruleId"], "DL3008");
  EXPECT_EQ(result["ruleIndex"], 1);
  EXPECT_EQ(result["level"], "warning");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app/Dockerfile");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startLine"], 7);
}

TEST(AuditOutput, CheckstyleEscapesAndGroupsByFile) {
  std::string xml = render(sample(), Format::checkstyle, false);
  EXPECT_NE(xml.find("<file name=\"Dockerfile\">\n    <error line=\"3\" column=\"1\" severity=\"error\" message=\"Do "
                     "not use sudo\" source=\"DL3004\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("message=\"Pin &lt;versions&gt; &amp; &quot;quotes&quot;\""), std::string::npos) << xml;
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle"));
}

TEST(AuditOutput, GitlabCodeQuality) {
  auto issues = nlohmann::json::parse(render(sample(), Format::gitlab, false));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0]["check_name"], "DL3004");
  EXPECT_EQ(issues[0]["severity"], "critical");
  EXPECT_EQ(issues[1]["severity"], "major");
  EXPECT_EQ(issues[1]["location"]["path"], "app/Dockerfile");
  EXPECT_EQ(issues[1]["location"]["lines"]["begin"], 7);
  EXPECT_EQ(issues[0]["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_NE(issues[0]["fingerprint"], issues[1]["fingerprint"]);
}

TEST(AuditOutput, FormatsAndThresholds) {
  EXPECT_EQ(parse_format("sarif"), Format::sarif);
  EXPECT_EQ(parse_format("gitlab_codeclimate"), Format::gitlab);
  EXPECT_FALSE(parse_format("xml"));
  auto findings = sample().findings;
  EXPECT_TRUE(fails(findings, *parse_threshold("error")));
  EXPECT_TRUE(fails(findings, *parse_threshold("style")));
  EXPECT_FALSE(fails(findings, *parse_threshold("none")));
  findings.erase(findings.begin());  // only the warning left
  EXPECT_FALSE(fails(findings, *parse_threshold("error")));
  EXPECT_TRUE(fails(findings, *parse_threshold("warning")));
  EXPECT_FALSE(parse_threshold("loud"));
}

}  // namespace
}  // namespace ward::audit
