// AppArmor and SELinux on this host, which has neither in its kernel:
//  * every profile `ward apparmor` writes compiles with the real
//    apparmor_parser (-Q: parse only, -K: no cache);
//  * a config that asks for a profile or a label fails `create`, `run` and
//    `exec` with one line naming the field and leaves nothing behind, while
//    the same config without them runs (so the refusal is not vacuous).
// Confinement itself cannot be observed on this kernel; SECURITY.md says so.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "support.h"

namespace ward::test {
namespace {

Outcome ward(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {WARD_FRONT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::vector<std::string> sample_profiles() {
  std::vector<std::string> files;
  std::string dir = std::string(WARD_TEST_DATA_DIR) + "/apparmor";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return files;
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name.ends_with(".toml")) files.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

class AppArmorCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ward-apparmor-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { run_command({"rm", "-rf", dir_}); }

  // apparmor_parser's verdict on `text`.
  Outcome parse(const std::string& text, const std::string& name) {
    std::string path = dir_ + "/" + name;
    write_text(path, text);
    return run_command({"apparmor_parser", "-Q", "-K", path});
  }

  std::string dir_;
};

TEST_F(AppArmorCli, DefaultProfileCompiles) {
  auto outcome = ward({"apparmor", "default"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("profile ward-default "), std::string::npos);
  auto parsed = parse(outcome.out, "ward-default");
  EXPECT_EQ(parsed.status, 0) << parsed.err;
  // The check is real: the same text cut short does not compile.
  auto broken = parse(outcome.out.substr(0, outcome.out.size() - 2), "broken");
  EXPECT_NE(broken.status, 0);
}

TEST_F(AppArmorCli, SampleProfilesCompile) {
  auto files = sample_profiles();
  ASSERT_GE(files.size(), 4u);
  for (const auto& file : files) {
    auto outcome = ward({"apparmor", "generate", file});
    ASSERT_EQ(outcome.status, 0) << file << ": " << outcome.err;
    EXPECT_TRUE(outcome.err.empty()) << outcome.err;
    auto parsed = parse(outcome.out, "generated");
    EXPECT_EQ(parsed.status, 0) << file << ":\n" << parsed.err << outcome.out;
  }
}

TEST_F(AppArmorCli, OutputFile) {
  std::string output = dir_ + "/web.profile";
  auto outcome = ward({"apparmor", "generate", std::string(WARD_TEST_DATA_DIR) + "/apparmor/web.toml", "-o", output});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_TRUE(outcome.out.empty());
  std::string text = read_text(output);
  EXPECT_NE(text.find("profile ward-web "), std::string::npos);
  EXPECT_EQ(run_command({"apparmor_parser", "-Q", "-K", output}).status, 0);
}

TEST_F(AppArmorCli, BadTomlNamesKeyAndFile) {
  std::string file = dir_ + "/bad.toml";
  write_text(file, "name = \"x\"\n[filesystem]\nread_only = [\"/etc\"]\nwriteable = [\"/tmp\"]\n");
  auto outcome = ward({"apparmor", "generate", file});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_TRUE(outcome.out.empty());
  EXPECT_EQ(outcome.err, "ward: apparmor generate: " + file + ":4: unknown key \"filesystem.writeable\"\n");

  // A name that would close the header and add a rule of its own.
  write_text(file, "name = \"x {\\n  /** rwix,\\n}\\nprofile y\"\n");
  outcome = ward({"apparmor", "generate", file});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.err.find(file + ":1: name: profile name"), std::string::npos) << outcome.err;
  EXPECT_TRUE(outcome.out.empty());
  // A path that would do the same from inside its quotes.
  write_text(file, "name = \"x\"\n[exec]\ndeny = [\"/a\\\" rwix,\\n  /b\"]\n");
  outcome = ward({"apparmor", "generate", file});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.err.find("exec.deny[0]"), std::string::npos) << outcome.err;

  outcome = ward({"apparmor", "generate", dir_ + "/missing.toml"});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.err.find(dir_ + "/missing.toml"), std::string::npos) << outcome.err;
}

TEST_F(AppArmorCli, UsageErrorsExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"frobnicate"},
                                                                {"--bogus"},
                                                                {"apparmor"},
                                                                {"apparmor", "frob"},
                                                                {"apparmor", "generate"},
                                                                {"apparmor", "--bogus", "default"},
                                                                {"apparmor", "default", "extra"},
                                                                {}}) {
    auto outcome = ward(args);
    EXPECT_EQ(outcome.status, 2) << (args.empty() ? "(none)" : args[0]);
    if (!args.empty()) {
      EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
      EXPECT_TRUE(outcome.err.starts_with("ward: ")) << outcome.err;
    }
  }
  auto help = ward({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("apparmor"), std::string::npos);
  EXPECT_EQ(ward({"apparmor", "--help"}).status, 0);
  auto version = ward({"version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_TRUE(version.out.starts_with("ward version ")) << version.out;
}

bool host_has_apparmor() {
  return exists("/sys/kernel/security/apparmor") || read_text("/sys/module/apparmor/parameters/enabled").starts_with("Y");
}
bool host_has_selinux() { return exists("/sys/fs/selinux/enforce"); }

class Lsm : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    if (host_has_apparmor() || host_has_selinux()) GTEST_SKIP() << "this host has AppArmor or SELinux";
  }
  // The host's mounts under this test's directory: other tests and clients
  // may mount elsewhere on the machine meanwhile.
  std::string own_mounts() {
    std::istringstream lines(host_mounts());
    std::string line, out;
    while (std::getline(lines, line))
      if (line.find(dir_) != std::string::npos) out += line + "\n";
    return out;
  }
  // As BadInput's: one line naming the field, nothing left behind.
  void expect_clean_failure(const std::vector<std::string>& args, const std::string& line) {
    std::string mounts = own_mounts();
    auto entries = state_entries();
    auto processes = processes_mentioning(dir_ + "/state");
    auto outcome = oci(args);
    EXPECT_NE(outcome.status, 0) << "unexpected success of " << args[0];
    EXPECT_EQ(outcome.err, "ward-oci: " + line + "\n");
    EXPECT_EQ(state_entries(), entries);
    EXPECT_EQ(processes_mentioning(dir_ + "/state"), processes);
    EXPECT_EQ(own_mounts(), mounts);
  }
};

