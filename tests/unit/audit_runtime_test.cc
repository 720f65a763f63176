// ward audit's section 5 over the container descriptions of
// tests/data/audit: docker inspect (weak and strong containers), podman
// inspect, OCI configs; and the refusals of bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "audit/bench/catalog.h"
#include "audit/bench/docker_api.h"
#include "audit/bench/docker_inspect.h"
#include "audit/bench/oci_config.h"
#include "audit/bench/runtime_checks.h"
#include "source_dir.h"

namespace ward::audit::bench {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(WARD_SOURCE_DIR) + "/tests/data/audit/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const CheckResult& result_of(const Section& section, std::string_view id) {
  for (const CheckResult& r : section.results)
    if (r.id == id) return r;
  static const CheckResult missing{"missing", "", Level::note, false, "", {}};
  ADD_FAILURE() << "no result for check " << id;
  return missing;
}

Section audit_inspect(const std::string& name) {
  auto containers = parse_docker_inspect(fixture(name));
  EXPECT_TRUE(containers.has_value()) << (containers ? "" : containers.error().what());
  return runtime_section(RuntimeInput{containers ? *containers : std::vector<ContainerDescription>{}, std::nullopt});
}

void expect_levels(const Section& section, std::initializer_list<std::pair<const char*, Level>> expected) {
  for (const auto& [id, level] : expected)
    EXPECT_EQ(level_name(result_of(section, id).level), level_name(level))
        << id << ": " << result_of(section, id).details;
}

TEST(AuditRuntime, WeakDockerContainerWarns) {
  Section s = audit_inspect("docker-inspect-weak.json");
  expect_levels(s, {{"5.1", Level::info},  {"5.2", Level::warn},  {"5.3", Level::warn},  {"5.4", Level::warn},
                    {"5.5", Level::pass},  {"5.6", Level::warn},  {"5.7", Level::info},  {"5.8", Level::warn},
                    {"5.9", Level::note},  {"5.10", Level::warn}, {"5.11", Level::warn}, {"5.12", Level::warn},
                    {"5.13", Level::warn}, {"5.14", Level::warn}, {"5.15", Level::warn}, {"5.16", Level::warn},
                    {"5.17", Level::warn}, {"5.18", Level::info}, {"5.19", Level::info}, {"5.20", Level::warn},
                    {"5.21", Level::warn}, {"5.22", Level::warn}, {"5.25", Level::warn}, {"5.26", Level::warn},
                    {"5.27", Level::warn}, {"5.29", Level::warn}, {"5.30", Level::pass}, {"5.31", Level::pass},
                    {"5.32", Level::warn}});
  // The items name the container and what is wrong.
  EXPECT_EQ(result_of(s, "5.4").items, (std::vector<std::string>{"weak: CAP_SYS_ADMIN"}));
  EXPECT_EQ(result_of(s, "5.6").items, (std::vector<std::string>{"weak: /etc on /host-etc"}));
  EXPECT_EQ(result_of(s, "5.8").items, (std::vector<std::string>{"weak: 80/tcp -> 0.0.0.0:80"}));
  EXPECT_EQ(result_of(s, "5.14").items, (std::vector<std::string>{"weak: 80/tcp -> 0.0.0.0:80"}));
  EXPECT_EQ(result_of(s, "5.15").items, (std::vector<std::string>{"weak: always"}));
  EXPECT_EQ(result_of(s, "5.18").items, (std::vector<std::string>{"weak: /dev/null:/dev/xnull"}));
  EXPECT_EQ(result_of(s, "5.20").items, (std::vector<std::string>{"weak: /shared (rshared)"}));
  EXPECT_EQ(result_of(s, "5.25").items, (std::vector<std::string>{"weak: /custom"}));
  EXPECT_EQ(result_of(s, "5.32").items,
            (std::vector<std::string>{"weak: /var/run/docker.sock on /var/run/docker.sock"}));
  EXPECT_EQ(result_of(s, "5.3").items, (std::vector<std::string>{"weak: label=disable"}));
  EXPECT_EQ(result_of(s, "5.6").details, "Sensitive host directories mounted writable: weak: /etc on /host-etc");
}

