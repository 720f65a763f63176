// ward audit's sections 1 to 4 in a scratch tree: the store's partition
// from a mountinfo, auditd rules, registries.conf, the modes of ward's
// files, the defaults of ward-oci spec, and images with setuid files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "audit/bench/bench.h"
#include "audit/bench/host_checks.h"
#include "audit/bench/image_section.h"
#include "temp_dir.h"

namespace ward::audit::bench {
namespace {

const CheckResult& result_of(const Section& section, std::string_view id) {
  for (const CheckResult& r : section.results)
    if (r.id == id) return r;
  static const CheckResult missing{"missing", "", Level::note, false, "", {}};
  ADD_FAILURE() << "no result for check " << id;
  return missing;
}

std::string_view level_of(const Section& section, std::string_view id) {
  return level_name(result_of(section, id).level);
}

void write_file(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

class AuditHost : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    const std::string& d = dir_.path();
    paths_.store_root = d + "/store";
    paths_.config_dir = d + "/etc-ward";
    paths_.run_dir = d + "/run-ward";  // absent
    paths_.audit_rule_files = {d + "/audit.rules"};
    paths_.audit_rules_dir = d + "/rules.d";
    paths_.registries_conf = d + "/registries.conf";
    paths_.subuid = d + "/subuid";
    paths_.subgid = d + "/subgid";
    paths_.mountinfo = d + "/mountinfo";
    paths_.ward_binary = d + "/ward";
    paths_.runtime_binary = d + "/ward-oci";
    paths_.owner = ::geteuid();
    ASSERT_EQ(::mkdir(paths_.store_root.c_str(), 0700), 0);
    ASSERT_EQ(::mkdir(paths_.config_dir.c_str(), 0777), 0);
    ::chmod(paths_.config_dir.c_str(), 0777);
    ASSERT_EQ(::mkdir(paths_.audit_rules_dir.c_str(), 0755), 0);
    write_file(paths_.store_root + "/ward.db", "", 0600);
    write_file(paths_.ward_binary, "", 0755);
    write_file(paths_.runtime_binary, "", 0755);
  }