TEST_F(Lsm, AppArmorProfileRefusedWithoutAppArmor) {
  config_["process"]["apparmorProfile"] = "ward-default";
  save_config();
  const std::string line =
      "process.apparmorProfile: AppArmor is not enabled on this host (profile \"ward-default\")";
  expect_clean_failure({"create", "x"}, line);
  expect_clean_failure({"run", "x"}, line);
  config_["process"]["apparmorProfile"] = "unconfined";
  save_config();
  expect_clean_failure({"create", "x"},
                       "process.apparmorProfile: AppArmor is not enabled on this host (profile \"unconfined\")");
  // Without the profile the same container runs.
  config_["process"]["apparmorProfile"] = "";
  save_config();
  auto facts = run_checker();
  EXPECT_EQ(facts["uid"], "0");
}

TEST_F(Lsm, SelinuxLabelsRefusedWithoutSelinux) {
  config_["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c1,c2";
  save_config();
  expect_clean_failure({"create", "x"}, "process.selinuxLabel: SELinux is not enabled on this host (label "
                                        "\"system_u:system_r:container_t:s0:c1,c2\")");
  config_["process"]["selinuxLabel"] = "";
  config_["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0";
  save_config();
  expect_clean_failure({"run", "x"}, "linux.mountLabel: SELinux is not enabled on this host (label "
                                     "\"system_u:object_r:container_file_t:s0\")");
  config_["linux"]["mountLabel"] = "";
  save_config();
  EXPECT_EQ(run_checker()["uid"], "0");
}

TEST_F(Lsm, ExecRefusesAProfileOrLabel) {
  set_args({"sleep", "120"});
  auto started = oci({"run", "--detach", "target"});
  ASSERT_EQ(started.status, 0) << started.err;
  auto before = processes_mentioning(dir_ + "/state");
  auto outcome = oci({"exec", "--apparmor", "ward-default", "target", "true"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_EQ(outcome.err,
            "ward-oci: process.apparmorProfile: AppArmor is not enabled on this host (profile \"ward-default\")\n");
  outcome = oci({"exec", "--process-label", "u:r:t:s0", "target", "true"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_EQ(outcome.err, "ward-oci: process.selinuxLabel: SELinux is not enabled on this host (label \"u:r:t:s0\")\n");
  std::string process_file = dir_ + "/process.json";
  write_text(process_file, R"({"args": ["true"], "cwd": "/", "apparmorProfile": "custom"})");
  outcome = oci({"exec", "--process", process_file, "target"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_EQ(outcome.err,
            "ward-oci: process.apparmorProfile: AppArmor is not enabled on this host (profile \"custom\")\n");
  EXPECT_EQ(processes_mentioning(dir_ + "/state"), before);
  // The same exec without them works.
  EXPECT_EQ(oci({"exec", "target", "true"}).status, 0);
}

// With WARD_TEST_LSM_ROOT pointing at a fake /sys that claims both
// modules, ward-oci goes ahead and the container's init makes the writes:
// this kernel refuses each, and `create` reports the refusal with the field
// and the attribute file.  That shows the init really writes the profile
// and labels where a host has the modules, and where.
class LsmWrites : public Lsm {
 protected:
  void SetUp() override {
    Lsm::SetUp();
    if (IsSkipped()) return;
    std::string fake = dir_ + "/lsm-root";
    ASSERT_EQ(run_command({"mkdir", "-p", fake + "/sys/fs/selinux", fake + "/sys/kernel/security/apparmor"}).status, 0);
    write_text(fake + "/sys/fs/selinux/enforce", "1");
    write_text(fake + "/sys/kernel/security/apparmor/profiles", "ward-default (enforce)\n");
    ::setenv("WARD_TEST_LSM_ROOT", fake.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("WARD_TEST_LSM_ROOT");
    Lsm::TearDown();
  }
};

TEST_F(LsmWrites, InitWritesTheAppArmorProfile) {
  config_["process"]["apparmorProfile"] = "ward-default";
  save_config();
  expect_clean_failure({"create", "x"},
                       "process.apparmorProfile: write \"exec ward-default\" to /proc/thread-self/attr/exec: "
                       "Invalid argument");
}

TEST_F(LsmWrites, UnloadedWardDefaultGoesToApparmorParser) {
  // Not in the loaded list: ward-oci hands ward-default to
  // `apparmor_parser -Kr` on stdin.  The parser compiles it and then finds
  // no AppArmor filesystem on this kernel; create says so and leaves nothing.
  write_text(dir_ + "/lsm-root/sys/kernel/security/apparmor/profiles", "");
  config_["process"]["apparmorProfile"] = "ward-default";
  save_config();
  auto entries = state_entries();
  auto outcome = oci({"create", "x"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: process.apparmorProfile: load ward-default: apparmor_parser exited with"))
      << outcome.err;
  EXPECT_EQ(state_entries(), entries);
  EXPECT_TRUE(processes_mentioning(dir_ + "/state").empty());
}

TEST_F(LsmWrites, InitWritesTheSelinuxLabels) {
  config_["process"]["selinuxLabel"] = "u:r:container_t:s0";
  save_config();
  // First the keyring's label, then (without a new keyring) the process's.
  expect_clean_failure({"create", "x"},
                       "process.selinuxLabel: write /proc/thread-self/attr/keycreate: Invalid argument");
  expect_clean_failure({"create", "--no-new-keyring", "x"},
                       "process.selinuxLabel: write \"u:r:container_t:s0\" to /proc/thread-self/attr/exec: "
                       "Invalid argument");
}

TEST_F(LsmWrites, MountLabelReachesTheMount) {
  config_["linux"]["mountLabel"] = "u:object_r:container_file_t:s0";
  save_config();
  // tmpfs on a kernel without SELinux does not know context=.
  auto outcome = oci({"create", "x"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("mount tmpfs on /dev"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  ::unsetenv("WARD_TEST_LSM_ROOT");
  config_["linux"].erase("mountLabel");
  save_config();
  EXPECT_EQ(run_checker()["uid"], "0");
}

TEST_F(Lsm, SpecHasNoProfileWithoutAppArmor) {
  ::unlink((bundle_ + "/config.json").c_str());
  auto outcome = oci({"spec"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto config = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
  EXPECT_FALSE(config["process"].contains("apparmorProfile")) << config["process"].dump();
}

}  // namespace
}  // namespace ward::test
