// `ward scan` of an rpm-based root filesystem whose package database rpm
// itself wrote: two packages built by rpmbuild (one a subpackage, so its
// source rpm has another name) installed with `rpm --root --justdb` into
// rpmdb.sqlite, then matched against an OSV record of the "Red Hat"
// ecosystem.  The same headers in rpm's older BerkeleyDB `Packages`, made
// by BerkeleyDB's own db5.3_load from a dump of rpm's sqlite rows (the
// Packages file is a hash of header blobs keyed by the record number), are
// read through librpm into the same packages.  SUSE's NDB is reported as not
// read, and a damaged database of either kind is one error line.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
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
  // Replaces rpmdb.sqlite by a BerkeleyDB Packages holding the same
  // headers, as rpm 4.14 keeps them: key the record number (the machine's
  // byte order, as rpm writes it), value the header blob.
  void make_berkeley_database() {
    std::string sqlite = rootfs_ + "/var/lib/rpm/rpmdb.sqlite";
    auto rows = run_command({"sqlite3", "-readonly", sqlite, "SELECT hnum, hex(blob) FROM Packages ORDER BY hnum"});
    ASSERT_EQ(rows.status, 0) << rows.err;
    std::string dump = "VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n";
    std::size_t start = 0;
    int records = 0;
    while (start < rows.out.size()) {
      std::size_t end = rows.out.find('\n', start);
      std::string line = rows.out.substr(start, end - start);
      start = end == std::string::npos ? rows.out.size() : end + 1;
      std::size_t bar = line.find('|');
      ASSERT_NE(bar, std::string::npos) << line;
      auto number = static_cast<std::uint32_t>(std::stoul(line.substr(0, bar)));
      std::string hex = line.substr(bar + 1);
      for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      char key[9];
      const auto* bytes = reinterpret_cast<const unsigned char*>(&number);
      std::snprintf(key, sizeof(key), "%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
      dump += std::string(" ") + key + "\n " + hex + "\n";
      ++records;
    }
    ASSERT_EQ(records, 2) << rows.out;
    dump += "DATA=END\n";
    std::string dump_file = dir_ + "/packages.dump";
    ASSERT_TRUE(sys::write_file_atomic(dump_file, dump));
    std::string packages = rootfs_ + "/var/lib/rpm/Packages";
    auto loaded = run_command({"db5.3_load", "-f", dump_file, packages});
    ASSERT_EQ(loaded.status, 0) << loaded.err;
    for (const char* name : {"rpmdb.sqlite", "rpmdb.sqlite-shm", "rpmdb.sqlite-wal"})
      fs::remove(rootfs_ + "/var/lib/rpm/" + name);
    // rpm itself reads it.
    auto listed = run_command(
        {"rpm", "--dbpath", rootfs_ + "/var/lib/rpm", "--define", "_db_backend bdb_ro", "-qa", "--qf", "%{NAME}\n"});
    ASSERT_EQ(listed.status, 0) << listed.err;
    ASSERT_NE(listed.out.find("openssl-libs\n"), std::string::npos) << listed.out;
  }
  bool have_db_load() { return run_command({"sh", "-c", "command -v db5.3_load"}).status == 0; }
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

TEST_F(ScanRpm, BerkeleyDatabaseIsReadThroughLibrpmAsTheSqliteOneIs) {
  if (!have_db_load()) GTEST_SKIP() << "db5.3_load (db5.3-util) is not installed";
  std::string osv = dir_ + "/osv";
  fs::create_directories(osv);
  ASSERT_TRUE(sys::write_file_atomic(osv + "/RHSA-2099-0001.json", R"({
    "id": "RHSA-2099:0001", "summary": "openssl: a fixture flaw",
    "affected": [{"package": {"ecosystem": "Red Hat:enterprise_linux:9::baseos", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-24.el9"}]}],
                  "ecosystem_specific": {"severity": "HIGH"}}]})"));
  auto from_sqlite = scan({"--sbom", "cyclonedx", rootfs_});
  ASSERT_EQ(from_sqlite.status, 0) << from_sqlite.err;
  make_berkeley_database();
  auto packages_before = fs::last_write_time(rootfs_ + "/var/lib/rpm/Packages");

  auto outcome = scan({"--format", "json", "--vuln-db", osv, rootfs_});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");  // librpm's warnings (no index files in the copy) stay inside
  bool matched = false;
  for (const auto& record : nlohmann::json::parse(outcome.out)) {
    EXPECT_NE(record["code"], "WARD-SCAN-PKG-001") << outcome.out;
    if (record["code"] == "RHSA-2099:0001") {
      matched = true;
      EXPECT_EQ(record["file"], "/var/lib/rpm/Packages");
      EXPECT_NE(std::string(record["message"]).find("1:3.0.7-18.el9"), std::string::npos) << record;
    }
  }
  EXPECT_TRUE(matched) << outcome.out;

  // The same components, purls and source packages as from rpmdb.sqlite.
  auto from_berkeley = scan({"--sbom", "cyclonedx", rootfs_});
  ASSERT_EQ(from_berkeley.status, 0) << from_berkeley.err;
  auto components = [](const std::string& text, std::string_view database) {
    std::vector<std::string> out;
    auto document = nlohmann::json::parse(text);
    for (auto component : document["components"]) {
      for (auto& property : component["properties"])
        if (property["value"] == database) property["value"] = "DATABASE";
      component.erase("bom-ref");
      out.push_back(component.dump());
    }
    return out;
  };
  auto expected = components(from_sqlite.out, "/var/lib/rpm/rpmdb.sqlite");
  EXPECT_EQ(expected.size(), 2u);
  EXPECT_EQ(components(from_berkeley.out, "/var/lib/rpm/Packages"), expected);
  // Read from a copy: the image's file is untouched, nothing is added next to it.
  EXPECT_EQ(fs::last_write_time(rootfs_ + "/var/lib/rpm/Packages"), packages_before);
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(rootfs_ + "/var/lib/rpm")) names.insert(entry.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{".rpm.lock", "Packages"}));
}