TEST(AuditRuntime, StrongDockerContainerPasses) {
  Section s = audit_inspect("docker-inspect-strong.json");
  expect_levels(s, {{"5.4", Level::pass},  {"5.5", Level::pass},  {"5.6", Level::pass},  {"5.8", Level::pass},
                    {"5.10", Level::pass}, {"5.11", Level::pass}, {"5.12", Level::pass}, {"5.13", Level::pass},
                    {"5.14", Level::pass}, {"5.15", Level::pass}, {"5.16", Level::pass}, {"5.17", Level::pass},
                    {"5.18", Level::pass}, {"5.19", Level::pass}, {"5.20", Level::pass}, {"5.21", Level::pass},
                    {"5.22", Level::pass}, {"5.25", Level::pass}, {"5.26", Level::pass}, {"5.27", Level::pass},
                    {"5.29", Level::pass}, {"5.31", Level::pass}, {"5.32", Level::pass}});
  // No LSM on the host that made it: Docker set no AppArmor profile or label.
  expect_levels(s, {{"5.2", Level::warn}, {"5.3", Level::warn}});
}

TEST(AuditRuntime, BothContainersInOneResultEachNamingTheWeakOne) {
  auto weak = parse_docker_inspect(fixture("docker-inspect-weak.json"));
  auto strong = parse_docker_inspect(fixture("docker-inspect-strong.json"));
  ASSERT_TRUE(weak && strong);
  RuntimeInput input{*weak, false};
  input.containers.insert(input.containers.end(), strong->begin(), strong->end());
  Section s = runtime_section(input);
  EXPECT_EQ(result_of(s, "5.1").level, Level::pass);
  EXPECT_EQ(result_of(s, "5.13").level, Level::warn);
  EXPECT_EQ(result_of(s, "5.13").items, (std::vector<std::string>{"weak"}));
  EXPECT_EQ(result_of(s, "5.2").items, (std::vector<std::string>{"weak", "strong"}));
}

TEST(AuditRuntime, PodmanInspectIsReadAsPodmans) {
  auto containers = parse_docker_inspect(fixture("podman-inspect.json"));
  ASSERT_TRUE(containers) << containers.error().what();
  ASSERT_EQ(containers->size(), 2u);
  EXPECT_EQ((*containers)[0].origin, "podman inspect");
  EXPECT_EQ((*containers)[0].name, "weak");
  Section s = runtime_section(RuntimeInput{*containers, std::nullopt});
  expect_levels(s, {{"5.4", Level::warn},
                    {"5.6", Level::warn},
                    {"5.13", Level::warn},
                    {"5.15", Level::warn},
                    {"5.16", Level::warn},
                    {"5.22", Level::warn},
                    {"5.26", Level::warn},
                    {"5.27", Level::warn},
                    {"5.29", Level::pass},
                    {"5.17", Level::pass},
                    {"5.10", Level::pass}});
  EXPECT_EQ(result_of(s, "5.4").items, (std::vector<std::string>{"weak: CAP_SYS_ADMIN"}));
  EXPECT_EQ(result_of(s, "5.16").items, (std::vector<std::string>{"weak"}));
  EXPECT_EQ(result_of(s, "5.26").items, (std::vector<std::string>{"weak"}));
  // Podman reports the strong container's health check as configured.
  EXPECT_EQ(result_of(s, "5.27").items, (std::vector<std::string>{"weak"}));
  EXPECT_EQ(result_of(s, "5.11").items, (std::vector<std::string>{"weak"}));
}

