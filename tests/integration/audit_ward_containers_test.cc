// `ward audit` with no input flag, section 5 over ward's own containers:
// real containers in a store and run directory of the test's own, running
// (read from their bundle's config.json and their processes) and not
// running (read from their record).  For each container the set of checks
// that warn about it is compared whole, so a default container passes what
// ward's defaults satisfy and a container weakened on purpose warns on
// exactly the checks its flags weaken.
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit_support.h"
#include "engine_support.h"

namespace ward::test {
namespace {

using Json = nlohmann::json;
using Ids = std::set<std::string>;

std::map<std::string, Json> section5(const Json& document) {
  return audit_results(document, "5");
}

constexpr auto* names = &audit_names;

// The checks that warn about container `name`.
Ids warned_about(const std::map<std::string, Json>& results, const std::string& name) {
  Ids out;
  for (const auto& [id, result] : results)
    if (result.at("result") == "WARN" && names(result, name)) out.insert(id);
  return out;
}

Ids joined(Ids a, const Ids& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// What security::apparmor_enabled() asks.
bool host_has_apparmor() {
  if (::access("/sys/kernel/security/apparmor", F_OK) == 0) return true;
  std::string enabled = read_text("/sys/module/apparmor/parameters/enabled");
  return !enabled.empty() && enabled.front() == 'Y';
}

class AuditWardContainers : public EngineTest {
 protected:
  Json audit_json() {
    auto outcome = ward({"audit", "--format", "json"});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return outcome.status == 0 ? Json::parse(outcome.out) : Json::object();
  }
  std::string audit_table() {
    auto outcome = ward({"audit", "--no-color"});
    EXPECT_EQ(outcome.status, 0) << outcome.err;
    return outcome.out;
  }
  // `ward VERB --name NAME FLAGS... busybox COMMAND...` (run -d or create).
  void make(const std::string& verb, const std::string& name, const std::vector<std::string>& flags,
            const std::vector<std::string>& command = {"sleep", "1000"}) {
    std::vector<std::string> args = {verb};
    if (verb == "run") args.push_back("-d");
    args.insert(args.end(), {"--name", name});
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back("busybox");
    args.insert(args.end(), command.begin(), command.end());
    auto outcome = ward(args);
    ASSERT_EQ(outcome.status, 0) << name << ": " << outcome.err;
  }

  // What a container made with ward's defaults warns about: no SELinux
  // label (ward sets none), no memory or CPU limit, a writable root, no
  // health check; and no AppArmor profile where the host has no AppArmor.
  Ids defaults_warn() {
    Ids out = {"5.3", "5.11", "5.12", "5.13", "5.27"};
    if (!host_has_apparmor()) out.insert("5.2");
    return out;
  }
};

TEST_F(AuditWardContainers, NoStoreNoContainersThenOneEach) {
  std::string table = audit_table();
  EXPECT_NE(table.find("there is no store at " + root_ + " yet, so no containers"), std::string::npos) << table;
  EXPECT_NE(::access(root_.c_str(), F_OK), 0) << "the audit created the store";

  ASSERT_EQ(ward({"images"}).status, 0);  // makes the store
  table = audit_table();
  EXPECT_NE(table.find("ward has no containers; audit other engines' containers with --docker-inspect"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("the container engine is not built"), std::string::npos) << table;
  auto results = section5(audit_json());
  ASSERT_EQ(results.size(), 1u) << "only 5.1 without containers";
  EXPECT_EQ(results["5.1"]["result"], "PASS") << "ward has no swarm mode";
}

TEST_F(AuditWardContainers, DefaultContainersPassWhatWardsDefaultsSatisfy) {
  make("run", "plain", {});
  make("create", "plain-stopped", {}, {"true"});

  auto document = audit_json();
  auto results = section5(document);
  EXPECT_EQ(warned_about(results, "plain"), defaults_warn());
  EXPECT_EQ(warned_about(results, "plain-stopped"), defaults_warn());
  // no-new-privileges, the pids limit (2048), a user namespace of its own,
  // ward's seccomp profile, private namespaces, no added capability: PASS.
  for (const char* id : {"5.1", "5.4", "5.5", "5.6", "5.8", "5.10", "5.14", "5.15", "5.16", "5.17", "5.20", "5.21",
                         "5.22", "5.25", "5.26", "5.29", "5.31", "5.32"})
    EXPECT_EQ(results[id]["result"], "PASS") << id << ": " << results[id];
  // The running one's processes are seen (sleep, not sshd); the other runs none.
  EXPECT_EQ(results["5.7"]["result"], "INFO") << results["5.7"];
  EXPECT_TRUE(names(results["5.7"], "plain-stopped")) << results["5.7"];
  EXPECT_FALSE(names(results["5.7"], "plain")) << results["5.7"];
  // Every container is listed where every one warns.
  EXPECT_TRUE(names(results["5.13"], "plain") && names(results["5.13"], "plain-stopped")) << results["5.13"];

  std::string table = audit_table();
  EXPECT_NE(table.find("[INFO]      * 2 ward containers audited: 1 running, 1 not running\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("[PASS] 5.26   - "), std::string::npos) << table;
}

TEST_F(AuditWardContainers, WeakContainersWarnOnExactlyTheWeakenedChecks) {
  make("run", "plain", {});
  auto before = audit_json();

  std::string socket = dir_ + "/docker.sock";
  write_text(socket, "");
  const std::vector<std::string> weak = {"--userns",
                                         "host",
                                         "--pid",
                                         "host",
                                         "--ipc",
                                         "host",
                                         "--uts",
                                         "host",
                                         "--network",
                                         "host",
                                         "-v",
                                         "/etc:/host-etc",
                                         "-v",
                                         socket + ":/docker.sock",
                                         "--cap-add",
                                         "SYS_ADMIN",
                                         "--security-opt",
                                         "seccomp=unconfined",
                                         "--security-opt",
                                         "no-new-privileges=false",
                                         "--pids-limit",
                                         "-1",
                                         "--restart",
                                         "on-failure:10"};
  const Ids weakened = {"5.4", "5.6", "5.10", "5.15", "5.16", "5.17", "5.21", "5.22", "5.26", "5.29", "5.31", "5.32"};
  make("run", "weak", weak);
  auto after = audit_json();
  auto results = section5(after);
  EXPECT_EQ(warned_about(results, "weak"), joined(defaults_warn(), weakened));
  EXPECT_EQ(warned_about(results, "plain"), defaults_warn());
  // Each weakened check went from PASS to WARN, and nothing else changed:
  // the score falls by two for each.
  auto results_before = section5(before);
  Ids flipped;
  for (const auto& [id, result] : results)
    if (results_before[id]["result"] != result["result"]) flipped.insert(id);
  EXPECT_EQ(flipped, weakened);
  for (const auto& id : weakened) EXPECT_EQ(results_before[id]["result"], "PASS") << id;
  EXPECT_EQ(after["score"].get<int>(), before["score"].get<int>() - 2 * static_cast<int>(weakened.size()));
  EXPECT_EQ(after["checks"], before["checks"]);
  EXPECT_EQ(ward({"audit", "--fail-on", "warn"}).status, 1);

  // The same flags on a container that does not run: its record, read by
  // the engine's rules, says what its config.json said.
  make("create", "weak-stopped", weak);
  // --privileged: every capability, and no seccomp, no-new-privileges, user
  // namespace or AppArmor profile.
  const Ids privileged = {"5.2", "5.5", "5.22", "5.26", "5.31"};
  make("run", "priv", {"--privileged"});
  make("create", "priv-stopped", {"--privileged"});
  // Limited, read-only and health-checked: only what ward cannot give.
  make("run", "strong",
       {"--read-only", "-m", "64m", "--cpus", "0.5", "--health-cmd", "true", "--ulimit", "nofile=1024:1024"});
  // A process named sshd: tini (static) bound at /sshd, running sleep.
  make("run", "sshd", {"-v", "/usr/bin/tini-static:/sshd:ro"}, {"/sshd", "-s", "--", "sleep", "1000"});

  auto all = audit_json();
  results = section5(all);
  EXPECT_EQ(warned_about(results, "weak"), joined(defaults_warn(), weakened));
  EXPECT_EQ(warned_about(results, "weak-stopped"), joined(defaults_warn(), weakened));
  EXPECT_EQ(warned_about(results, "priv"), joined(defaults_warn(), privileged));
  EXPECT_EQ(warned_about(results, "priv-stopped"), joined(defaults_warn(), privileged));
  EXPECT_EQ(warned_about(results, "plain"), defaults_warn());
  Ids strong = {"5.3"};
  if (!host_has_apparmor()) strong.insert("5.2");
  EXPECT_EQ(warned_about(results, "strong"), strong);
  EXPECT_EQ(warned_about(results, "sshd"), joined(defaults_warn(), {"5.7"}));
  EXPECT_TRUE(names(results["5.7"], "sshd: /sshd -s -- sleep 1000")) << results["5.7"];
  EXPECT_TRUE(names(results["5.4"], "weak: CAP_SYS_ADMIN")) << results["5.4"];
  EXPECT_TRUE(names(results["5.6"], "weak: /etc on /host-etc")) << results["5.6"];
  EXPECT_TRUE(names(results["5.15"], "weak: on-failure:10")) << results["5.15"];
  EXPECT_TRUE(names(results["5.22"], "priv: privileged, which turns seccomp off")) << results["5.22"];
  EXPECT_TRUE(names(results["5.22"], "weak: seccomp=unconfined")) << results["5.22"];
  EXPECT_TRUE(names(results["5.19"], "plain")) << "no --ulimit: INFO, " << results["5.19"];
  EXPECT_FALSE(names(results["5.19"], "strong")) << results["5.19"];
  EXPECT_LT(all["score"].get<int>(), after["score"].get<int>());
  EXPECT_EQ(results["5.1"]["result"], "PASS");
}

}  // namespace
}  // namespace ward::test
