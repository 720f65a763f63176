// Each namespace seen from inside: new ones differ from the host's, absent
// ones equal it, joined ones equal the target's; user and time namespaces
// carry their mappings and offsets.
#include <unistd.h>

#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

using Namespaces = BundleTest;

std::string host_ns(const std::string& name) {
  char buffer[128] = {};
  ssize_t n = ::readlink(("/proc/self/ns/" + name).c_str(), buffer, sizeof(buffer) - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

TEST_F(Namespaces, DefaultConfigGetsNewNamespaces) {
  auto facts = run_checker();
  for (const char* ns : {"cgroup", "ipc", "mnt", "net", "pid", "uts"})
    EXPECT_NE(facts["ns." + std::string(ns)], host_ns(ns)) << ns;
  // No user or time namespace in the default (root) config.
  EXPECT_EQ(facts["ns.user"], host_ns("user"));
  EXPECT_EQ(facts["ns.time"], host_ns("time"));
  EXPECT_EQ(facts["pid"], "1");
}

TEST_F(Namespaces, AbsentNamespacesAreTheHosts) {
  for (const char* type : {"network", "ipc", "uts", "cgroup"}) remove_namespace(config_, type);
  config_.erase("hostname");
  config_["linux"].erase("sysctl");  // net.* sysctls need a network namespace
  auto facts = run_checker();
  EXPECT_EQ(facts["ns.net"], host_ns("net"));
  EXPECT_EQ(facts["ns.ipc"], host_ns("ipc"));
  EXPECT_EQ(facts["ns.uts"], host_ns("uts"));
  EXPECT_EQ(facts["ns.cgroup"], host_ns("cgroup"));
  EXPECT_NE(facts["ns.mnt"], host_ns("mnt"));
}

TEST_F(Namespaces, JoinsNamespacesByPath) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "target"}).status, 0);
  auto state = nlohmann::json::parse(oci({"state", "target"}).out);
  std::string pid = std::to_string(state["pid"].get<int>());
  std::string target_net = [&] {
    char buffer[128] = {};
    return ::readlink(("/proc/" + pid + "/ns/net").c_str(), buffer, sizeof(buffer) - 1) > 0 ? std::string(buffer)
                                                                                              : std::string();
  }();
  for (auto& ns : config_["linux"]["namespaces"]) {
    if (ns["type"] == "network") ns["path"] = "/proc/" + pid + "/ns/net";
    if (ns["type"] == "ipc") ns["path"] = "/proc/" + pid + "/ns/ipc";
  }
  auto facts = run_checker();
  EXPECT_EQ(facts["ns.net"], target_net);
  EXPECT_NE(facts["ns.net"], host_ns("net"));
  EXPECT_NE(facts["ns.uts"], host_ns("uts"));
}

TEST_F(Namespaces, UserNamespaceWithMappings) {
  use_user_namespace(200000);
  auto facts = run_checker({"sh", "-c", "ward-checker report; echo uid_map=$(cat /proc/self/uid_map | tr -s ' ')"});
  EXPECT_NE(facts["ns.user"], host_ns("user"));
  EXPECT_EQ(facts["uid"], "0");
  EXPECT_EQ(facts["uid_map"], " 0 200000 65536");
}

TEST_F(Namespaces, TimeNamespaceOffsets) {
  config_["linux"]["namespaces"].push_back({{"type", "time"}});
  config_["linux"]["timeOffsets"] = {{"monotonic", {{"secs", 86400}, {"nanosecs", 0}}},
                                     {"boottime", {{"secs", 172800}, {"nanosecs", 0}}}};
  set_args({"cat", "/proc/self/timens_offsets"});
  auto outcome = oci({"run", "timens"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  std::istringstream words(outcome.out);
  std::map<std::string, std::string> seconds;
  std::string clock, secs, nanosecs;
  while (words >> clock >> secs >> nanosecs) seconds[clock] = secs;
  EXPECT_EQ(seconds["monotonic"], "86400") << outcome.out;
  EXPECT_EQ(seconds["boottime"], "172800") << outcome.out;
}

}  // namespace
}  // namespace ward::test