TEST(AuditRuntime, WeakOciConfigWarns) {
  auto c = parse_oci_config(fixture("oci-weak.json"), "weak/config.json");
  ASSERT_TRUE(c) << c.error().what();
  Section s = runtime_section(RuntimeInput{{*c}, std::nullopt});
  expect_levels(s, {{"5.2", Level::warn},  {"5.3", Level::warn},  {"5.4", Level::warn},  {"5.5", Level::info},
                    {"5.6", Level::warn},  {"5.7", Level::warn},  {"5.8", Level::info},  {"5.10", Level::warn},
                    {"5.11", Level::warn}, {"5.12", Level::warn}, {"5.13", Level::warn}, {"5.14", Level::info},
                    {"5.15", Level::info}, {"5.16", Level::info}, {"5.17", Level::warn}, {"5.18", Level::info},
                    {"5.19", Level::info}, {"5.20", Level::warn}, {"5.21", Level::warn}, {"5.22", Level::warn},
                    {"5.25", Level::info}, {"5.26", Level::warn}, {"5.27", Level::info}, {"5.29", Level::warn},
                    {"5.31", Level::warn}, {"5.32", Level::warn}});
  EXPECT_EQ(result_of(s, "5.4").items, (std::vector<std::string>{"weak/config.json: CAP_NET_ADMIN CAP_SYS_ADMIN"}));
  // The writable /etc bind is sensitive; the read-only /usr one is not.
  EXPECT_EQ(result_of(s, "5.6").items, (std::vector<std::string>{"weak/config.json: /etc on /host-etc"}));
  EXPECT_EQ(
      result_of(s, "5.16").items,
      (std::vector<std::string>{"weak/config.json: joins /proc/1/ns/pid; whose namespace that is cannot be told"}));
  EXPECT_EQ(
      result_of(s, "5.18").items,
      (std::vector<std::string>{"weak/config.json: /dev/fuse, every device (linux.resources.devices allows all)"}));
  EXPECT_EQ(result_of(s, "5.20").items,
            (std::vector<std::string>{"weak/config.json: /shared (rshared)",
                                      "weak/config.json: / (linux.rootfsPropagation) (shared)"}));
  EXPECT_EQ(result_of(s, "5.22").items, (std::vector<std::string>{"weak/config.json: no linux.seccomp"}));
}

TEST(AuditRuntime, StrongOciConfigPasses) {
  auto c = parse_oci_config(fixture("oci-strong.json"), "strong");
  ASSERT_TRUE(c) << c.error().what();
  Section s = runtime_section(RuntimeInput{{*c}, std::nullopt});
  expect_levels(s, {{"5.2", Level::pass},  {"5.3", Level::pass},  {"5.4", Level::pass},  {"5.6", Level::pass},
                    {"5.7", Level::info},  {"5.10", Level::pass}, {"5.11", Level::pass}, {"5.12", Level::pass},
                    {"5.13", Level::pass}, {"5.16", Level::pass}, {"5.17", Level::pass}, {"5.18", Level::pass},
                    {"5.19", Level::pass}, {"5.20", Level::pass}, {"5.21", Level::pass}, {"5.22", Level::pass},
                    {"5.25", Level::pass}, {"5.26", Level::pass}, {"5.29", Level::pass}, {"5.31", Level::pass},
                    {"5.32", Level::pass}});
}

TEST(AuditRuntime, NoContainersLeavesOnlySwarm) {
  Section s = runtime_section(RuntimeInput{{}, true});
  ASSERT_EQ(s.results.size(), 1u);
  EXPECT_EQ(s.results[0].id, "5.1");
  EXPECT_EQ(s.results[0].level, Level::warn);
  EXPECT_FALSE(s.note.empty());
}

