// Debian and apk version ordering (audit/scan/version.h), and the OSV
// range matching built on it.
#include <gtest/gtest.h>

#include "audit/scan/osv.h"
#include "audit/scan/packages.h"
#include "audit/scan/version.h"

namespace ward::audit::scan {
namespace {

struct Case {
  const char* a;
  const char* b;
  int want;  // sign
};

int sign(int v) {
  return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

TEST(ScanVersion, DebianTable) {
  const Case cases[] = {
      {"1.0", "1.0", 0},
      {"1.0", "1.1", -1},
      {"1:1.0", "2.0", 1},
      {"0:1.0", "1.0", 0},
      {"1.0~rc1", "1.0", -1},
      {"1.0~~", "1.0~", -1},
      {"1.0-1", "1.0-2", -1},
      {"1.0-1", "1.0", 1},
      {"1.0+b1", "1.0", 1},
      {"1.0a", "1.0+", -1},
      {"1.10", "1.9", 1},
      {"1.001", "1.1", 0},
      {"2.36-9+deb12u3", "2.36-9+deb12u4", -1},
      {"7.88.1-10+deb12u5", "7.88.1-10", 1},
      {"1:0.9", "0:9.9", 1},
      {"1.0-0ubuntu1", "1.0-1", -1},
      {"1.0~beta", "1.0~alpha", 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sign(compare_debian_versions(c.a, c.b)), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_debian_versions(c.b, c.a)), -c.want) << c.b << " vs " << c.a;
  }
}

TEST(ScanVersion, ApkTable) {
  const Case cases[] = {
      {"1.2.3", "1.2.3", 0},
      {"1.2.3-r1", "1.2.3-r0", 1},
      {"1.2.3", "1.2.3-r0", -1},
      {"1.2.3_rc1", "1.2.3", -1},
      {"1.2.3_alpha", "1.2.3_beta", -1},
      {"1.2.3_p1", "1.2.3", 1},
      {"1.2.3_p1", "1.2.3-r5", 1},
      {"1.2", "1.2.1", -1},
      {"1.2a", "1.2", 1},
      {"1.2a", "1.2b", -1},
      {"1.10", "1.9", 1},
      {"1.2.3_rc1", "1.2.3_rc2", -1},
      {"3.1.4-r5", "3.1.4-r10", -1},
      {"1.01", "1.1", -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sign(compare_apk_versions(c.a, c.b)), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_apk_versions(c.b, c.a)), -c.want) << c.b << " vs " << c.a;
  }
  EXPECT_FALSE(valid_apk_version("abc"));
  EXPECT_TRUE(valid_apk_version("1.2.3_rc1-r2"));
}

TEST(ScanPackages, DpkgStatus) {
  auto packages = parse_dpkg_status(
      "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc (2.36-9)\nVersion: "
      "2.36-9+deb12u3\nDescription: C library\n more text\n\nPackage: gone\nStatus: deinstall ok config-files\n"
      "Version: 1\n",
      "status");
  ASSERT_TRUE(packages) << packages.error().what();
  ASSERT_EQ(packages->size(), 1u);
  EXPECT_EQ((*packages)[0].source, "glibc");
  EXPECT_EQ((*packages)[0].source_version, "2.36-9");
  auto bad = parse_dpkg_status("Package: a\nnot a field\n", "status");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what().find("status:2"), std::string::npos) << bad.error().what();
}

// Found by fuzz/dpkg_status_fuzz: a continuation line after Package was
// glued onto the name, so a package name came out with a newline in it.
TEST(ScanPackages, DpkgStatusRefusesAContinuedPackageName) {
  auto bad = parse_dpkg_status("Package: libc\n\tmore\nVersion: 1.36-9\n", "status");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "status:1: a blank in the Package field");
  auto version = parse_dpkg_status("Package: libc\nVersion: 1\n 2\n", "status");
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().what(), "status:1: package \"libc\": a blank in the Version field");
}

TEST(ScanPackages, ApkInstalled) {
  auto packages = parse_apk_installed("C:Q1abc\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\n\nP:b\nV:1-r0\n", "db");
  ASSERT_TRUE(packages) << packages.error().what();
  ASSERT_EQ(packages->size(), 2u);
  EXPECT_EQ((*packages)[0].source, "");
  EXPECT_EQ(package_url((*packages)[0], "alpine", "3.19.1"), "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1");
  auto bad = parse_apk_installed("P:a\nxyz\n", "db");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what().find("db:2"), std::string::npos);
}

TEST(ScanOsv, MatchesRangesByEcosystem) {
  auto records = parse_osv(R"({"id":"CVE-1","affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.36-9+deb12u4"}]}]}],
      "database_specific":{"severity":"high"}})",
                           "x.json");
  ASSERT_TRUE(records) << records.error().what();
  VulnerabilityDatabase db{*records};
  Package libc{PackageKind::deb, "libc6", "2.36-9+deb12u3", "amd64", "glibc", "", "", ""};
  auto hits = match_vulnerabilities(db, {libc}, osv_ecosystem(PackageKind::deb, "debian", "12"));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].fixed_version, "2.36-9+deb12u4");
  EXPECT_EQ(hits[0].severity, "HIGH");
  libc.version = "2.36-9+deb12u4";
  EXPECT_TRUE(match_vulnerabilities(db, {libc}, "Debian:12").empty());
  EXPECT_TRUE(match_vulnerabilities(db, {libc}, "Debian:11").empty());
  EXPECT_DOUBLE_EQ(cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
}

}  // namespace
}  // namespace ward::audit::scan
