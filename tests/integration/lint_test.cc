// `ward lint` end to end on the sample Dockerfiles in tests/data/lint:
// exit codes, hadolint's JSON records, --fail-on, pragmas, configuration
// from a file, the working directory and the environment, and SARIF logs
// valid against the official SARIF 2.1.0 schema.  Needs no root.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_paths.h"
#include "util/subprocess.h"
#include "util/sys.h"

namespace ward {
namespace {

namespace fs = std::filesystem;

const fs::path kSamples = fs::path(WARD_TEST_DATA_DIR) / "lint";
const fs::path kValidator = fs::path(WARD_TEST_DATA_DIR).parent_path() / "schemas" / "validate_sarif.py";

struct LintRun {
  int status = -1;
  std::string out;
};

// Runs `env VARS... ward lint ARGS...` with stderr apart from stdout.
LintRun lint(std::vector<std::string> args, std::vector<std::string> env = {},
             sys::Capture capture = sys::Capture::stdout_only) {
  std::vector<std::string> argv = {"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(WARD_FRONT_BINARY);
  argv.push_back("lint");
  argv.insert(argv.end(), args.begin(), args.end());
  auto outcome = sys::run_captured(argv, capture);
  EXPECT_TRUE(outcome.has_value());
  return outcome ? LintRun{outcome->status, outcome->output} : LintRun{};
}

std::string sample(const std::string& name) {
  return (kSamples / name).string();
}

std::vector<std::string> codes(const nlohmann::json& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r["code"]);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ward-lint-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Lint, GoodDockerfileExitsZeroWithNoRecords) {
  LintRun run = lint({"--format", "json", sample("good.Dockerfile")});
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out), nlohmann::json::array());
}

TEST(Lint, BadDockerfileJsonRecordsAndExitOne) {
  LintRun run = lint({"--format", "json", sample("bad.Dockerfile")});
  EXPECT_EQ(run.status, 1);
  auto records = nlohmann::json::parse(run.out);
  auto found = codes(records);
  for (const std::string expected : {"DL3006", "DL3008", "DL3009", "DL3014", "DL3015", "DL3000", "DL3025", "DL3004",
                                     "WARD-SECRET-001", "WARD-SECRET-003"})
    EXPECT_TRUE(contains(found, expected)) << expected << " missing from " << run.out;
  for (const auto& r : records) {
    EXPECT_EQ(r["file"], sample("bad.Dockerfile"));
    EXPECT_TRUE(r["line"].is_number_integer());
    EXPECT_EQ(r["column"], 1);
    EXPECT_TRUE(r["level"] == "error" || r["level"] == "warning" || r["level"] == "info" || r["level"] == "style");
    EXPECT_TRUE(r["message"].is_string());
  }
  // The pragma on line 4 silences DL3004 on line 5, not on line 6.
  int sudo_lines = 0;
  for (const auto& r : records)
    if (r["code"] == "DL3004") {
      EXPECT_EQ(r["line"], 6);
      ++sudo_lines;
    }
  EXPECT_EQ(sudo_lines, 1);
}

TEST(Lint, FailOnThresholds) {
  // style-only.Dockerfile has one style finding (DL3048).
  EXPECT_EQ(lint({sample("style-only.Dockerfile")}).status, 0);  // default threshold: info
  EXPECT_EQ(lint({"--fail-on", "style", sample("style-only.Dockerfile")}).status, 1);
  EXPECT_EQ(lint({"--failure-threshold=style", sample("style-only.Dockerfile")}).status, 1);
  EXPECT_EQ(lint({"--fail-on", "error", sample("bad.Dockerfile")}).status, 1);
  EXPECT_EQ(lint({"--fail-on", "none", sample("bad.Dockerfile")}).status, 0);
  EXPECT_EQ(lint({"--no-fail", sample("bad.Dockerfile")}).status, 0);
  EXPECT_EQ(lint({"--fail-on", "loud", sample("bad.Dockerfile")}).status, 2);
}

