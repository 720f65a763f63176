// config.json parsing: process.landlock, in the runtime-spec proposal's
// shape, and the errors that name each of its fields.
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config_test_support.h"
#include "oci/config.h"

namespace ward::oci {
namespace {

using test_support::minimal_config;
using test_support::parse;
using test_support::parse_error;

nlohmann::json with_landlock(const char* landlock_json) {
  auto config = minimal_config();
  config["process"]["landlock"] = nlohmann::json::parse(landlock_json);
  return config;
}

TEST(ConfigParseLandlock, RulesetRulesAndBestEffort) {
  auto parsed = parse(with_landlock(R"({
    "ruleset": {"handledAccessFS": ["execute", "write_file", "read_file", "read_dir", "truncate"],
                "handledAccessNetwork": ["bind_tcp", "connect_tcp"]},
    "rules": {
      "pathBeneath": [
        {"allowedAccess": ["execute", "read_file", "read_dir"], "paths": ["/usr", "/bin"]},
        {"allowedAccess": ["write_file", "truncate"], "paths": ["/tmp"]}
      ],
      "netPort": [{"allowedAccess": ["connect_tcp"], "ports": [443, 0, 65535]}]
    },
    "disableBestEffort": true
  })"));
  ASSERT_TRUE(parsed) << parsed.error().what();
  ASSERT_TRUE(parsed->process->landlock);
  const Landlock& landlock = *parsed->process->landlock;
  EXPECT_EQ(landlock.handled_access_fs,
            (std::vector<std::string>{"execute", "write_file", "read_file", "read_dir", "truncate"}));
  EXPECT_EQ(landlock.handled_access_network, (std::vector<std::string>{"bind_tcp", "connect_tcp"}));
  EXPECT_TRUE(landlock.disable_best_effort);
  ASSERT_EQ(landlock.path_beneath.size(), 2u);
  EXPECT_EQ(landlock.path_beneath[0].allowed_access, (std::vector<std::string>{"execute", "read_file", "read_dir"}));
  EXPECT_EQ(landlock.path_beneath[0].paths, (std::vector<std::string>{"/usr", "/bin"}));
  EXPECT_EQ(landlock.path_beneath[1].paths, (std::vector<std::string>{"/tmp"}));
  ASSERT_EQ(landlock.net_port.size(), 1u);
  EXPECT_EQ(landlock.net_port[0].allowed_access, (std::vector<std::string>{"connect_tcp"}));
  EXPECT_EQ(landlock.net_port[0].ports, (std::vector<std::uint64_t>{443, 0, 65535}));
}

TEST(ConfigParseLandlock, DefaultsAndOptionalParts) {
  auto fs_only = parse(with_landlock(R"({"ruleset": {"handledAccessFS": ["execute"]}})"));
  ASSERT_TRUE(fs_only) << fs_only.error().what();
  EXPECT_FALSE(fs_only->process->landlock->disable_best_effort);
  EXPECT_TRUE(fs_only->process->landlock->path_beneath.empty());
  EXPECT_TRUE(fs_only->process->landlock->handled_access_network.empty());

  auto network_only = parse(with_landlock(R"({"ruleset": {"handledAccessNetwork": ["bind_tcp"]}})"));
  ASSERT_TRUE(network_only) << network_only.error().what();
  EXPECT_TRUE(network_only->process->landlock->handled_access_fs.empty());

  EXPECT_FALSE(parse(minimal_config())->process->landlock);
}

TEST(ConfigParseLandlock, ExecProcessJsonCarriesItsOwn) {
  auto process = parse_process(R"({"args": ["sh"], "cwd": "/",
    "landlock": {"ruleset": {"handledAccessFS": ["write_file"]}}})");
  ASSERT_TRUE(process) << process.error().what();
  ASSERT_TRUE(process->landlock);
  EXPECT_EQ(process->landlock->handled_access_fs, (std::vector<std::string>{"write_file"}));
}

TEST(ConfigParseLandlock, ErrorsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({})", "process.landlock.ruleset: required"},
      {R"({"ruleset": {}})",
       "process.landlock.ruleset: handles nothing (handledAccessFS and handledAccessNetwork are both empty)"},
      {R"({"ruleset": {"handledAccessFS": ["execute", "fly"]}})",
       "process.landlock.ruleset.handledAccessFS[1]: unknown Landlock filesystem access \"fly\""},
      {R"({"ruleset": {"handledAccessNetwork": ["bind_udp"]}})",
       "process.landlock.ruleset.handledAccessNetwork[0]: unknown Landlock network access \"bind_udp\""},
      {R"({"ruleset": {"handledAccessFS": ["bind_tcp"]}})",
       "process.landlock.ruleset.handledAccessFS[0]: unknown Landlock filesystem access \"bind_tcp\""},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"pathBeneath": [{"allowedAccess": ["read_file"], "paths": ["/"]}]}})",
       "process.landlock.rules.pathBeneath[0].allowedAccess[0]: \"read_file\" is not in ruleset.handledAccessFS"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"pathBeneath": [{"allowedAccess": [], "paths": ["/"]}]}})",
       "process.landlock.rules.pathBeneath[0].allowedAccess: must not be empty"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"pathBeneath": [{"allowedAccess": ["execute"]}]}})",
       "process.landlock.rules.pathBeneath[0].paths: must not be empty"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"pathBeneath": [{"allowedAccess": ["execute"], "paths": ["usr"]}]}})",
       "process.landlock.rules.pathBeneath[0].paths[0]: must be an absolute path, got \"usr\""},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"netPort": [{"allowedAccess": ["bind_tcp"], "ports": [80]}]}})",
       "process.landlock.rules.netPort[0].allowedAccess[0]: \"bind_tcp\" is not in ruleset.handledAccessNetwork"},
      {R"({"ruleset": {"handledAccessNetwork": ["bind_tcp"]}, "rules": {"netPort": [{"allowedAccess": ["bind_tcp"], "ports": [65536]}]}})",
       "process.landlock.rules.netPort[0].ports[0]: 65536 is not a TCP port (0 to 65535)"},
      {R"({"ruleset": {"handledAccessNetwork": ["bind_tcp"]}, "rules": {"netPort": [{"allowedAccess": ["bind_tcp"]}]}})",
       "process.landlock.rules.netPort[0].ports: must not be empty"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "disableBestEffort": "yes"})",
       "process.landlock.disableBestEffort: expected a boolean, got string"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": []})",
       "process.landlock.rules: expected an object, got array"},
      // Misspelt members would change the policy silently: refused.
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "disableBestEfort": true})",
       "process.landlock.disableBestEfort: unknown member"},
      {R"({"ruleset": {"handledAccessFs": ["execute"]}})", "process.landlock.ruleset.handledAccessFs: unknown member"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"path_beneath": []}})",
       "process.landlock.rules.path_beneath: unknown member"},
      {R"({"ruleset": {"handledAccessFS": ["execute"]}, "rules": {"pathBeneath": [{"allowedAccess": ["execute"], "path": ["/"]}]}})",
       "process.landlock.rules.pathBeneath[0].path: unknown member"},
  };
  for (const auto& [landlock_json, expected] : cases)
    EXPECT_EQ(parse_error(with_landlock(landlock_json)), std::string("config.json: ") + expected) << landlock_json;
}

}  // namespace
}  // namespace ward::oci
