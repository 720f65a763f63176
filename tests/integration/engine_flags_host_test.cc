// `ward run`'s flags that shape what the container sees of its host:
// /dev/shm, sysctls, groups, names, /etc/hosts and /etc/resolv.conf,
// labels from a file; checked inside the container.
#include <string>

#include <gtest/gtest.h>

#include "engine_support.h"

namespace ward::test {
namespace {

using Flags = std::vector<std::string>;

class EngineFlagsHost : public EngineTest {};

TEST_F(EngineFlagsHost, ShmSizeSizesDevShm) {
  EXPECT_EQ(run_out({"--shm-size", "8m"}, "df -k /dev/shm | tail -1 | awk '{print $2}'"), "8192\n");
  EXPECT_EQ(run_out({}, "df -k /dev/shm | tail -1 | awk '{print $2}'"), "65536\n");
  ASSERT_EQ(ward({"create", "--name", "shm", "--shm-size", "1g", "busybox", "true"}).status, 0);
  EXPECT_EQ(inspect_container("shm")["HostConfig"]["ShmSize"], 1 << 30);
  ASSERT_EQ(ward({"rm", "shm"}).status, 0);
  expect_refused({"--shm-size", "big"}, "--shm-size");
}

TEST_F(EngineFlagsHost, SysctlSetsNamespacedOnesAndRefusesTheOthers) {
  EXPECT_EQ(run_out({"--sysctl", "net.ipv4.ip_forward=1", "--sysctl", "kernel.shm_rmid_forced=1"},
                    "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced"),
            "1\n1\n");
  ASSERT_EQ(ward({"create", "--name", "shm", "--sysctl", "fs.mqueue.msg_max=20", "busybox", "true"}).status, 0);
  EXPECT_EQ(inspect_container("shm")["HostConfig"]["Sysctls"], nlohmann::json::parse(R"({"fs.mqueue.msg_max":"20"})"));
  ASSERT_EQ(ward({"rm", "shm"}).status, 0);
  expect_refused({"--sysctl", "vm.swappiness=1"},
                 "--sysctl vm.swappiness=1: sysctl 'vm.swappiness' is not whitelisted");
  expect_refused({"--sysctl", "kernel.hostname"}, "--sysctl kernel.hostname: expected KEY=VALUE");
  expect_refused({"--network", "host", "--sysctl", "net.ipv4.ip_forward=1"},
                 "sysctl 'net.ipv4.ip_forward' is not allowed in the host's network namespace");
}

TEST_F(EngineFlagsHost, GroupAddAndDomainname) {
  EXPECT_EQ(run_out({"--group-add", "nobody", "--group-add", "4242", "-u", "1000:1000"}, "id -G"), "1000 4242 65534\n");
  EXPECT_EQ(run_out({"--domainname", "example.org", "-h", "web"}, "hostname; cat /proc/sys/kernel/domainname"),
            "web\nexample.org\n");
  auto missing = ward({"run", "--rm", "--group-add", "nosuchgroup", "busybox", "true"});
  EXPECT_EQ(missing.status, 125);
  EXPECT_NE(missing.err.find("--group-add nosuchgroup: unable to find group nosuchgroup"), std::string::npos)
      << missing.err;
  EXPECT_EQ(ward({"ps", "-a", "-q"}).out, "");
  ASSERT_EQ(
      ward({"create", "--name", "grp", "--group-add", "nobody", "--domainname", "d.org", "busybox", "true"}).status, 0);
  auto doc = inspect_container("grp");
  EXPECT_EQ(doc["HostConfig"]["GroupAdd"], nlohmann::json::parse(R"(["nobody"])"));
  EXPECT_EQ(doc["Config"]["Domainname"], "d.org");
}

TEST_F(EngineFlagsHost, LabelFileAddsLabelsUnderTheFlags) {
  std::string file = dir_ + "/labels";
  ASSERT_EQ(run_command({"sh", "-c", "printf '# c\\na=1\\n\\nb=2\\nflag\\n' > " + file}).status, 0);
  ASSERT_EQ(ward({"create", "--name", "lab", "--label-file", file, "-l", "b=3", "busybox", "true"}).status, 0);
  auto labels = inspect_container("lab")["Config"]["Labels"];
  EXPECT_EQ(labels["a"], "1");
  EXPECT_EQ(labels["b"], "3");
  EXPECT_EQ(labels["flag"], "");
  ASSERT_EQ(ward({"rm", "lab"}).status, 0);
  expect_refused({"--label-file", dir_ + "/none"}, "--label-file " + dir_ + "/none");
}

TEST_F(EngineFlagsHost, AddHostAndDnsWriteHostsAndResolvConf) {
  std::string out = run_out({"--add-host", "db:10.0.0.5", "--add-host", "v6:fd00::1", "--dns", "192.0.2.53", "--dns",
                             "192.0.2.54", "--dns-search", "example.org", "--dns-option", "ndots:2"},
                            "grep -E '^(10.0.0.5|fd00::1)' /etc/hosts; cat /etc/resolv.conf");
  EXPECT_EQ(out,
            "10.0.0.5\tdb\nfd00::1\tv6\n"
            "nameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch example.org\noptions ndots:2\n");
  // With the host's network the host's resolv.conf stays, its servers replaced.
  out = run_out({"--network", "host", "--dns", "192.0.2.1"},
                "grep -c nameserver /etc/resolv.conf; grep nameserver /etc/resolv.conf");
  EXPECT_EQ(out, "1\nnameserver 192.0.2.1\n");
  ASSERT_EQ(
      ward({"create", "--name", "dns", "--dns", "192.0.2.1", "--add-host", "a:10.1.1.1", "busybox", "true"}).status, 0);
  auto doc = inspect_container("dns");
  EXPECT_EQ(doc["HostConfig"]["Dns"], nlohmann::json::parse(R"(["192.0.2.1"])"));
  EXPECT_EQ(doc["HostConfig"]["ExtraHosts"], nlohmann::json::parse(R"(["a:10.1.1.1"])"));
  EXPECT_NE(doc["ResolvConfPath"].get<std::string>().find("resolv.conf"), std::string::npos);
  ASSERT_EQ(ward({"rm", "dns"}).status, 0);
  expect_refused({"--add-host", "db:notanip"}, "--add-host db:notanip: invalid IP address in add-host");
  expect_refused({"--add-host", "justahost"}, "--add-host justahost: expected HOST:IP");
  expect_refused({"--dns", "dns.example"}, "--dns dns.example: dns.example is not an ip address");
  expect_refused({"--dns-option", "a b"}, "--dns-option \"a b\"");
}

}  // namespace
}  // namespace ward::test
