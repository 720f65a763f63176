// ward audit's report: counting and scoring as docker-bench does, the
// table, docker-bench's JSON shape, the findings for SARIF, --fail-on and
// --ignore.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/bench/bench.h"
#include "audit/bench/catalog.h"
#include "audit/output.h"

namespace ward::audit::bench {
namespace {

BenchReport sample() {
  BenchReport report;
  report.input = "weak.json";
  report.start = 1700000000;
  report.end = 1700000001;
  Section section{"5", "Container Runtime", {}, {}};
  section.results.push_back(make_result("5.5", Level::pass));
  section.results.push_back(make_result("5.13", Level::pass));
  section.results.push_back(make_result(
      "5.4", Level::warn, "Capabilities added beyond the defaults: weak: CAP_SYS_ADMIN", {"weak: CAP_SYS_ADMIN"}));
  section.results.push_back(make_result("5.9", Level::note, "for its owner to judge"));
  section.results.push_back(
      make_result("5.18", Level::info, "Containers with host devices: weak: /dev/fuse", {"weak: /dev/fuse"}));
  report.sections.push_back(std::move(section));
  return report;
}

TEST(AuditBench, ScoresScoredPassesAndWarningsOnly) {
  BenchReport report = sample();
  EXPECT_EQ(check_count(report), 5);
  // 5.5 and 5.13 pass (+2), 5.4 warns (-1); 5.9 and 5.18 are not scored.
  EXPECT_EQ(score(report), 1);
  EXPECT_EQ(count_level(report, Level::warn), 1);
  EXPECT_FALSE(check_info("5.9").scored);
  EXPECT_TRUE(check_info("5.4").scored);
}

TEST(AuditBench, FailLevels) {
  BenchReport report = sample();
  EXPECT_TRUE(fails(report, *parse_fail_level("warn")));
  EXPECT_TRUE(fails(report, *parse_fail_level("note")));
  EXPECT_FALSE(fails(report, *parse_fail_level("none")));
  EXPECT_FALSE(parse_fail_level("error"));
  remove_ignored(report, {"5.4"});
  EXPECT_FALSE(fails(report, *parse_fail_level("warn")));
  EXPECT_TRUE(fails(report, *parse_fail_level("info")));
  remove_ignored(report, {"5.18"});
  EXPECT_FALSE(fails(report, *parse_fail_level("info")));
  EXPECT_TRUE(fails(report, *parse_fail_level("note")));
  EXPECT_EQ(check_count(report), 3);
  EXPECT_EQ(score(report), 2);
}

TEST(AuditBench, KnownIdsAreTheCatalog) {
  EXPECT_TRUE(known_check_ids().contains("5.32"));
  EXPECT_TRUE(known_check_ids().contains("1.1.1"));
  EXPECT_TRUE(known_check_ids().contains("W.3.2"));
  EXPECT_FALSE(known_check_ids().contains("5.33"));
}

TEST(AuditBench, TableIsDockerBenchsLogLines) {
  std::string table = render_bench_table(sample(), false);
  EXPECT_EQ(table,
            "[INFO] 5 - Container Runtime\n"
            "[PASS] 5.5    - The container is not privileged\n"
            "[PASS] 5.13   - The container's root filesystem is read-only\n"
            "[WARN] 5.4    - The container holds no capabilities beyond the default set\n"
            "[WARN]      * weak: CAP_SYS_ADMIN\n"
            "[NOTE] 5.9    - Only the ports needed are open on the container\n"
            "[NOTE]      * for its owner to judge\n"
            "[INFO] 5.18   - Host devices are not exposed to the container directly\n"
            "[INFO]      * weak: /dev/fuse\n"
            "\n"
            "[INFO] Checks: 5\n"
            "[INFO] Score: 1\n");
  std::string coloured = render_bench_table(sample(), true);
  EXPECT_NE(coloured.find("\033[1;31m[WARN]\033[0m 5.4"), std::string::npos);
  EXPECT_NE(coloured.find("\033[1;32m[PASS]\033[0m 5.5"), std::string::npos);
}

TEST(AuditBench, JsonIsDockerBenchsShape) {
  auto document = nlohmann::json::parse(render_bench_json(sample(), "0.9.0"));
  EXPECT_EQ(document["dockerbenchsecurity"], "0.9.0");
  EXPECT_EQ(document["start"], 1700000000);
  EXPECT_EQ(document["end"], 1700000001);
  EXPECT_EQ(document["checks"], 5);
  EXPECT_EQ(document["score"], 1);
  ASSERT_EQ(document["tests"].size(), 1u);
  const auto& section = document["tests"][0];
  EXPECT_EQ(section["id"], "5");
  EXPECT_EQ(section["desc"], "Container Runtime");
  ASSERT_EQ(section["results"].size(), 5u);
  EXPECT_EQ(section["results"][0],
            (nlohmann::json{{"id", "5.5"}, {"desc", "The container is not privileged"}, {"result", "PASS"}}));
  const auto& warned = section["results"][2];
  EXPECT_EQ(warned["id"], "5.4");
  EXPECT_EQ(warned["result"], "WARN");
  EXPECT_EQ(warned["details"], "Capabilities added beyond the defaults: weak: CAP_SYS_ADMIN");
  EXPECT_EQ(warned["items"], nlohmann::json::array({"weak: CAP_SYS_ADMIN"}));
  // Top-level keys in docker-bench's order.
  std::vector<std::string> keys;
  for (auto it = document.begin(); it != document.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys.size(), 6u);
}

TEST(AuditBench, FindingsForSarifLeaveOutPasses) {
  Report report = to_findings(sample());
  EXPECT_EQ(report.tool, "ward audit");
  ASSERT_EQ(report.findings.size(), 3u);
  EXPECT_EQ(report.findings[0].rule, "5.4");
  EXPECT_EQ(report.findings[0].severity, Severity::warning);
  EXPECT_EQ(report.findings[0].location.file, "weak.json");
  EXPECT_EQ(report.findings[1].severity, Severity::style);  // NOTE
  EXPECT_EQ(report.findings[2].severity, Severity::info);
  auto sarif = nlohmann::json::parse(render(report, Format::sarif, false, "0.9.0"));
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["ruleId"], "5.4");
  EXPECT_EQ(results[0]["level"], "warning");
  EXPECT_EQ(results[1]["level"], "note");
  EXPECT_EQ(sarif["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
            "The container holds no capabilities beyond the default set");
}

}  // namespace
}  // namespace ward::audit::bench
