// The mapping of a ward container (its record, and for a running one its
// applied config.json) onto section 5's description: ward's rules where
// its start differs from Docker's.  The integration test runs real
// containers (tests/integration/audit_ward_containers_test.cc); this one
// pins the rules and the errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit/bench/ward_containers.h"

namespace ward::audit::bench {
namespace {

std::string record(bool privileged, bool no_new_privileges, bool seccomp_unconfined, const std::string& userns) {
  nlohmann::json host = {{"Privileged", privileged},
                         {"NoNewPrivileges", no_new_privileges},
                         {"SeccompUnconfined", seccomp_unconfined},
                         {"UsernsMode", userns},
                         {"PidsLimit", 2048}};
  return nlohmann::json{{"Name", "/c"}, {"HostConfig", host}}.dump();
}

TEST(AuditWardContainers, ARecordByTheEnginesRules) {
  auto plain = describe_ward_container({record(false, true, false, ""), {}, {}}, true);
  ASSERT_TRUE(plain) << plain.error().what();
  EXPECT_EQ(plain->name, "c");
  EXPECT_EQ(plain->origin, "ward");
  EXPECT_TRUE(plain->no_new_privileges);
  EXPECT_FALSE(plain->seccomp_unconfined);
  EXPECT_EQ(plain->user.kind, NamespaceMode::private_namespace);
  EXPECT_EQ(plain->apparmor_profile, "ward-default");
  EXPECT_EQ(plain->pids_limit, 2048);
  EXPECT_FALSE(plain->processes);
  // No AppArmor on the host: no profile at the next start.
  EXPECT_EQ(describe_ward_container({record(false, true, false, ""), {}, {}}, false)->apparmor_profile, "");

  auto privileged = describe_ward_container({record(true, true, false, ""), {}, {}}, true);
  ASSERT_TRUE(privileged);
  EXPECT_FALSE(privileged->no_new_privileges);
  EXPECT_EQ(privileged->user.kind, NamespaceMode::host);
  EXPECT_EQ(privileged->apparmor_profile, "");
  EXPECT_EQ(privileged->privileged, true);

  auto weak = describe_ward_container({record(false, false, true, "host"), {}, {}}, false);
  ASSERT_TRUE(weak);
  EXPECT_FALSE(weak->no_new_privileges);
  EXPECT_TRUE(weak->seccomp_unconfined);
  EXPECT_EQ(weak->user.kind, NamespaceMode::host);
}

TEST(AuditWardContainers, ARunningContainersAppliedConfigWins) {
  // What the runtime applied: no user namespace, no seccomp, no
  // no_new_privs, a read-only root and a profile; the record said otherwise.
  nlohmann::json config = {
      {"ociVersion", "1.2.0"},
      {"process", {{"args", {"sleep", "1"}}, {"noNewPrivileges", false}, {"apparmorProfile", "other"}}},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"linux",
       {{"namespaces", {{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "network"}}}},
        {"resources", {{"pids", {{"limit", 10}}}}}}}};
  std::vector<std::string> processes = {"sleep 1"};
  auto c = describe_ward_container({record(false, true, false, ""), config.dump(), processes}, false);
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_EQ(c->user.kind, NamespaceMode::host);
  EXPECT_TRUE(c->seccomp_unconfined);
  EXPECT_FALSE(c->no_new_privileges);
  EXPECT_TRUE(c->read_only_rootfs);
  EXPECT_EQ(c->apparmor_profile, "other");
  EXPECT_EQ(c->processes, processes);
  // Limits stay the record's (ward update changes the record, not config.json).
  EXPECT_EQ(c->pids_limit, 2048);
}

TEST(AuditWardContainers, ADamagedRecordOrConfigNamesTheContainerAndField) {
  auto missing = describe_ward_container({R"({"Name": "/c", "HostConfig": {"Privileged": false}})", {}, {}}, false);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what().find("container c"), std::string::npos) << missing.error().what();
  EXPECT_NE(missing.error().what().find("HostConfig.NoNewPrivileges"), std::string::npos) << missing.error().what();

  auto config = describe_ward_container({record(false, true, false, ""), std::string("{}"), {}}, false);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().what().find("container c: config.json"), std::string::npos) << config.error().what();
}

}  // namespace
}  // namespace ward::audit::bench
