// Bad input: one error line naming the field or file, a non-zero exit, and
// nothing left behind (no state entry, no process, no host mount).
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

class BadInput : public BundleTest {
 protected:
  // Runs `ward-oci ARGS` expecting failure; checks the error is one line
  // mentioning `needle` and that nothing was left behind.
  void expect_clean_failure(const std::vector<std::string>& args, const std::string& needle) {
    std::string mounts = host_mounts_under(dir_);
    auto entries = state_entries();
    auto processes = processes_mentioning(dir_ + "/state");
    auto outcome = oci(args);
    EXPECT_NE(outcome.status, 0) << "unexpected success of " << args[0];
    EXPECT_NE(outcome.err.find(needle), std::string::npos) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
    EXPECT_TRUE(outcome.err.starts_with("ward-oci: ")) << outcome.err;
    EXPECT_EQ(state_entries(), entries);
    EXPECT_EQ(processes_mentioning(dir_ + "/state"), processes);
    EXPECT_EQ(host_mounts_under(dir_), mounts);
  }
};

TEST_F(BadInput, MissingConfig) {
  ::unlink((bundle_ + "/config.json").c_str());
  expect_clean_failure({"create", "x"}, "config.json");
  expect_clean_failure({"run", "x"}, "config.json");
}

TEST_F(BadInput, MalformedConfig) {
  write_text(bundle_ + "/config.json", "{\"ociVersion\": \"1.0.2\", \"process\": {");
  expect_clean_failure({"create", "x"}, "config.json: invalid JSON");
}

TEST_F(BadInput, UnsupportedOciVersion) {
  config_["ociVersion"] = "2.0.0";
  save_config();
  expect_clean_failure({"create", "x"}, "ociVersion");
}

TEST_F(BadInput, UnknownNamespace) {
  config_["linux"]["namespaces"].push_back({{"type", "bogus"}});
  save_config();
  expect_clean_failure({"create", "x"}, "linux.namespaces");
}

TEST_F(BadInput, NamespacePathOfTheWrongType) {
  for (auto& ns : config_["linux"]["namespaces"])
    if (ns["type"] == "uts") ns["path"] = "/proc/self/ns/net";
  save_config();
  expect_clean_failure({"create", "x"}, "linux.namespaces[");
  for (auto& ns : config_["linux"]["namespaces"])
    if (ns["type"] == "uts") ns["path"] = "/etc/hostname";
  save_config();
  expect_clean_failure({"create", "x"}, "is not a namespace file");
}

TEST_F(BadInput, BadMounts) {
  add_mount("relative/path", "tmpfs", "tmpfs", {});
  save_config();
  expect_clean_failure({"create", "x"}, "mounts");
  config_["mounts"].erase(config_["mounts"].size() - 1);
  // Fails in the container's init, after namespaces and other mounts exist.
  add_mount("/data", "bind", dir_ + "/does-not-exist", {"bind"});
  save_config();
  expect_clean_failure({"create", "x"}, "does-not-exist");
  config_["mounts"].erase(config_["mounts"].size() - 1);
  add_mount("/data", "no-such-fs", "none", {});
  save_config();
  expect_clean_failure({"create", "x"}, "/data");
}

// Idmapped mounts: only bind mounts, both maps or neither, and "idmap"
// without maps needs the container's user namespace.
TEST_F(BadInput, IdmappedMounts) {
  ::mkdir((dir_ + "/shared").c_str(), 0755);
  nlohmann::json mapping = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
  size_t index = config_["mounts"].size();
  std::string field = "mounts[" + std::to_string(index) + "]";
  add_mount("/data", "tmpfs", "tmpfs", {"idmap"});
  save_config();
  expect_clean_failure({"create", "x"}, field + ".options: idmap applies to bind mounts only");
  config_["mounts"][index]["uidMappings"] = mapping;
  config_["mounts"][index]["gidMappings"] = mapping;
  config_["mounts"][index]["options"] = nlohmann::json::array();
  save_config();
  expect_clean_failure({"create", "x"}, field + ".uidMappings: an idmapped mount must be a bind mount");
  config_["mounts"][index] = {{"destination", "/data"}, {"type", "bind"}, {"source", dir_ + "/shared"},
                              {"options", {"bind", "idmap"}}, {"uidMappings", mapping}};
  save_config();
  expect_clean_failure({"create", "x"}, field + ".gidMappings: must be given along with " + field + ".uidMappings");
  config_["mounts"][index].erase("uidMappings");
  config_["mounts"][index]["gidMappings"] = mapping;
  save_config();
  expect_clean_failure({"create", "x"}, field + ".uidMappings: must be given along with " + field + ".gidMappings");
  config_["mounts"][index].erase("gidMappings");
  save_config();
  expect_clean_failure({"create", "x"}, field + ".options: idmap without");
  // ward-oci opens the copy in its own mount namespace: with one joined by
  // path the source could be another file, so that is refused.
  config_["mounts"][index]["uidMappings"] = mapping;
  config_["mounts"][index]["gidMappings"] = mapping;
  nlohmann::json namespaces = config_["linux"]["namespaces"];
  for (auto& ns : config_["linux"]["namespaces"])
    if (ns["type"] == "mount") ns["path"] = "/proc/self/ns/mnt";
  save_config();
  expect_clean_failure({"create", "x"}, field + ": idmapped mounts are not supported with a mount namespace joined");
  config_["linux"]["namespaces"] = namespaces;
  // Overlapping ranges: the kernel refuses the helper namespace's uid_map.
  config_["mounts"][index]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 10}},
                                             {{"containerID", 5}, {"hostID", 2000}, {"size", 10}}};
  config_["mounts"][index]["gidMappings"] = mapping;
  save_config();
  expect_clean_failure({"create", "x"}, field + ".uidMappings: uid_map");
}

