// ward selftest's pure half: ward-probe's output parsed, the verdicts of
// the runs (which single removal let a probe through), and the outputs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/output.h"
#include "audit/selftest/report.h"

namespace ward::audit::selftest {
namespace {

ProbeRun run(std::string layer, std::vector<std::pair<std::string, bool>> results) {
  ProbeRun out{std::move(layer), {}};
  for (auto& [name, escaped] : results) out.results.push_back({name, escaped, escaped ? "got through" : "EPERM"});
  return out;
}

TEST(SelftestParse, ReadsEscapeLinesInOrderAndSkipsOthers) {
  auto results = parse_probe_output(
      "escape.mount=blocked EPERM\nnoise\nescape.bpf=ESCAPED created a BPF map\nescape.sysfs=blocked\n");
  ASSERT_TRUE(results) << results.error().what();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].name, "mount");
  EXPECT_FALSE((*results)[0].escaped);
  EXPECT_EQ((*results)[0].detail, "EPERM");
  EXPECT_TRUE((*results)[1].escaped);
  EXPECT_EQ((*results)[1].detail, "created a BPF map");
  EXPECT_EQ((*results)[2].detail, "");
}

TEST(SelftestParse, RefusesMalformedLinesAndEmptyOutput) {
  auto bad = parse_probe_output("escape.mount=blocked x\nescape.bpf=maybe\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what().find("line 2"), std::string::npos) << bad.error().what();
  EXPECT_FALSE(parse_probe_output("escape.=blocked\n"));
  EXPECT_FALSE(parse_probe_output("nothing here\n"));
  EXPECT_FALSE(parse_probe_output(""));
}

TEST(SelftestAttribute, HeldByTheLayersWhoseRemovalAloneLetsItThrough) {
  Runs runs;
  runs.defaults = run("", {{"keyctl", false}, {"sysrq", false}, {"chroot", false}, {"oops", true}});
  runs.unprotected = run("", {{"keyctl", true}, {"sysrq", true}, {"chroot", false}, {"oops", true}});
  runs.without = {run("seccomp", {{"keyctl", true}, {"sysrq", false}, {"oops", true}}),
                  run("userns", {{"keyctl", false}, {"sysrq", false}, {"oops", true}})};
  auto verdicts = attribute(runs);
  ASSERT_EQ(verdicts.size(), 4u);
  EXPECT_EQ(verdicts[0].held_by, std::vector<std::string>{"seccomp"});
  EXPECT_EQ(holding(verdicts[0]), Holding::held);
  EXPECT_EQ(holding(verdicts[1]), Holding::several);
  EXPECT_EQ(holding(verdicts[2]), Holding::not_reachable);
  // A layer run that did not print the probe counts as blocked.
  EXPECT_EQ(verdicts[2].without, (std::vector<std::pair<std::string, bool>>{{"seccomp", false}, {"userns", false}}));
  // An escape under the defaults is held by nothing.
  EXPECT_EQ(holding(verdicts[3]), Holding::escaped);
  EXPECT_TRUE(verdicts[3].held_by.empty());
}

TEST(SelftestAttribute, EnoughAloneWhenOnlyThatLayerKeptBlocksWhatTheOpenRunLetsThrough) {
  Runs runs;
  runs.defaults = run("", {{"sysrq", false}, {"chroot", false}});
  runs.unprotected = run("", {{"sysrq", true}, {"chroot", false}});
  runs.open = run("", {{"sysrq", true}, {"chroot", false}});
  runs.only = {run("seccomp", {{"sysrq", true}, {"chroot", false}}),
               run("capabilities", {{"sysrq", false}, {"chroot", false}}),
               run("userns", {{"sysrq", false}, {"chroot", false}})};
  auto verdicts = attribute(runs);
  EXPECT_TRUE(verdicts[0].open_escaped);
  EXPECT_EQ(verdicts[0].enough_alone, (std::vector<std::string>{"capabilities", "userns"}));
  // Blocked with every layer removed: no layer is credited.
  EXPECT_TRUE(verdicts[1].enough_alone.empty());
  EXPECT_NE(render_table({"6.1", "p", verdicts}, false).find("several layers; alone: capabilities, userns"),
            std::string::npos);
}

Report sample() {
  Report report;
  report.kernel = "6.1.0";
  report.probe_program = "/usr/bin/ward-probe";
  Runs runs;
  runs.defaults = run("", {{"keyctl", false}, {"mount", true}});
  runs.unprotected = run("", {{"keyctl", true}, {"mount", true}});
  runs.without = {run("seccomp", {{"keyctl", true}, {"mount", true}})};
  runs.open = run("", {{"keyctl", true}, {"mount", true}});
  runs.only = {run("seccomp", {{"keyctl", false}, {"mount", true}})};
  report.verdicts = attribute(runs);
  return report;
}

TEST(SelftestRender, TableNamesTheEscapeAndTheHolder) {
  std::string table = render_table(sample(), false);
  EXPECT_NE(table.find("keyctl  blocked   ESCAPED      seccomp\n"), std::string::npos) << table;
  EXPECT_NE(table.find("mount   ESCAPED   ESCAPED      NOTHING\n"), std::string::npos) << table;
  EXPECT_NE(table.find("1 of 2 probes ESCAPED under ward's defaults: mount"), std::string::npos) << table;
  EXPECT_EQ(table.find('\033'), std::string::npos);
  EXPECT_NE(render_table(sample(), true).find("\033[1;31m"), std::string::npos);
}

TEST(SelftestRender, JsonAndFindings) {
  auto document = nlohmann::json::parse(render_json(sample(), "1.2.3"));
  EXPECT_EQ(document["ward"], "1.2.3");
  EXPECT_EQ(document["passed"], false);
  EXPECT_EQ(document["escaped"], nlohmann::json::array({"mount"}));
  auto keyctl = document["probes"][0];
  EXPECT_EQ(keyctl["name"], "keyctl");
  EXPECT_EQ(keyctl["title"], "reach the kernel keyring");
  EXPECT_EQ(keyctl["defaults"]["result"], "blocked");
  EXPECT_EQ(keyctl["unprotected"]["detail"], "got through");
  EXPECT_EQ(keyctl["without"]["seccomp"], "escaped");
  EXPECT_EQ(keyctl["held_by"], nlohmann::json::array({"seccomp"}));
  EXPECT_EQ(keyctl["open"], "escaped");
  EXPECT_EQ(keyctl["only"]["seccomp"], "blocked");
  EXPECT_EQ(keyctl["enough_alone"], nlohmann::json::array({"seccomp"}));
  EXPECT_EQ(keyctl["holding"], "held");
  auto findings = to_findings(sample(), "/var/lib/ward");
  ASSERT_EQ(findings.findings.size(), 1u);
  EXPECT_EQ(findings.findings[0].rule, "WARD-ESCAPE-mount");
  EXPECT_EQ(findings.findings[0].severity, Severity::error);
  auto sarif = nlohmann::json::parse(render(findings, Format::sarif, false, "1.2.3"));
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 1u);
}

TEST(SelftestRender, IgnoredProbesLeaveTheReport) {
  Report report = sample();
  std::vector<std::string> ignored = {"mount"};
  remove_ignored(report, ignored);
  EXPECT_TRUE(escaped_probes(report).empty());
  ASSERT_EQ(report.verdicts.size(), 1u);
}

}  // namespace
}  // namespace ward::audit::selftest