TEST(AuditRuntime, BadInspectInputNamesTheField) {
  auto invalid = parse_docker_inspect("[{\"Name\": ");
  ASSERT_FALSE(invalid);
  EXPECT_NE(std::string(invalid.error().what()).find("invalid JSON at line 1"), std::string::npos)
      << invalid.error().what();
  auto shape = parse_docker_inspect("42");
  ASSERT_FALSE(shape);
  EXPECT_NE(std::string(shape.error().what()).find("expected an array of container records"), std::string::npos);
  auto empty = parse_docker_inspect("[]");
  ASSERT_FALSE(empty);
  EXPECT_NE(std::string(empty.error().what()).find("no container"), std::string::npos);
  auto no_host = parse_docker_inspect(R"([{"Name": "/x"}])");
  ASSERT_FALSE(no_host);
  EXPECT_NE(std::string(no_host.error().what()).find("[0].HostConfig: required"), std::string::npos)
      << no_host.error().what();
  auto memory = parse_docker_inspect(R"([{"Name": "/x", "HostConfig": {"Memory": "lots"}}])");
  ASSERT_FALSE(memory);
  EXPECT_NE(std::string(memory.error().what()).find("[0].HostConfig.Memory"), std::string::npos)
      << memory.error().what();
  auto port =
      parse_docker_inspect(R"([{"Name": "/x", "HostConfig": {"PortBindings": {"80/tcp": [{"HostPort": "http"}]}}}])");
  ASSERT_FALSE(port);
  EXPECT_NE(std::string(port.error().what()).find("is not a port number"), std::string::npos);
}

TEST(AuditRuntime, BadOciConfigNamesTheField) {
  auto inspect_output = parse_oci_config(fixture("docker-inspect-weak.json"), "x");
  ASSERT_FALSE(inspect_output);
  EXPECT_NE(std::string(inspect_output.error().what()).find("--docker-inspect"), std::string::npos)
      << inspect_output.error().what();
  auto version = parse_oci_config("{}", "x");
  ASSERT_FALSE(version);
  EXPECT_EQ(std::string(version.error().what()), "ociVersion: required");
  auto ns = parse_oci_config(R"({"ociVersion": "1.0.2", "linux": {"namespaces": [{"type": 7}]}})", "x");
  ASSERT_FALSE(ns);
  EXPECT_NE(std::string(ns.error().what()).find("linux.namespaces[0].type"), std::string::npos) << ns.error().what();
}

TEST(AuditRuntime, EveryCheckOfTheSectionIsInTheCatalog) {
  Section s = audit_inspect("docker-inspect-weak.json");
  EXPECT_EQ(s.results.size(), 32u);
  for (const CheckResult& r : s.results) EXPECT_EQ(check_info(r.id).desc, r.desc);
}

TEST(AuditRuntime, TopAnswersOfDockerAndPodman) {
  auto docker = parse_top(R"({"Processes":[["root","1328","1308","2","23:16","?","00:00:00","/bin/sleep 1000"]],)"
                          R"("Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"]})");
  ASSERT_TRUE(docker) << docker.error().what();
  EXPECT_EQ(*docker, (std::vector<std::string>{"/bin/sleep 1000"}));
  auto podman = parse_top(R"({"Processes":[["1 0        /bin/sleep 300"]],"Titles":["PID   USER     COMMAND"]})");
  ASSERT_TRUE(podman) << podman.error().what();
  EXPECT_EQ(*podman, (std::vector<std::string>{"/bin/sleep 300"}));
  EXPECT_FALSE(parse_top(R"({"Processes":[],"Titles":["PID"]})"));
  EXPECT_FALSE(parse_top("[]"));
}

TEST(AuditRuntime, SshdSeenInProcessesWarns) {
  ContainerDescription c;
  c.name = "box";
  c.processes = std::vector<std::string>{"/bin/sh", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"};
  EXPECT_EQ(result_of(runtime_section(RuntimeInput{{c}, std::nullopt}), "5.7").level, Level::warn);
  c.processes = std::vector<std::string>{"/bin/sleep 300"};
  EXPECT_EQ(result_of(runtime_section(RuntimeInput{{c}, std::nullopt}), "5.7").level, Level::pass);
}

TEST(AuditRuntime, DockerHostOtherThanUnixIsNotSupported) {
  auto tcp = docker_host_socket("tcp://127.0.0.1:2375");
  ASSERT_FALSE(tcp);
  EXPECT_TRUE(tcp.error().is(ErrorKind::unsupported));
  EXPECT_EQ(*docker_host_socket("unix:///run/docker.sock"), "/run/docker.sock");
  EXPECT_FALSE(docker_host_socket("unix://relative.sock"));
}

}  // namespace
}  // namespace ward::audit::bench
