// ward scan's checks: accounts, image configuration, files, and the merged
// view of image layers (whiteouts, opaque directories, symlinks that try
// to leave the root filesystem).
#include <crypt.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audit/scan/accounts.h"
#include "audit/scan/file_checks.h"
#include "audit/scan/image_checks.h"
#include "audit/scan/rootfs.h"
#include "audit/scan/rules.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::audit::scan {
namespace {

std::multiset<std::string> rules_of(const std::vector<Finding>& findings) {
  std::multiset<std::string> out;
  for (const auto& f : findings) out.insert(f.rule);
  return out;
}

std::string hash(const std::string& password, const char* prefix) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(::crypt_gensalt_rn(prefix, 0, nullptr, 0, salt, sizeof(salt)), nullptr);
  crypt_data data{};
  const char* out = ::crypt_r(password.c_str(), salt, &data);
  return out != nullptr ? out : "";
}

TEST(ScanAccounts, SplitsLinesIntoFieldsAndSkipsComments) {
  auto lines = parse_account_lines("# comment\nroot:x:0:0:root:/root:/bin/sh\n\nbin:*::\r\nlast");
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].line, 2);
  EXPECT_EQ(lines[0].fields.size(), 7U);
  EXPECT_EQ(lines[1].line, 4);
  EXPECT_EQ(lines[1].fields, (std::vector<std::string>{"bin", "*", "", ""}));
  EXPECT_EQ(lines[2].fields, (std::vector<std::string>{"last"}));
}

TEST(ScanAccounts, GuessesWeakPasswordsAndNamesWeakHashes) {
  EXPECT_TRUE(password_matches("docker", hash("docker", "$y$")));
  EXPECT_FALSE(password_matches("docker", hash("a long and unguessable phrase", "$y$")));
  EXPECT_FALSE(password_matches("", "!"));
  EXPECT_FALSE(password_matches("x", "not a hash"));

  AccountFiles files;
  files.passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
  files.shadow =
      "root:!:19000::::::\n"  // locked: fine
      "app:" +
      hash("app", "$6$") +
      ":19000::::::\n"  // its own name
      "old:" +
      hash("Zq8#long-and-random", "$1$") +
      ":19000::::::\n"  // MD5-crypt
      "nopass::19000::::::\n";
  auto findings = check_accounts(files);
  EXPECT_EQ(rules_of(findings),
            (std::multiset<std::string>{std::string(kGuessablePassword), std::string(kWeakPasswordHash),
                                        std::string(kEmptyPassword)}));
  for (const auto& f : findings) {
    EXPECT_EQ(f.location.file, "/etc/shadow");
    if (f.rule == kEmptyPassword) {
      EXPECT_EQ(f.location.line, 4);
    }
    if (f.rule == kGuessablePassword) {
      EXPECT_NE(f.message.find("\"app\""), std::string::npos) << f.message;
    }
    EXPECT_EQ(f.severity, rule_severity(f.rule));
  }
}

TEST(ScanAccounts, HashesThatWouldStallTheScanAreNotGuessed) {
  // "docker" hashed with costs far above the defaults: a guess would match,
  // but a hostile image must not make one crypt_r call take minutes.
  crypt_data data{};
  std::string rounds = ::crypt_r("docker", "$6$rounds=900000$salt", &data);
  std::string bcrypt = hash("docker", "$2b$");  // cost 05 from crypt_gensalt's default
  AccountFiles files;
  files.shadow = "slow:" + rounds + ":1::::::\n" + "cheap:" + bcrypt + ":1::::::\n" +
                 "odd:$6$rounds=12x$salt$abc:1::::::\n" + "scrypt:$7$CU..../....salt$hash:1::::::\n";
  auto findings = check_accounts(files);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, kGuessablePassword);
  EXPECT_EQ(findings[0].location.line, 2);
}

TEST(ScanAccounts, DuplicateIdsAndNamesAreFoundInPasswdAndGroup) {
  AccountFiles files;
  files.passwd = "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\nroot:x:5:5::/:/bin/sh\nempty::7:7::/:/bin/sh\n";
  files.group = "root:x:0:\nwheel:x:0:\nusers:x:100:\n";
  auto findings = check_accounts(files);
  std::vector<std::pair<std::string, int>> where;
  for (const auto& f : findings) where.emplace_back(f.location.file + " " + f.rule, f.location.line);
  std::sort(where.begin(), where.end());
  EXPECT_EQ(where, (std::vector<std::pair<std::string, int>>{{"/etc/group DKL-LI-0002", 2},
                                                             {"/etc/passwd DKL-LI-0001", 4},
                                                             {"/etc/passwd DKL-LI-0002", 2},
                                                             {"/etc/passwd DKL-LI-0002", 3}}));
}