  test_support::TempDir dir_{"ward-audit-host"};
  HostPaths paths_;
};

TEST_F(AuditHost, StoreOnTheRootFilesystemWarnsAndOnItsOwnMountPasses) {
  write_file(paths_.mountinfo, "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
  EXPECT_EQ(level_of(host_section(paths_, "0.9.0"), "1.1.1"), "WARN");
  write_file(paths_.mountinfo,
             "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
             "30 22 8:2 / " +
                 dir_.path() + " rw,relatime shared:2 - ext4 /dev/sdb1 rw\n");
  Section host = host_section(paths_, "0.9.0");
  EXPECT_EQ(level_of(host, "1.1.1"), "PASS");
  EXPECT_NE(result_of(host, "1.1.1").details.find("on its own mount, " + dir_.path()), std::string::npos);
  paths_.store_root = dir_.path() + "/nothing";
  EXPECT_EQ(level_of(host_section(paths_, "0.9.0"), "1.1.1"), "INFO");
}

TEST_F(AuditHost, AuditdRulesWatchSomePathsAndNotOthers) {
  write_file(paths_.mountinfo, "");
  Section none = host_section(paths_, "0.9.0");
  EXPECT_EQ(level_of(none, "1.1.5"), "WARN");
  EXPECT_NE(result_of(none, "1.1.5").details.find("no auditd rules"), std::string::npos);

  write_file(paths_.audit_rule_files[0], "# ward\n-w " + paths_.store_root +
                                             " -p wa -k ward\n"
                                             "-a always,exit -F path=" +
                                             paths_.ward_binary + " -F perm=x -k ward\n");
  write_file(paths_.audit_rules_dir + "/ward.rules", "-w " + dir_.path() + "/etc-ward/ -p wa\n");
  write_file(paths_.audit_rules_dir + "/ignored.txt", "-w " + paths_.runtime_binary + "\n");
  Section host = host_section(paths_, "0.9.0");
  EXPECT_EQ(level_of(host, "1.1.3"), "PASS");
  EXPECT_EQ(level_of(host, "1.1.4"), "INFO");  // no run directory here
  EXPECT_EQ(level_of(host, "1.1.5"), "PASS");
  EXPECT_EQ(level_of(host, "1.1.6"), "PASS");
  EXPECT_EQ(level_of(host, "1.1.18"), "WARN");  // only a .rules file counts
  EXPECT_EQ(result_of(host, "1.1.18").items, (std::vector<std::string>{paths_.runtime_binary}));
  EXPECT_EQ(level_of(host, "1.1.2"), "INFO");
  EXPECT_EQ(level_of(host, "1.2.1"), "NOTE");
  EXPECT_NE(result_of(host, "1.2.2").details.find("ward 0.9.0"), std::string::npos);
}

TEST(AuditHostParsers, WatchedPaths) {
  auto watched = audit_watched_paths(
      "-D\n# -w /commented\n-w /usr/bin/ward -p x -k ward\n"
      "-a always,exit -F arch=b64 -F path=/usr/bin/ward-oci -F perm=x\n-a exit,always -F dir=/var/lib/ward\n");
  EXPECT_EQ(watched, (std::vector<std::string>{"/usr/bin/ward", "/usr/bin/ward-oci", "/var/lib/ward"}));
}

TEST(AuditHostParsers, InsecureRegistriesOfBothFormats) {
  EXPECT_EQ(insecure_registries("unqualified-search-registries = [\"docker.io\"]\n"
                                "[[registry]]\nlocation = \"registry.local:5000\"\ninsecure = true\n"
                                "[[registry]]\nprefix = \"quay.io\"\nlocation = \"quay.io\"  # safe\n"
                                "[[registry.mirror]]\nlocation = \"mirror.local\"\ninsecure = true\n"
                                "[registries.insecure]\nregistries = ['old.local',\n  \"older.local\"]\n"
                                "[registries.block]\nregistries = [\"blocked.io\"]\n"),
            (std::vector<std::string>{"mirror.local", "old.local", "older.local", "registry.local:5000"}));
  EXPECT_TRUE(insecure_registries("[[registry]]\nlocation = \"x\"\ninsecure = false\n").empty());
}

TEST_F(AuditHost, InsecureRegistriesWarn) {
  EXPECT_EQ(level_of(engine_configuration_section(paths_), "2.5"), "PASS");  // no registries.conf
  write_file(paths_.registries_conf, "[[registry]]\nlocation = \"registry.local:5000\"\ninsecure = true\n");
  Section engine = engine_configuration_section(paths_);
  EXPECT_EQ(level_of(engine, "2.5"), "WARN");
  EXPECT_EQ(result_of(engine, "2.5").items, (std::vector<std::string>{"registry.local:5000"}));
}

TEST_F(AuditHost, DefaultsAreReadFromWardOciSpec) {
  write_file(paths_.subuid, "ward:100000:65536\n");
  Section engine = engine_configuration_section(paths_);
  EXPECT_EQ(level_of(engine, "2.14"), "PASS");
  EXPECT_EQ(level_of(engine, "2.17"), "PASS");
  // Every container's own user namespace, from those ranges, as root.
  EXPECT_EQ(level_of(engine, "2.9"), ::geteuid() == 0 ? "PASS" : "NOTE");
  if (::geteuid() == 0) {
    EXPECT_NE(result_of(engine, "2.9").details.find(paths_.subuid + " has a ward range"), std::string::npos)
        << result_of(engine, "2.9").details;
    EXPECT_NE(result_of(engine, "2.9").details.find(paths_.subgid + " has none"), std::string::npos);
  }
  EXPECT_EQ(level_of(engine, "2.13"), "INFO");
}

TEST_F(AuditHost, ModesAndOwnersOfWardsFiles) {
  Section files = engine_files_section(paths_);
  EXPECT_EQ(level_of(files, "3.5"), ::geteuid() == 0 ? "PASS" : "WARN");
  EXPECT_EQ(level_of(files, "3.6"), "WARN");
  EXPECT_NE(result_of(files, "3.6").details.find("mode 777"), std::string::npos);
  EXPECT_EQ(level_of(files, "W.3.1"), "PASS");
  EXPECT_EQ(level_of(files, "W.3.2"), "PASS");

  ::chmod(paths_.config_dir.c_str(), 0755);
  ::chmod(paths_.store_root.c_str(), 0750);
  ::chmod((paths_.store_root + "/ward.db").c_str(), 0666);
  files = engine_files_section(paths_);
  EXPECT_EQ(level_of(files, "3.6"), "PASS");
  EXPECT_EQ(level_of(files, "W.3.1"), "WARN");
  EXPECT_NE(result_of(files, "W.3.1").details.find("mode 750"), std::string::npos);
  EXPECT_EQ(level_of(files, "W.3.2"), "WARN");
  paths_.owner = ::geteuid() + 1;
  EXPECT_NE(result_of(engine_files_section(paths_), "W.3.1").details.find("owned by uid"), std::string::npos);

  paths_.config_dir = dir_.path() + "/absent";
  paths_.store_root = dir_.path() + "/absent";
  files = engine_files_section(paths_);
  EXPECT_EQ(level_of(files, "3.5"), "INFO");
  EXPECT_EQ(level_of(files, "W.3.1"), "INFO");
  EXPECT_EQ(level_of(files, "W.3.2"), "INFO");
}

TEST_F(AuditHost, ImagesWithRootUsersSetuidFilesAndNoHealthcheck) {
  std::string layer = dir_.path() + "/layer";
  ASSERT_EQ(::mkdir(layer.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((layer + "/bin").c_str(), 0755), 0);
  write_file(layer + "/bin/su", "", 0755);
  ASSERT_EQ(::chmod((layer + "/bin/su").c_str(), 04755), 0);
  write_file(layer + "/bin/sh", "", 0755);

  AuditedImage weak{"weak:1", {}, {layer}};
  weak.config.history.push_back(image::HistoryEntry{"", "/bin/sh -c apt-get update", "", "", false});
  weak.config.config.env = {"DB_PASSWORD=hunter2"};
  AuditedImage strong{"strong:1", {}, {}};
  strong.config.config.user = "app";
  strong.config.config.healthcheck = image::Healthcheck{{"CMD", "true"}, 0, 0, 0, 0, 0};
  std::string empty_layer = dir_.path() + "/empty";
  ASSERT_EQ(::mkdir(empty_layer.c_str(), 0755), 0);
  strong.layers = {empty_layer};

  auto section = image_section({weak, strong});
  ASSERT_TRUE(section) << section.error().what();
  EXPECT_EQ(level_of(*section, "4.1"), "WARN");
  EXPECT_EQ(result_of(*section, "4.1").items.size(), 1u);
  EXPECT_EQ(result_of(*section, "4.1").items[0].rfind("weak:1: ", 0), 0u);
  EXPECT_EQ(level_of(*section, "4.6"), "WARN");
  EXPECT_EQ(level_of(*section, "4.7"), "WARN");
  EXPECT_EQ(level_of(*section, "4.8"), "WARN");
  ASSERT_EQ(result_of(*section, "4.8").items.size(), 1u);
  EXPECT_NE(result_of(*section, "4.8").items[0].find("/bin/su setuid file"), std::string::npos)
      << result_of(*section, "4.8").items[0];
  EXPECT_EQ(level_of(*section, "4.9"), "PASS");
  EXPECT_EQ(level_of(*section, "4.10"), "WARN");
  EXPECT_EQ(level_of(*section, "4.5"), "INFO");
  EXPECT_EQ(level_of(*section, "4.2"), "NOTE");

  auto good = image_section({strong});
  ASSERT_TRUE(good);
  for (std::string_view id : {"4.1", "4.6", "4.7", "4.8", "4.9", "4.10"}) EXPECT_EQ(level_of(*good, id), "PASS") << id;

  auto none = image_section({});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->note.empty());
  EXPECT_EQ(level_of(*none, "4.5"), "INFO");
}

}  // namespace
}  // namespace ward::audit::bench
