// `ward scan` of an rpm-based root filesystem whose package database rpm
// itself wrote: two packages built by rpmbuild (one a subpackage, so its
// source rpm has another name) installed with `rpm --root --justdb` into
// rpmdb.sqlite, then matched against an OSV record of the "Red Hat"
// ecosystem.  Also: rpm's older BerkeleyDB is reported as not read, and a
// damaged database is one error line.
#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "images_support.h"
#include "util/sys.h"

namespace ward::test {
namespace {

constexpr const char* kSpec = R"(Name: openssl
Epoch: 1
Version: 3.0.7
Release: 18.el9
Summary: ward's scan fixture
License: ASL 2.0
BuildArch: noarch

%description
A package with no files, made by ward's tests.

%package libs
Summary: the fixture's subpackage

%description libs
A subpackage, so its source rpm is named after the main package.

%files

%files libs
)";

class ScanRpm : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    if (run_command({"rpmbuild", "--version"}).status != 0) GTEST_SKIP() << "rpm (rpmbuild) is not installed";
    rootfs_ = dir_ + "/rootfs";
    fs::create_directories(rootfs_ + "/etc");
    ASSERT_TRUE(sys::write_file_atomic(rootfs_ + "/etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"9.2\"\n"));
    std::string top = dir_ + "/rpmbuild";
    fs::create_directories(top + "/SPECS");
    ASSERT_TRUE(sys::write_file_atomic(top + "/SPECS/fixture.spec", kSpec));
    auto built = run_command({"rpmbuild", "--define", "_topdir " + top, "-bb", top + "/SPECS/fixture.spec"}, "", 120);
    ASSERT_EQ(built.status, 0) << built.err;
    std::vector<std::string> install = {"rpm", "--root",   rootfs_,    "--dbpath",    "/var/lib/rpm",
                                        "-i",  "--justdb", "--nodeps", "--noscripts", "--nosignature"};
    for (const auto& entry : fs::directory_iterator(top + "/RPMS/noarch")) install.push_back(entry.path().string());
    ASSERT_EQ(install.size(), 12u);
    ASSERT_EQ(run_command({"rpm", "--root", rootfs_, "--dbpath", "/var/lib/rpm", "--initdb"}).status, 0);
    auto installed = run_command(install, "", 120);
    ASSERT_EQ(installed.status, 0) << installed.err;
    ASSERT_TRUE(fs::exists(rootfs_ + "/var/lib/rpm/rpmdb.sqlite"));
  }
  Outcome scan(std::vector<std::string> args) {
    args.insert(args.begin(), "scan");
    return ward(args);
  }

  std::string rootfs_;
};

TEST_F(ScanRpm, PackagesRpmWroteAreListedAndMatchedAgainstOsv) {
  std::string osv = dir_ + "/osv";
  fs::create_directories(osv);
  // One advisory fixed after the installed release, one before it.
  ASSERT_TRUE(sys::write_file_atomic(osv + "/RHSA-2099-0001.json", R"({
    "id": "RHSA-2099:0001", "summary": "openssl: a fixture flaw",
    "affected": [{"package": {"ecosystem": "Red Hat:enterprise_linux:9::baseos", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-24.el9"}]}],
                  "ecosystem_specific": {"severity": "HIGH"}}]})"));
  ASSERT_TRUE(sys::write_file_atomic(osv + "/RHSA-2099-0002.json", R"({
    "id": "RHSA-2099:0002",
    "affected": [{"package": {"ecosystem": "Red Hat:enterprise_linux:9::baseos", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-6.el9"}]}]},
                 {"package": {"ecosystem": "Red Hat:enterprise_linux:8::baseos", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:9.0-1.el8"}]}]}]})"));
  auto outcome = scan({"--format", "json", "--vuln-db", osv, rootfs_});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  std::set<std::string> ids;
  for (const auto& record : nlohmann::json::parse(outcome.out)) {
    ids.insert(record["code"]);
    if (record["code"] == "RHSA-2099:0001") {
      EXPECT_EQ(record["file"], "/var/lib/rpm/rpmdb.sqlite");
      EXPECT_EQ(record["level"], "error");
      std::string message = record["message"];
      EXPECT_NE(message.find("1:3.0.7-18.el9"), std::string::npos) << message;
    }
  }
  EXPECT_TRUE(ids.contains("RHSA-2099:0001")) << outcome.out;
  EXPECT_FALSE(ids.contains("RHSA-2099:0002")) << outcome.out;  // fixed before; the RHEL 8 range is not this system's

  auto sbom = scan({"--sbom", "cyclonedx", rootfs_});
  ASSERT_EQ(sbom.status, 0) << sbom.err;
  std::set<std::string> purls;
  auto document = nlohmann::json::parse(sbom.out);
  for (const auto& component : document["components"]) purls.insert(component["purl"]);
  EXPECT_TRUE(purls.contains("pkg:rpm/redhat/openssl@3.0.7-18.el9?arch=noarch&distro=rhel-9.2&epoch=1")) << sbom.out;
  EXPECT_TRUE(purls.contains("pkg:rpm/redhat/openssl-libs@3.0.7-18.el9?arch=noarch&distro=rhel-9.2&epoch=1"))
      << sbom.out;
}

TEST_F(ScanRpm, OldDatabasesAreNotedAndDamagedOnesAreOneLine) {
  std::string sqlite = rootfs_ + "/var/lib/rpm/rpmdb.sqlite";
  auto size = fs::file_size(sqlite);
  // A database rpm 4.14 would have left: BerkeleyDB, not read.
  fs::remove(sqlite);
  ASSERT_TRUE(sys::write_file_atomic(rootfs_ + "/var/lib/rpm/Packages", std::string(4096, '\0')));
  auto old = scan({"--format", "json", rootfs_});
  ASSERT_EQ(old.status, 0) << old.err;
  bool noted = false;
  for (const auto& record : nlohmann::json::parse(old.out))
    if (record["code"] == "WARD-SCAN-PKG-001") {
      noted = true;
      EXPECT_EQ(record["file"], "/var/lib/rpm/Packages");
      EXPECT_NE(std::string(record["message"]).find("BerkeleyDB"), std::string::npos);
    }
  EXPECT_TRUE(noted) << old.out;

  ASSERT_TRUE(sys::write_file_atomic(sqlite, "SQLite format 3" + std::string(size, '\x7f')));
  auto damaged = scan({rootfs_});
  EXPECT_EQ(damaged.status, 1);
  EXPECT_NE(damaged.err.find("/var/lib/rpm/rpmdb.sqlite"), std::string::npos) << damaged.err;
  EXPECT_EQ(std::count(damaged.err.begin(), damaged.err.end(), '\n'), 1) << damaged.err;
}

}  // namespace
}  // namespace ward::test