TEST(ScanImage, EachRiskySettingIsNamedAndACleanImageHasNone) {
  image::ImageConfig risky;
  risky.config.env = {"PATH=/usr/bin", "DB_PASSWORD=hunter2", "GPG_KEY=ABCDEF", "API_TOKEN="};
  risky.config.exposed_ports = {"22/tcp", "80/tcp"};
  auto step = [](std::string created_by) { return image::HistoryEntry{"", std::move(created_by), "", "", false}; };
  risky.history = {step("/bin/sh -c #(nop) ADD file:0123abcd in / "), step("/bin/sh -c apt-get update"),
                   step("/bin/sh -c #(nop) ADD https://example.com/tool.tgz /opt/"),
                   step("RUN /bin/sh -c sudo make install # buildkit"),
                   step("/bin/sh -c apt-get update && apt-get install -y curl")};
  auto findings = check_image_config(risky, "latest");
  EXPECT_EQ(rules_of(findings),
            (std::multiset<std::string>{std::string(kRootUser), std::string(kNoHealthcheck), std::string(kSecretInEnv),
                                        std::string(kUpdateAlone), std::string(kAddInHistory), std::string(kSudo),
                                        std::string(kLatestTag), std::string(kSshPort)}));
  for (const auto& f : findings) {
    EXPECT_EQ(f.location.file, kImageConfigLocation);
    if (f.rule == kSecretInEnv) {
      EXPECT_NE(f.message.find("DB_PASSWORD"), std::string::npos);
    }
    if (f.rule == kAddInHistory) {
      EXPECT_NE(f.message.find("step 3"), std::string::npos) << f.message;
    }
  }

  image::ImageConfig clean;
  clean.config.user = "app:app";
  clean.config.healthcheck = image::Healthcheck{{"CMD", "true"}, 0, 0, 0, 0, 0};
  clean.config.env = {"PATH=/usr/bin"};
  clean.history = {step("/bin/sh -c #(nop) ADD file:0123abcd in / "), step("/bin/sh -c echo pseudo sudoers")};
  EXPECT_TRUE(check_image_config(clean, "1.0").empty());
  clean.config.user = "0:0";
  EXPECT_EQ(rules_of(check_image_config(clean, "")), (std::multiset<std::string>{std::string(kRootUser)}));
}

class ScanRootfs : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    lower_ = dir_.path() + "/lower";
    upper_ = dir_.path() + "/upper";
  }
  void file(const std::string& path, std::string_view text = "x", mode_t mode = 0644) {
    std::string parent = path.substr(0, path.rfind('/'));
    ASSERT_TRUE(sys::mkdir_all(parent, 0755));
    ASSERT_TRUE(sys::write_file_atomic(path, text));
    ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
  }
  std::set<std::string> walked(const Rootfs& rootfs) {
    std::set<std::string> out;
    auto r = rootfs.walk([&](const RootfsEntry& e) -> Result<> {
      out.insert(e.path);
      return {};
    });
    EXPECT_TRUE(r) << r.error().what();
    return out;
  }

  test_support::TempDir dir_{"ward-scan-rootfs"};
  std::string lower_;
  std::string upper_;
};