TEST(Lint, IgnoreFlagsConfigFileAndEnvironment) {
  auto found = [](const LintRun& run) { return codes(nlohmann::json::parse(run.out)); };
  LintRun ignored = lint({"-f", "json", "--ignore", "DL3006", "--ignore", "DL3008", sample("bad.Dockerfile")});
  EXPECT_FALSE(contains(found(ignored), "DL3006"));
  EXPECT_FALSE(contains(found(ignored), "DL3008"));
  EXPECT_TRUE(contains(found(ignored), "DL3014"));

  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_TRUE(
      sys::write_file_atomic(dir.path() + "/.hadolint.yaml", "ignored: [DL3014]\nfailure-threshold: error\n", 0644));
  LintRun config = lint({"-f", "json", "--config", dir.path() + "/.hadolint.yaml", sample("style-only.Dockerfile")});
  EXPECT_EQ(config.status, 0);
  LintRun with_config = lint({"-f", "json", "--config", dir.path() + "/.hadolint.yaml", sample("bad.Dockerfile")});
  EXPECT_FALSE(contains(found(with_config), "DL3014"));

  // .hadolint.yaml from the working directory.
  auto in_dir = sys::run_captured({"sh", "-c", "cd \"$1\" && exec \"$2\" lint -f json \"$3\"", "sh", dir.path(),
                                   WARD_FRONT_BINARY, sample("bad.Dockerfile")},
                                  sys::Capture::stdout_only);
  ASSERT_TRUE(in_dir);
  EXPECT_FALSE(contains(codes(nlohmann::json::parse(in_dir->output)), "DL3014"));

  LintRun env = lint({"-f", "json", sample("bad.Dockerfile")}, {"HADOLINT_IGNORE=DL3015,DL3025"});
  EXPECT_FALSE(contains(found(env), "DL3015"));
  EXPECT_FALSE(contains(found(env), "DL3025"));

  ASSERT_TRUE(sys::write_file_atomic(dir.path() + "/bad.yaml", "verbose: true\n", 0644));
  LintRun bad = lint({"--config", dir.path() + "/bad.yaml", sample("good.Dockerfile")}, {}, sys::Capture::stderr_only);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("verbose: not supported"), std::string::npos) << bad.out;
}

TEST(Lint, ParseErrorNamesTheLine) {
  LintRun run = lint({sample("broken.Dockerfile")}, {}, sys::Capture::stderr_only);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("broken.Dockerfile:3: unknown instruction FOO"), std::string::npos) << run.out;
  LintRun missing = lint({"/nonexistent/Dockerfile"}, {}, sys::Capture::stderr_only);
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.out.find("/nonexistent/Dockerfile"), std::string::npos) << missing.out;
  EXPECT_EQ(lint({}).status, 2);
  EXPECT_EQ(lint({"--format", "yaml", sample("good.Dockerfile")}).status, 2);
}

TEST(Lint, TableOnAPipeHasNoColour) {
  LintRun run = lint({sample("bad.Dockerfile")});
  EXPECT_NE(run.out.find(sample("bad.Dockerfile") + ":2 DL3006 warning: "), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find('\033'), std::string::npos);
}

TEST(Lint, CheckstyleAndGitlabOutputs) {
  LintRun checkstyle = lint({"-f", "checkstyle", sample("bad.Dockerfile")});
  EXPECT_NE(checkstyle.out.find("<checkstyle version=\"4.3\">"), std::string::npos);
  EXPECT_NE(checkstyle.out.find("source=\"DL3006\""), std::string::npos);
  LintRun gitlab = lint({"-f", "gitlab", sample("bad.Dockerfile")});
  auto issues = nlohmann::json::parse(gitlab.out);
  ASSERT_TRUE(issues.is_array());
  EXPECT_FALSE(issues.empty());
}

TEST(Lint, SarifIsValidAgainstTheSchema) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "python3 is not installed";
  auto probe = sys::run_captured({"python3", "-c", "import jsonschema"});
  if (!probe || probe->status != 0) GTEST_SKIP() << "python3-jsonschema is not installed";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  for (const std::string name : {"bad.Dockerfile", "good.Dockerfile", "style-only.Dockerfile"}) {
    LintRun run = lint({"-f", "sarif", sample(name)});
    auto log = nlohmann::json::parse(run.out);
    EXPECT_EQ(log["version"], "2.1.0");
    std::string file = dir.path() + "/" + name + ".sarif";
    ASSERT_TRUE(sys::write_file_atomic(file, run.out, 0644));
    auto valid = sys::run_captured({"python3", kValidator.string(), file});
    ASSERT_TRUE(valid);
    EXPECT_EQ(valid->status, 0) << name << ":\n" << valid->output;
  }
  // The validator itself rejects a log that breaks the schema.
  std::string broken = dir.path() + "/broken.sarif";
  ASSERT_TRUE(sys::write_file_atomic(broken, R"({"version": "2.1.0", "runs": [{"results": []}]})", 0644));
  auto invalid = sys::run_captured({"python3", kValidator.string(), broken});
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 1) << invalid->output;
}

}  // namespace
}  // namespace ward