TEST_F(ScanRpm, DamagedBerkeleyDatabaseIsOneLine) {
  if (!have_db_load()) GTEST_SKIP() << "db5.3_load (db5.3-util) is not installed";
  make_berkeley_database();
  std::string packages = rootfs_ + "/var/lib/rpm/Packages";
  auto bytes = sys::read_file(packages);
  ASSERT_TRUE(bytes);
  // A header's data size made larger than the blob: librpm skips the
  // record with an error, and a package missing from the report is a
  // failed scan, not a quiet one.
  std::size_t header = bytes->find(std::string("\0\0\0\x29\0\0", 6));
  ASSERT_NE(header, std::string::npos);
  (*bytes)[header + 5] = '\x7f';
  ASSERT_TRUE(sys::write_file_atomic(packages, *bytes));
  auto damaged = scan({rootfs_});
  EXPECT_EQ(damaged.status, 1);
  EXPECT_NE(damaged.err.find("/var/lib/rpm/Packages: librpm found it damaged"), std::string::npos) << damaged.err;
  EXPECT_EQ(std::count(damaged.err.begin(), damaged.err.end(), '\n'), 1) << damaged.err;
}

TEST_F(ScanRpm, OldDatabasesAreNotedAndDamagedOnesAreOneLine) {
  std::string sqlite = rootfs_ + "/var/lib/rpm/rpmdb.sqlite";
  auto size = fs::file_size(sqlite);
  // SUSE's NDB (its slot page's "RpmP" magic; Debian's rpm cannot write
  // one, nor read it), and a file that is neither: noted, not read.
  fs::remove(sqlite);
  for (const auto& [content, why] : {std::pair<std::string, std::string>{"RpmP" + std::string(4092, '\0'), "NDB"},
                                     {std::string(4096, '\0'), "neither a BerkeleyDB nor an NDB"}}) {
    fs::remove(rootfs_ + "/usr/lib/sysimage/rpm/Packages.db");
    fs::remove(rootfs_ + "/var/lib/rpm/Packages");
    std::string path = why == "NDB" ? "/usr/lib/sysimage/rpm/Packages.db" : "/var/lib/rpm/Packages";
    fs::create_directories(rootfs_ + "/usr/lib/sysimage/rpm");
    ASSERT_TRUE(sys::write_file_atomic(rootfs_ + path, content));
    auto old = scan({"--format", "json", rootfs_});
    ASSERT_EQ(old.status, 0) << old.err;
    bool noted = false;
    for (const auto& record : nlohmann::json::parse(old.out))
      if (record["code"] == "WARD-SCAN-PKG-001") {
        noted = true;
        EXPECT_EQ(record["file"], path);
        EXPECT_NE(std::string(record["message"]).find(why), std::string::npos) << record;
      }
    EXPECT_TRUE(noted) << old.out;
  }
  fs::remove(rootfs_ + "/var/lib/rpm/Packages");

  ASSERT_TRUE(sys::write_file_atomic(sqlite, "SQLite format 3" + std::string(size, '\x7f')));
  auto damaged = scan({rootfs_});
  EXPECT_EQ(damaged.status, 1);
  EXPECT_NE(damaged.err.find("/var/lib/rpm/rpmdb.sqlite"), std::string::npos) << damaged.err;
  EXPECT_EQ(std::count(damaged.err.begin(), damaged.err.end(), '\n'), 1) << damaged.err;
}

}  // namespace
}  // namespace ward::test