TEST_F(ScanRootfs, LayersMergeAsOverlayfsMergesThem) {
  if (::geteuid() != 0) GTEST_SKIP() << "whiteouts are 0/0 devices and trusted.* xattrs: root only";
  file(lower_ + "/etc/kept", "lower");
  file(lower_ + "/etc/deleted");
  file(lower_ + "/replaced/inside");
  file(lower_ + "/opaque/old");
  file(upper_ + "/etc/kept", "upper");
  ASSERT_EQ(::mknod((upper_ + "/etc/deleted").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
  file(upper_ + "/replaced", "now a file");
  file(upper_ + "/opaque/new");
  ASSERT_EQ(::setxattr((upper_ + "/opaque").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);

  auto merged = Rootfs::open({upper_, lower_}, true);
  ASSERT_TRUE(merged) << merged.error().what();
  EXPECT_EQ(walked(*merged), (std::set<std::string>{"/etc", "/etc/kept", "/opaque", "/opaque/new", "/replaced"}));
  EXPECT_EQ(merged->read("/etc/kept", 100).value(), "upper");
  EXPECT_EQ(merged->read("/etc/deleted", 100).value(), std::nullopt);
  EXPECT_EQ(merged->list("/opaque").value(), (std::vector<std::string>{"new"}));
  EXPECT_FALSE(merged->exists("/replaced/inside").value());

  // A plain directory: the 0/0 device is a device, nothing is hidden.
  auto plain = Rootfs::open({upper_}, false);
  ASSERT_TRUE(plain);
  EXPECT_TRUE(walked(*plain).contains("/etc/deleted"));
}

TEST_F(ScanRootfs, SymlinksResolveInsideTheRootfsOnly) {
  file(lower_ + "/etc/os-release", "ID=inside");
  file(lower_ + "/usr/lib/os-release", "ID=usr");
  ASSERT_EQ(::symlink("../usr/lib/os-release", (lower_ + "/etc/alias").c_str()), 0);
  // Absolute and climbing links end at the rootfs's own root, never the host's.
  ASSERT_EQ(::symlink("/etc/os-release", (lower_ + "/absolute").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../../../../../etc/hostname", (lower_ + "/climb").c_str()), 0);
  ASSERT_EQ(::symlink("/", (lower_ + "/usr/root").c_str()), 0);
  ASSERT_EQ(::symlink("loop", (lower_ + "/loop").c_str()), 0);
  auto rootfs = Rootfs::open({lower_}, false);
  ASSERT_TRUE(rootfs);
  EXPECT_EQ(rootfs->read("/etc/alias", 100).value(), "ID=usr");
  EXPECT_EQ(rootfs->read("/absolute", 100).value(), "ID=inside");
  EXPECT_EQ(rootfs->read("/climb", 100).value(), std::nullopt);  // the host has /etc/hostname; the rootfs has not
  EXPECT_EQ(rootfs->read("/usr/root/usr/root/etc/os-release", 100).value(), "ID=inside");
  auto loop = rootfs->read("/loop", 100);
  ASSERT_FALSE(loop);
  EXPECT_NE(loop.error().what().find("/loop"), std::string::npos);
  auto big = rootfs->read("/etc/os-release", 3);
  ASSERT_FALSE(big);
  EXPECT_TRUE(big.error().is(ErrorKind::invalid_input));
}

TEST_F(ScanRootfs, FileChecksFindPlantedFilesAndSkipVendoredTrees) {
  file(lower_ + "/usr/bin/su", "", 04755);
  file(lower_ + "/usr/bin/wall", "", 02755);
  file(lower_ + "/usr/bin/ls", "", 0755);
  file(lower_ + "/srv/open", "", 0666);
  ASSERT_TRUE(sys::mkdir_all(lower_ + "/shared", 0755));
  ASSERT_EQ(::chmod((lower_ + "/shared").c_str(), 0777), 0);
  ASSERT_TRUE(sys::mkdir_all(lower_ + "/tmp", 0755));
  ASSERT_EQ(::chmod((lower_ + "/tmp").c_str(), 01777), 0);
  file(lower_ + "/app/.git/HEAD");
  file(lower_ + "/app/node_modules/x/.git/HEAD");
  file(lower_ + "/root/.ssh/id_ed25519");
  file(lower_ + "/root/.ssh/id_ed25519.pub");
  file(lower_ + "/root/.aws/credentials");
  file(lower_ + "/etc/vpn/office.ovpn");
  ASSERT_EQ(::symlink("/dev/null", (lower_ + "/app/link").c_str()), 0);
  auto rootfs = Rootfs::open({lower_}, false);
  ASSERT_TRUE(rootfs);
  FileChecks checks;
  ASSERT_TRUE(rootfs->walk([&](const RootfsEntry& e) -> Result<> {
    checks.check(e);
    return {};
  }));
  std::multiset<std::pair<std::string, std::string>> got;
  for (const auto& f : checks.findings()) got.emplace(f.rule, f.location.file);
  std::multiset<std::pair<std::string, std::string>> want = {{"CIS-DI-0008", "/usr/bin/su"},
                                                             {"CIS-DI-0008", "/usr/bin/wall"},
                                                             {"WARD-SCAN-FILE-001", "/srv/open"},
                                                             {"WARD-SCAN-FILE-001", "/shared"},
                                                             {"DKL-LI-0003", "/app/.git"},
                                                             {"DKL-LI-0003", "/root/.ssh"},
                                                             {"DKL-LI-0003", "/root/.aws"},
                                                             {"CIS-DI-0010", "/root/.ssh/id_ed25519"},
                                                             {"CIS-DI-0010", "/root/.aws/credentials"},
                                                             {"CIS-DI-0010", "/etc/vpn/office.ovpn"}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace ward::audit::scan
