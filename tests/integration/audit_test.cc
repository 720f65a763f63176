// `ward audit` end to end: ward itself (its store's files, an imported
// image with a setuid file and no USER or HEALTHCHECK, one with a USER), the config.json
// `ward-oci spec` writes, the containers a live dockerd runs (one weak on
// purpose, one strong) read over its API socket and from `docker inspect`
// output, the output formats and exit statuses, and one-line errors for
// bad input.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit_support.h"
#include "images_support.h"
#include "util/sys.h"

namespace ward::test {
namespace {

using Json = nlohmann::json;

const fs::path kData = fs::path(WARD_TEST_DATA_DIR) / "audit";
const fs::path kValidator = fs::path(WARD_TEST_DATA_DIR).parent_path() / "schemas" / "validate_sarif.py";

// Check ID -> its result object, from the JSON text.
std::map<std::string, Json> results_by_id(const std::string& text) {
  return audit_results(Json::parse(text));
}

constexpr auto* names = &audit_names;

class Audit : public ImageStoreTest {
 protected:
  Outcome audit(std::vector<std::string> args) {
    args.insert(args.begin(), "audit");
    return ward(args);
  }
};

TEST_F(Audit, WardItselfItsFilesAndItsImages) {
  std::string rootfs = dir_ + "/rootfs";
  fs::create_directories(rootfs + "/bin");
  ASSERT_TRUE(sys::write_file_atomic(rootfs + "/bin/su", "x"));
  ASSERT_EQ(::chmod((rootfs + "/bin/su").c_str(), 04755), 0);
  std::string tar = dir_ + "/rootfs.tar";
  ASSERT_EQ(run_command({"tar", "--numeric-owner", "-C", rootfs, "-cf", tar, "."}).status, 0);
  auto imported = ward({"import", tar, "weak:1"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto with_user = ward({"import", "--change", "USER 1000", make_image_tar(dir_), "strong:1"});
  ASSERT_EQ(with_user.status, 0) << with_user.err;

  auto outcome = audit({"--format", "json"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;  // no --fail-on: warnings alone do not fail
  auto results = results_by_id(outcome.out);
  auto document = Json::parse(outcome.out);
  EXPECT_EQ(document["tests"].size(), 5u);
  // No container in this store: section 5 has only 5.1 (ward has no swarm
  // mode); audit_ward_containers_test.cc runs containers.
  ASSERT_EQ(document["tests"][4]["results"].size(), 1u) << document["tests"][4];
  EXPECT_EQ(results["5.1"]["result"], "PASS");

  EXPECT_EQ(results["4.1"]["result"], "WARN");
  EXPECT_TRUE(names(results["4.1"], "docker.io/library/weak:1")) << results["4.1"];
  EXPECT_FALSE(names(results["4.1"], "docker.io/library/strong:1")) << results["4.1"];
  EXPECT_EQ(results["4.6"]["result"], "WARN");
  EXPECT_TRUE(names(results["4.6"], "docker.io/library/weak:1"));
  EXPECT_EQ(results["4.8"]["result"], "WARN");
  ASSERT_EQ(results["4.8"]["items"].size(), 1u) << results["4.8"];
  EXPECT_NE(results["4.8"]["items"][0].get<std::string>().find("/bin/su setuid"), std::string::npos);
  EXPECT_EQ(results["4.5"]["result"], "INFO");
  EXPECT_EQ(results["W.3.1"]["result"], "PASS") << results["W.3.1"];
  EXPECT_EQ(results["W.3.2"]["result"], "PASS") << results["W.3.2"];
  EXPECT_EQ(results["2.14"]["result"], "PASS");
  EXPECT_EQ(results["2.17"]["result"], "PASS");
  EXPECT_EQ(results["2.9"]["result"], "PASS");  // each container's own user namespace
  // The store sits on whatever /tmp is; the result is real either way.
  EXPECT_TRUE(results["1.1.1"]["result"] == "PASS" || results["1.1.1"]["result"] == "WARN") << results["1.1.1"];
  EXPECT_TRUE(results.contains("1.1.5"));

  auto table = audit({"--no-color"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("[WARN] 4.8    - Images hold no setuid or setgid files\n"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("[INFO] Score: "), std::string::npos);
  EXPECT_EQ(table.out.find('\033'), std::string::npos);

  EXPECT_EQ(audit({"--fail-on", "warn"}).status, 1);
  // Ignoring every WARN leaves nothing to fail on.
  std::vector<std::string> args = {"--fail-on", "warn", "--format", "json"};
  for (const auto& [id, result] : results)
    if (result["result"] == "WARN") {
      args.push_back("--ignore");
      args.push_back(id);
    }
  auto ignored = audit(args);
  EXPECT_EQ(ignored.status, 0) << ignored.out;
  EXPECT_FALSE(results_by_id(ignored.out).contains("4.8"));
}

TEST_F(Audit, TheConfigWardOciSpecWrites) {
  std::string bundle = dir_ + "/bundle";
  fs::create_directories(bundle);
  auto spec = run_command({WARD_OCI_BINARY, "spec", "--bundle", bundle});
  ASSERT_EQ(spec.status, 0) << spec.err;
  auto outcome = audit({"--config", bundle + "/config.json", "--format", "json"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto results = results_by_id(outcome.out);
  for (const char* id :
       {"5.4", "5.6", "5.10", "5.13", "5.16", "5.17", "5.19", "5.20", "5.21", "5.22", "5.25", "5.26", "5.29", "5.32"})
    EXPECT_EQ(results[id]["result"], "PASS") << id << ": " << results[id];
  // As root, ward-oci spec gives no user namespace and no memory limit.
  EXPECT_EQ(results["5.31"]["result"], "WARN");
  EXPECT_TRUE(names(results["5.31"], "bundle/config.json")) << results["5.31"];
  EXPECT_EQ(results["5.11"]["result"], "WARN");
  // What a runtime config cannot say.
  for (const char* id : {"5.5", "5.8", "5.14", "5.15", "5.27"})
    EXPECT_EQ(results[id]["result"], "INFO") << id << ": " << results[id];

  auto weak = audit({"--config", (kData / "oci-weak.json").string(), "--fail-on", "warn"});
  EXPECT_EQ(weak.status, 1);
  EXPECT_NE(weak.out.find("[WARN] 5.22"), std::string::npos) << weak.out;
}

TEST_F(Audit, SarifThroughTheSharedOutputs) {
  auto outcome = audit({"--docker-inspect", (kData / "docker-inspect-weak.json").string(), "--format", "sarif"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto log = Json::parse(outcome.out);
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["name"], "ward audit");
  bool found = false;
  for (const auto& r : log["runs"][0]["results"]) found = found || (r["ruleId"] == "5.4" && r["level"] == "warning");
  EXPECT_TRUE(found) << outcome.out;
  auto probe = run_command({"python3", "-c", "import jsonschema"});
  if (probe.status != 0) GTEST_SKIP() << "python3-jsonschema is not installed";
  std::string file = dir_ + "/audit.sarif";
  ASSERT_TRUE(sys::write_file_atomic(file, outcome.out));
  auto valid = run_command({"python3", kValidator.string(), file});
  EXPECT_EQ(valid.status, 0) << valid.out << valid.err;
}

TEST_F(Audit, BadInputIsOneLineNamingTheFileOrField) {
  auto one_line = [](const Outcome& o) { return std::count(o.err.begin(), o.err.end(), '\n') == 1; };
  auto missing = audit({"--docker-inspect", dir_ + "/nothing.json"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("--docker-inspect " + dir_ + "/nothing.json"), std::string::npos) << missing.err;
  EXPECT_TRUE(one_line(missing)) << missing.err;

  std::string broken = dir_ + "/broken.json";
  ASSERT_TRUE(sys::write_file_atomic(broken, "[{\"Name\": "));
  auto invalid = audit({"--docker-inspect", broken});
  EXPECT_EQ(invalid.status, 1);
  EXPECT_NE(invalid.err.find(broken + ": invalid JSON"), std::string::npos) << invalid.err;
  EXPECT_TRUE(one_line(invalid)) << invalid.err;

  std::string field = dir_ + "/field.json";
  ASSERT_TRUE(sys::write_file_atomic(field, R"([{"Name": "/x", "HostConfig": {"Privileged": "yes"}}])"));
  auto wrong_field = audit({"--docker-inspect", field});
  EXPECT_EQ(wrong_field.status, 1);
  EXPECT_NE(wrong_field.err.find("[0].HostConfig.Privileged"), std::string::npos) << wrong_field.err;

  auto shape = audit({"--config", (kData / "docker-inspect-strong.json").string()});
  EXPECT_EQ(shape.status, 1);
  EXPECT_NE(shape.err.find("expected an OCI runtime config"), std::string::npos) << shape.err;
  EXPECT_TRUE(one_line(shape)) << shape.err;

  auto tcp = audit({"--docker-host", "tcp://127.0.0.1:2375"});
  EXPECT_EQ(tcp.status, 1);
  EXPECT_NE(tcp.err.find("not supported; only a unix:// API socket"), std::string::npos) << tcp.err;

  auto no_socket = audit({"--docker-host", "unix://" + dir_ + "/no.sock"});
  EXPECT_EQ(no_socket.status, 1);
  EXPECT_NE(no_socket.err.find("GET /info on " + dir_ + "/no.sock"), std::string::npos) << no_socket.err;
  EXPECT_TRUE(one_line(no_socket)) << no_socket.err;

  EXPECT_EQ(audit({"--ignore", "9.99"}).status, 2);
  EXPECT_EQ(audit({"--fail-on", "sometimes"}).status, 2);
  EXPECT_EQ(audit({"--format", "yaml"}).status, 2);
  EXPECT_EQ(audit({"some-container"}).status, 2);
}

// A dockerd of the test's own, as docker_client_test.cc starts it (its own
// data, exec root, socket and cgroup parent under one temporary directory),
// with containers run by its default runtime.
class AuditDocker : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::access("/usr/sbin/dockerd", X_OK) != 0) {
      skip_ = "dockerd is not installed (/usr/sbin/dockerd)";
      return;
    }
    layout_lock_ = std::make_unique<CgroupLayoutLock>(false);
    char templ[] = "/tmp/ward-audit-docker.XXXXXX";
    if (::mkdtemp(templ) == nullptr) {
      skip_ = "mkdtemp failed";
      return;
    }
    dir_ = templ;
    cgroup_parent_ = "/" + dir_.substr(dir_.rfind('/') + 1);
    write_text(dir_ + "/daemon.json", "{}\n");
    // In a mount namespace of its own (unshare execs dockerd, so the pid is
    // dockerd's): its overlay and netns mounts stay out of the host's mount
    // table, which tests running alongside compare before and after.
    daemon_ = spawn_daemon({"unshare",
                            "--mount",
                            "--propagation",
                            "private",
                            "/usr/sbin/dockerd",
                            "--config-file",
                            dir_ + "/daemon.json",
                            "--data-root",
                            dir_ + "/data",
                            "--exec-root",
                            dir_ + "/exec",
                            "--pidfile",
                            dir_ + "/dockerd.pid",
                            "-H",
                            "unix://" + dir_ + "/docker.sock",
                            "--iptables=false",
                            "--ip6tables=false",
                            "--bridge=none",
                            "--exec-opt",
                            "native.cgroupdriver=cgroupfs",
                            "--cgroup-parent",
                            cgroup_parent_},
                           dir_ + "/dockerd.log");
    bool ready = false;
    for (int i = 0; daemon_ > 0 && i < 300 && !ready; ++i) {
      ready = docker({"version", "--format", "{{.Server.Version}}"}, 5).status == 0;
      if (!ready) ::usleep(100000);
    }
    if (!ready) {
      skip_ = "dockerd did not start: " + read_text(dir_ + "/dockerd.log").substr(0, 2000);
      return;
    }
    auto imported = docker({"import", make_image_tar(dir_), "ward-audit-bb"});
    if (imported.status != 0) skip_ = "docker import: " + imported.err;
  }
  static void TearDownTestSuite() {
    struct Release {
      ~Release() { layout_lock_.reset(); }
    } release;
    if (dir_.empty()) return;
    if (daemon_ > 0) {
      auto all = docker({"ps", "-aq"});
      std::istringstream ids(all.out);
      std::string id;
      while (ids >> id) docker({"rm", "-f", id});
      EXPECT_TRUE(stop_daemon(daemon_, 20)) << "dockerd ignored SIGTERM for 20 s";
      for (int pid : processes_mentioning(dir_)) ::kill(pid, SIGKILL);
    }
    run_command({"sh", "-c",
                 "for d in $(find /sys/fs/cgroup/*" + cgroup_parent_ +
                     " -depth -type d 2>/dev/null); do "
                     "xargs -r kill -9 < $d/cgroup.procs; done; sleep 0.1; "
                     "find /sys/fs/cgroup/*" +
                     cgroup_parent_ + " -depth -type d -exec rmdir {} + 2>/dev/null; true"});
    unmount_under(dir_);
    run_command({"rm", "-rf", "--one-file-system", dir_});
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << "no dockerd for this test: " << skip_;
  }

  static Outcome docker(std::vector<std::string> args, int timeout = 60) {
    std::vector<std::string> argv = {"/usr/bin/docker", "--config", dir_ + "/client", "-H",
                                     "unix://" + dir_ + "/docker.sock"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", timeout);
  }
  static Outcome audit(std::vector<std::string> args) {
    std::vector<std::string> argv = {WARD_FRONT_BINARY, "--root", dir_ + "/ward-store", "audit"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", 120);
  }

  static inline std::unique_ptr<CgroupLayoutLock> layout_lock_;
  static inline std::string dir_;
  static inline std::string cgroup_parent_;
  static inline pid_t daemon_ = -1;
  static inline std::string skip_;
};

TEST_F(AuditDocker, WeakAndStrongContainersOverTheApiAndFromInspect) {
  // Host namespaces and mounts, an added capability, no seccomp; --privileged
  // cannot run on this host (its root lacks CAP_SYS_RESOURCE).
  auto weak = docker({"run",
                      "-d",
                      "--name",
                      "weak",
                      "--cap-add",
                      "SYS_ADMIN",
                      "--pid",
                      "host",
                      "-v",
                      "/etc:/host-etc",
                      "--security-opt",
                      "seccomp=unconfined",
                      "--ulimit",
                      "nofile=1024:1024",
                      "--ulimit",
                      "nproc=1024:1024",
                      "--network",
                      "host",
                      "ward-audit-bb",
                      "sleep",
                      "1000"});
  ASSERT_EQ(weak.status, 0) << weak.err;
  auto strong = docker({"run",
                        "-d",
                        "--name",
                        "strong",
                        "--read-only",
                        "--cap-drop",
                        "ALL",
                        "--security-opt",
                        "no-new-privileges",
                        "-m",
                        "64m",
                        "--pids-limit",
                        "64",
                        "--ulimit",
                        "nofile=1024:1024",
                        "--ulimit",
                        "nproc=1024:1024",
                        "--network",
                        "none",
                        "ward-audit-bb",
                        "sleep",
                        "1000"});
  ASSERT_EQ(strong.status, 0) << strong.err;

  auto outcome = audit({"--docker-host", "unix://" + dir_ + "/docker.sock", "--format", "json"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto results = results_by_id(outcome.out);
  EXPECT_EQ(results["5.1"]["result"], "PASS") << "a fresh dockerd is not in swarm mode";
  // WARN, naming the weak container only.
  for (const char* id : {"5.4", "5.6", "5.10", "5.13", "5.16", "5.22", "5.26", "5.29"}) {
    EXPECT_EQ(results[id]["result"], "WARN") << id << ": " << results[id];
    EXPECT_TRUE(names(results[id], "weak")) << id << ": " << results[id];
    EXPECT_FALSE(names(results[id], "strong")) << id << ": " << results[id];
  }
  EXPECT_TRUE(names(results["5.11"], "weak"));
  EXPECT_FALSE(names(results["5.11"], "strong"));
  // Both run sleep: top shows their processes, and neither is sshd.
  EXPECT_EQ(results["5.7"]["result"], "PASS") << results["5.7"];
  EXPECT_EQ(results["5.31"]["result"], "PASS");
  EXPECT_EQ(results["5.32"]["result"], "PASS");
  EXPECT_EQ(audit({"--docker-host", "unix://" + dir_ + "/docker.sock", "--fail-on", "warn"}).status, 1);

  // The strong one alone, from `docker inspect` output: PASS where the weak one warned.
  auto inspected = docker({"inspect", "strong"});
  ASSERT_EQ(inspected.status, 0) << inspected.err;
  write_text(dir_ + "/strong.json", inspected.out);
  auto alone = audit({"--docker-inspect", dir_ + "/strong.json", "--format", "json"});
  ASSERT_EQ(alone.status, 0) << alone.err;
  auto strong_results = results_by_id(alone.out);
  for (const char* id :
       {"5.4", "5.5", "5.6", "5.10", "5.11", "5.13", "5.16", "5.17", "5.21", "5.22", "5.26", "5.29", "5.31", "5.32"})
    EXPECT_EQ(strong_results[id]["result"], "PASS") << id << ": " << strong_results[id];
  EXPECT_EQ(strong_results["5.7"]["result"], "INFO") << "inspect output shows no processes";
}

}  // namespace
}  // namespace ward::test