TEST_F(BadInput, TmpcopyupOnlyOnTmpfs) {
  ::mkdir((dir_ + "/shared").c_str(), 0755);
  add_mount("/data", "bind", dir_ + "/shared", {"rbind", "tmpcopyup"});
  save_config();
  size_t index = config_["mounts"].size() - 1;
  expect_clean_failure({"create", "x"}, "mounts[" + std::to_string(index) + "].options: tmpcopyup");
  config_["mounts"][index] = {{"destination", "/data"}, {"type", "proc"}, {"source", "proc"}, {"options", {"tmpcopyup"}}};
  save_config();
  expect_clean_failure({"create", "x"}, "mounts[" + std::to_string(index) + "].options: tmpcopyup");
}

// Fails in the container's init, half-way through the copy: the error names
// the mount, and nothing is left (the tmpfs lives in the container's mount
// namespace).
TEST_F(BadInput, TmpcopyupOfATreeTooDeep) {
  std::string path = rootfs_ + "/data";
  for (int level = 0; level <= 65; ++level, path += "/d") ::mkdir(path.c_str(), 0755);
  add_mount("/data", "tmpfs", "tmpfs", {"tmpcopyup"});
  save_config();
  expect_clean_failure({"create", "x"}, "mount /data: tmpcopyup /d/d/d");
  expect_clean_failure({"run", "x"}, "(64)");
}

TEST_F(BadInput, BadCwdAndUser) {
  config_["process"]["cwd"] = "relative";
  save_config();
  expect_clean_failure({"create", "x"}, "process.cwd");
  config_["process"]["cwd"] = "/no/such/dir";
  save_config();
  expect_clean_failure({"create", "x"}, "process.cwd");
}

TEST_F(BadInput, DuplicateAndUnknownIds) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "dup"}).status, 0);
  expect_clean_failure({"create", "dup"}, "dup");
  expect_clean_failure({"state", "nope"}, "nope");
  expect_clean_failure({"start", "nope"}, "nope");
  expect_clean_failure({"kill", "nope", "KILL"}, "nope");
  expect_clean_failure({"create", "../escape"}, "../escape");
  expect_clean_failure({"create", ""}, "id");
  EXPECT_EQ(oci({"delete", "--force", "dup"}).status, 0);
}

TEST_F(BadInput, UnknownSignal) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"create", "sig"}).status, 0);
  expect_clean_failure({"kill", "sig", "SIGNOPE"}, "SIGNOPE");
  expect_clean_failure({"kill", "sig", "99"}, "99");
  // The container is untouched.
  EXPECT_EQ(nlohmann::json::parse(oci({"state", "sig"}).out)["status"], "created");
  EXPECT_EQ(oci({"delete", "--force", "sig"}).status, 0);
}

TEST_F(BadInput, UnknownFlagOrVerb) {
  expect_clean_failure({"frobnicate"}, "frobnicate");
  expect_clean_failure({"create", "--no-such-flag", "x"}, "no-such-flag");
  // runc's CRIU verbs are named as unsupported, not unknown.
  expect_clean_failure({"checkpoint", "x"}, "checkpoint: not supported: ward-oci has no CRIU support");
  expect_clean_failure({"restore", "x"}, "restore: not supported: ward-oci has no CRIU support");
}

TEST_F(BadInput, JsonLogFormatGetsTheError) {
  ::unlink((bundle_ + "/config.json").c_str());
  std::string log = dir_ + "/log.json";
  auto outcome = oci({"--log", log, "--log-format", "json", "create", "x"});
  EXPECT_NE(outcome.status, 0);
  std::string text = read_text(log);
  auto line = nlohmann::json::parse(text.substr(0, text.find('\n')), nullptr, false);
  ASSERT_TRUE(line.is_object()) << text;
  EXPECT_EQ(line["level"], "error");
  EXPECT_NE(line["msg"].get<std::string>().find("config.json"), std::string::npos);
  EXPECT_TRUE(line.contains("time"));
  EXPECT_TRUE(state_entries().empty());
}

TEST_F(BadInput, RefusedFeaturesAreNamed) {
  config_["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                 {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
  save_config();
  expect_clean_failure({"create", "x"}, "linux.seccomp.syscalls[0].action");
  config_["linux"].erase("seccomp");
  config_["linux"]["resources"] = {{"memory", {{"kernel", 1048576}}}};
  save_config();
  expect_clean_failure({"create", "x"}, "linux.resources.memory.kernel");
  config_["linux"]["resources"] = {{"network", {{"classID", 1}}}};
  save_config();
  expect_clean_failure({"create", "x"}, "linux.resources.network.classID");
}

}  // namespace
}  // namespace ward::test
