// `ward scan` end to end: a root filesystem directory with planted
// problems (setuid files, a world-writable directory, a device node, a
// private key, a .git leftover, an empty password, a duplicate UID,
// packages with a known vulnerability in the project's fixture OSV
// database, secrets in files), the same tree imported as an image, output
// formats (SARIF valid against the official schema), --fail-on, --ignore,
// --secret-config, and one-line errors for what is wrong or not supported.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "images_support.h"
#include "util/sys.h"

namespace ward::test {
namespace {

const fs::path kData = fs::path(WARD_TEST_DATA_DIR) / "scan";
const fs::path kValidator = fs::path(WARD_TEST_DATA_DIR).parent_path() / "schemas" / "validate_sarif.py";
const fs::path kSbomValidator = fs::path(WARD_TEST_DATA_DIR).parent_path() / "schemas" / "validate_sbom.py";

// Fake credentials in their issuers' formats, built by concatenation so no
// token-shaped string sits in the repository.
const std::string kFakeAwsKeyId = std::string("AKIA") + "WARDTESTFAKE2345";
const std::string kFakeAwsSecret = std::string("wardTestFake/") + "Secret+0123456789abcdefghij";
const std::string kFakeGithubToken = std::string("ghp") + "_WardTestFakeToken" + "0123456789abcdefghi";
// The fixture rootfs's own fake password (tests/data/scan/rootfs/etc/app/app.conf).
const std::string kFixturePassword = "Hunter2Wardtest";

class Scan : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    rootfs_ = dir_ + "/rootfs";
    fs::copy(kData / "rootfs", rootfs_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    plant(rootfs_);
  }
  // What cannot live in git: modes, a device node.
  static void plant(const std::string& root) {
    fs::create_directories(root + "/usr/bin");
    fs::create_directories(root + "/app/.git");
    fs::create_directories(root + "/root/.ssh");
    fs::create_directories(root + "/shared");
    for (const auto& [path, mode] : std::vector<std::pair<std::string, mode_t>>{
             {"/usr/bin/su", 04755}, {"/usr/bin/ls", 0755}, {"/root/.ssh/id_rsa", 0600}, {"/app/.git/HEAD", 0644}}) {
      ASSERT_TRUE(sys::write_file_atomic(root + path, "x"));
      ASSERT_EQ(::chmod((root + path).c_str(), mode), 0);
    }
    ASSERT_EQ(::chmod((root + "/shared").c_str(), 0777), 0);
    ASSERT_EQ(::mknod((root + "/usr/bin/kmem").c_str(), S_IFCHR | 0600, makedev(1, 2)), 0);
    ASSERT_TRUE(sys::write_file_atomic(root + "/srv/app/.env",
                                       "# fake credentials\nAWS_ACCESS_KEY_ID=" + kFakeAwsKeyId + "\nGITHUB_TOKEN=" +
                                           kFakeGithubToken + "\nAWS_SECRET_ACCESS_KEY=" + kFakeAwsSecret + "\n",
                                       0644));
  }
  Outcome scan(std::vector<std::string> args) {
    args.insert(args.begin(), "scan");
    return ward(args);
  }
  static std::set<std::pair<std::string, std::string>> codes(const std::string& json) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& record : nlohmann::json::parse(json)) out.emplace(record["code"], record["file"]);
    return out;
  }

  std::string rootfs_;
};

TEST_F(Scan, ADirectoryWithPlantedProblemsShowsEachOne) {
  auto outcome = scan({"--format", "json", "--vuln-db", (kData / "osv").string(), rootfs_});
  ASSERT_EQ(outcome.status, 0) << outcome.err;  // no --fail-on: findings alone do not fail
  auto found = codes(outcome.out);
  std::set<std::pair<std::string, std::string>> want = {
      {"CIS-DI-0008", "/usr/bin/su"},
      {"WARD-SCAN-FILE-001", "/shared"},
      {"WARD-SCAN-FILE-002", "/usr/bin/kmem"},
      {"CIS-DI-0010", "/root/.ssh/id_rsa"},
      {"DKL-LI-0003", "/app/.git"},
      {"DKL-LI-0003", "/root/.ssh"},
      {"DKL-LI-0001", "/etc/shadow"},
      {"DKL-LI-0002", "/etc/passwd"},
      // libssl3 3.0.11-1~deb12u2 comes from openssl, before the fix; zlib is
      // fixed; the Debian 11 record does not apply to this Debian 12 tree.
      {"DEBIAN-CVE-2023-5678", "/var/lib/dpkg/status"},
      // Secrets; not the key in /usr/share/doc, not the binary's.
      {"WARD-SECRET-101", "/srv/app/tls/server.pem"},
      {"WARD-SECRET-102", "/srv/app/.env"},
      {"WARD-SECRET-103", "/srv/app/.env"},
      {"WARD-SECRET-104", "/srv/app/.env"},
      {"WARD-SECRET-113", "/etc/app/app.conf"},
  };
  EXPECT_EQ(found, want) << outcome.out;
  for (const auto& record : nlohmann::json::parse(outcome.out))
    if (record["code"] == "DEBIAN-CVE-2023-5678") {
      EXPECT_EQ(record["level"], "warning");  // CVSS 5.3: MEDIUM
      std::string message = record["message"];
      EXPECT_NE(message.find("libssl3 3.0.11-1~deb12u2"), std::string::npos) << message;
      EXPECT_NE(message.find("fixed in 3.0.13-1~deb12u1"), std::string::npos) << message;
    }
  // The host's own files never show up: the scan stayed inside the tree.
  EXPECT_EQ(outcome.out.find(rootfs_), std::string::npos);
}

TEST_F(Scan, FailOnIgnoreAndTheTableForPeople) {
  auto failing = scan({"--fail-on", "error", rootfs_});
  EXPECT_EQ(failing.status, 1) << failing.err;
  EXPECT_NE(failing.out.find("/etc/shadow:2 DKL-LI-0001"), std::string::npos) << failing.out;
  EXPECT_EQ(failing.out.find("\x1b["), std::string::npos);  // piped: no colour

  // Leave out every error-level rule and the same threshold passes.
  auto passing = scan({"--fail-on", "error",           "--ignore", "DKL-LI-0001",
                       "--ignore",  "DKL-LI-0002",     "--ignore", "CIS-DI-0010",
                       "--ignore",  "WARD-SECRET-101", "--ignore", "WARD-SECRET-102",
                       "--ignore",  "WARD-SECRET-103", "--ignore", "WARD-SECRET-104",
                       "--ignore",  "WARD-SECRET-113", "--format", "json",
                       rootfs_});
  EXPECT_EQ(passing.status, 0) << passing.out << passing.err;
  for (const auto& [code, file] : codes(passing.out)) EXPECT_NE(code, "DKL-LI-0001");
}

TEST_F(Scan, SarifIsValidAgainstTheSchema) {
  auto probe = run_command({"python3", "-c", "import jsonschema"});
  if (probe.status != 0) GTEST_SKIP() << "python3-jsonschema is not installed";
  auto outcome = scan({"--format", "sarif", "--vuln-db", (kData / "osv").string(), rootfs_});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto log = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["name"], "ward scan");
  EXPECT_FALSE(log["runs"][0]["results"].empty());
  std::string file = dir_ + "/scan.sarif";
  ASSERT_TRUE(sys::write_file_atomic(file, outcome.out));
  auto valid = run_command({"python3", kValidator.string(), file});
  EXPECT_EQ(valid.status, 0) << valid.out << valid.err;
}

TEST_F(Scan, SbomsListTheInstalledPackagesAndAreValidAgainstTheSchemas) {
  auto probe = run_command({"python3", "-c", "import jsonschema"});
  if (probe.status != 0) GTEST_SKIP() << "python3-jsonschema is not installed";
  const std::string zlib = "pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12&epoch=1";
  const std::string ssl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";

  auto cyclonedx = scan({"--sbom", "cyclonedx", rootfs_});
  ASSERT_EQ(cyclonedx.status, 0) << cyclonedx.err;
  auto bom = nlohmann::json::parse(cyclonedx.out);
  EXPECT_EQ(bom["specVersion"], "1.5");
  std::set<std::string> purls;
  for (const auto& component : bom["components"]) purls.insert(component["purl"]);
  EXPECT_EQ(purls, (std::set<std::string>{zlib, ssl}));  // the removed package is not installed
  EXPECT_EQ(bom["metadata"]["component"]["name"], rootfs_);

  auto spdx = scan({"--sbom", "spdx", rootfs_});
  ASSERT_EQ(spdx.status, 0) << spdx.err;
  auto document = nlohmann::json::parse(spdx.out);
  EXPECT_EQ(document["spdxVersion"], "SPDX-2.3");
  std::set<std::string> locators;
  for (const auto& package : document["packages"])
    for (const auto& ref : package.value("externalRefs", nlohmann::json::array()))
      locators.insert(ref["referenceLocator"]);
  EXPECT_EQ(locators, (std::set<std::string>{zlib, ssl}));
  // A fresh namespace per document, as SPDX asks.
  auto again = nlohmann::json::parse(scan({"--sbom", "spdx", rootfs_}).out);
  EXPECT_NE(again["documentNamespace"], document["documentNamespace"]);

  for (const auto& [kind, text] :
       std::vector<std::pair<std::string, std::string>>{{"cyclonedx", cyclonedx.out}, {"spdx", spdx.out}}) {
    std::string file = dir_ + "/sbom." + kind + ".json";
    ASSERT_TRUE(sys::write_file_atomic(file, text));
    auto valid = run_command({"python3", kSbomValidator.string(), kind, file});
    EXPECT_EQ(valid.status, 0) << kind << ": " << valid.out << valid.err;
    // The validator rejects a document that breaks the schema.
    auto broken = nlohmann::json::parse(text);
    broken.erase(kind == "cyclonedx" ? "bomFormat" : "spdxVersion");
    ASSERT_TRUE(sys::write_file_atomic(file, broken.dump()));
    auto invalid = run_command({"python3", kSbomValidator.string(), kind, file});
    EXPECT_EQ(invalid.status, 1) << kind << ": " << invalid.out << invalid.err;
  }
}

TEST_F(Scan, AnImportedImageIsScannedWithItsConfiguration) {
  std::string tar = dir_ + "/rootfs.tar";
  auto packed = run_command({"tar", "--numeric-owner", "-C", rootfs_, "-cf", tar, "."});
  ASSERT_EQ(packed.status, 0) << packed.err;
  auto imported = ward({"import", "--change", "EXPOSE 22", "--change", "ENV DB_PASSWORD=hunter2", "--change",
                        "ENV AWS_SECRET_ACCESS_KEY=" + kFakeAwsSecret, tar, "planted:1"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto outcome = scan({"--format", "json", "planted:1"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto found = codes(outcome.out);
  for (const auto& want : std::vector<std::pair<std::string, std::string>>{{"CIS-DI-0008", "/usr/bin/su"},
                                                                           {"WARD-SCAN-FILE-002", "/usr/bin/kmem"},
                                                                           {"DKL-LI-0001", "/etc/shadow"},
                                                                           {"CIS-DI-0001", "image-config"},
                                                                           {"CIS-DI-0006", "image-config"},
                                                                           {"CIS-DI-0010", "image-config"},
                                                                           {"WARD-SCAN-IMAGE-001", "image-config"},
                                                                           {"WARD-SECRET-103", "image-config"},
                                                                           {"WARD-SECRET-104", "/srv/app/.env"}})
    EXPECT_TRUE(found.contains(want)) << want.first << " " << want.second << "\n" << outcome.out;
  // Named by a version tag, not latest.
  EXPECT_FALSE(found.contains({"DKL-DI-0006", "image-config"}));
  EXPECT_EQ(outcome.out.find(kFakeAwsSecret), std::string::npos);
  EXPECT_NE(outcome.out.find("AWS secret access key in ENV AWS_SECRET_ACCESS_KEY: ward*****"), std::string::npos)
      << outcome.out;

  // The built-in busybox: root user, no HEALTHCHECK, and named by latest.
  auto busybox = scan({"--format", "json", "busybox"});
  ASSERT_EQ(busybox.status, 0) << busybox.err;
  auto bb = codes(busybox.out);
  EXPECT_TRUE(bb.contains({"CIS-DI-0001", "image-config"})) << busybox.out;
  EXPECT_TRUE(bb.contains({"DKL-DI-0006", "image-config"})) << busybox.out;
}

// The planted tree as an image archive in each of the shapes `ward load`
// reads, made by ward itself, with nothing left in the store afterwards.
TEST_F(Scan, ArchivesAreScannedWithoutLoadingThem) {
  std::string tar = dir_ + "/rootfs.tar";
  ASSERT_EQ(run_command({"tar", "--numeric-owner", "-C", rootfs_, "-cf", tar, "."}).status, 0);
  ASSERT_EQ(ward({"import", "--change", "EXPOSE 22", tar, "planted:1"}).status, 0);
  std::string docker_archive = dir_ + "/docker.tar";
  std::string oci_archive = dir_ + "/oci.tar";
  std::string layout = dir_ + "/layout";
  auto saved = ward({"save", "-o", docker_archive, "planted:1"});
  ASSERT_EQ(saved.status, 0) << saved.err;
  saved = ward({"save", "--format", "oci-archive", "-o", oci_archive, "planted:1"});
  ASSERT_EQ(saved.status, 0) << saved.err;
  fs::create_directories(layout);
  ASSERT_EQ(run_command({"tar", "-C", layout, "-xf", oci_archive}).status, 0);
  ASSERT_EQ(ward({"rmi", "planted:1"}).status, 0);
  expect_empty_store();

  for (const std::string& archive : {docker_archive, oci_archive, layout}) {
    SCOPED_TRACE(archive);
    auto outcome = scan({"--format", "json", archive});
    ASSERT_EQ(outcome.status, 0) << outcome.err;
    EXPECT_EQ(outcome.err, "");  // piped: no progress
    auto found = codes(outcome.out);
    for (const auto& want : std::vector<std::pair<std::string, std::string>>{{"CIS-DI-0008", "/usr/bin/su"},
                                                                             {"WARD-SCAN-FILE-002", "/usr/bin/kmem"},
                                                                             {"DKL-LI-0001", "/etc/shadow"},
                                                                             {"CIS-DI-0001", "image-config"},
                                                                             {"WARD-SCAN-IMAGE-001", "image-config"}})
      EXPECT_TRUE(found.contains(want)) << want.first << " " << want.second << "\n" << outcome.out;
    // The archive's tag is planted:1, not latest.
    EXPECT_FALSE(found.contains({"DKL-DI-0006", "image-config"})) << outcome.out;
    // Nothing was loaded, and the private store is gone.
    expect_empty_store();
  }
}

TEST_F(Scan, AnArchiveThatCannotBeScannedLeavesNothing) {
  std::string tar = dir_ + "/rootfs.tar";
  ASSERT_EQ(run_command({"tar", "--numeric-owner", "-C", rootfs_, "-cf", tar, "."}).status, 0);
  ASSERT_EQ(ward({"import", tar, "one:1"}).status, 0);
  ASSERT_EQ(ward({"tag", "busybox", "two:1"}).status, 0);
  std::string both = dir_ + "/both.tar";
  auto saved = ward({"save", "-o", both, "one:1", "two:1"});
  ASSERT_EQ(saved.status, 0) << saved.err;
  ASSERT_EQ(ward({"image", "prune", "-a", "-f"}).status, 0);
  expect_empty_store();

  auto two = scan({both});
  EXPECT_EQ(two.status, 1);
  EXPECT_NE(two.err.find("holds 2 images"), std::string::npos) << two.err;
  EXPECT_NE(two.err.find("not supported"), std::string::npos) << two.err;
  EXPECT_EQ(std::count(two.err.begin(), two.err.end(), '\n'), 1) << two.err;
  expect_empty_store();

  // A truncated archive: the digest check or the tar reader stops it.
  std::string cut = dir_ + "/cut.tar";
  auto size = fs::file_size(both);
  fs::copy_file(both, cut);
  fs::resize_file(cut, size / 2);
  auto truncated = scan({cut});
  EXPECT_EQ(truncated.status, 1);
  EXPECT_EQ(std::count(truncated.err.begin(), truncated.err.end(), '\n'), 1) << truncated.err;
  expect_empty_store();
}

TEST_F(Scan, SecretsAreReportedRedactedAtTheirLines) {
  auto outcome = scan({"--format", "json", rootfs_});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  std::set<std::tuple<std::string, std::string, int, std::string>> secrets;
  for (const auto& record : nlohmann::json::parse(outcome.out)) {
    std::string code = record["code"];
    if (code.starts_with("WARD-SECRET-")) secrets.emplace(code, record["file"], record["line"], record["message"]);
  }
  using Found = std::tuple<std::string, std::string, int, std::string>;
  EXPECT_EQ(secrets, (std::set<Found>{
                         {"WARD-SECRET-101", "/srv/app/tls/server.pem", 4, "Private key: V2Fy*****"},
                         {"WARD-SECRET-102", "/srv/app/.env", 2, "AWS access key ID: AKIA*****"},
                         {"WARD-SECRET-103", "/srv/app/.env", 4, "AWS secret access key: ward*****"},
                         {"WARD-SECRET-104", "/srv/app/.env", 3, "GitHub token: ghp_*****"},
                         {"WARD-SECRET-113", "/etc/app/app.conf", 5, "Password in a configuration file: Hun*****"},
                     }))
      << outcome.out;

  // No output format carries a secret it found.
  for (const char* format : {"json", "table", "sarif", "checkstyle", "gitlab"}) {
    auto printed = scan({"--format", format, rootfs_});
    ASSERT_EQ(printed.status, 0) << format << ": " << printed.err;
    for (const std::string& secret : {kFakeAwsKeyId, kFakeAwsSecret, kFakeGithubToken, kFixturePassword})
      EXPECT_EQ(printed.out.find(secret.substr(4)), std::string::npos) << format << " leaks " << secret;
  }
  auto table = scan({rootfs_});
  EXPECT_NE(table.out.find("/srv/app/.env:3 WARD-SECRET-104 error: GitHub token: ghp_*****\n"), std::string::npos)
      << table.out;
}

TEST_F(Scan, ASecretConfigAddsRulesDisablesBuiltInsAndIsRefusedWhenWrong) {
  ASSERT_TRUE(sys::write_file_atomic(rootfs_ + "/srv/app/internal.conf",
                                     "endpoint = https://internal.example\nservice WARDINT-0123456789abcdef\n", 0644));
  std::string config = dir_ + "/trivy-secret.yaml";
  ASSERT_TRUE(sys::write_file_atomic(config, R"(rules:
  - id: internal-token
    category: Internal
    title: Internal service token
    severity: HIGH
    keywords: [wardint-]
    regex: '\b(?P<secret>WARDINT-[0-9a-f]{16})\b'
disable-rules:
  - password-in-config
allow-rules:
  - id: tls-fixtures
    path: '^/srv/app/tls/'
)"));
  auto outcome = scan({"--format", "json", "--secret-config", config, rootfs_});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  bool internal = false;
  for (const auto& record : nlohmann::json::parse(outcome.out)) {
    std::string code = record["code"];
    EXPECT_NE(code, "WARD-SECRET-113") << "disabled";
    EXPECT_NE(code, "WARD-SECRET-101") << "allowed by path";
    if (code == "internal-token") {
      internal = true;
      EXPECT_EQ(record["file"], "/srv/app/internal.conf");
      EXPECT_EQ(record["line"], 2);
      EXPECT_EQ(record["level"], "error");
      EXPECT_EQ(record["message"], "Internal service token: WARD*****");
    }
  }
  EXPECT_TRUE(internal) << outcome.out;
  EXPECT_EQ(outcome.out.find("0123456789abcdef"), std::string::npos);

  std::string bad = dir_ + "/bad-secrets.yaml";
  ASSERT_TRUE(sys::write_file_atomic(bad,
                                     "rules:\n  - id: bad-rule\n    category: General\n    title: Broken\n"
                                     "    severity: CRITICAL\n    regex: '(unclosed'\n"));
  auto refused = scan({"--secret-config", bad, rootfs_});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.err, "ward: scan: --secret-config: " + bad +
                             ": rule \"bad-rule\": regex: invalid pattern: missing ): (unclosed\n");
  EXPECT_TRUE(refused.out.empty()) << refused.out;

  auto missing = scan({"--secret-config", dir_ + "/missing.yaml", rootfs_});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find(dir_ + "/missing.yaml"), std::string::npos) << missing.err;
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;

  auto device = scan({"--secret-config", "/dev/zero", rootfs_});
  EXPECT_EQ(device.status, 1);
  EXPECT_EQ(device.err, "ward: scan: --secret-config: /dev/zero: not a regular file\n");
}

TEST_F(Scan, WrongInputIsOneLineAndWhatIsNotSupportedSaysSo) {
  auto missing = scan({dir_ + "/nothing-here"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "ward: scan: no such image, archive or directory: " + dir_ + "/nothing-here\n");

  std::string archive = dir_ + "/image.tar";
  ASSERT_TRUE(sys::write_file_atomic(archive, "not an archive"));
  auto file = scan({archive});
  EXPECT_EQ(file.status, 1);
  EXPECT_NE(file.err.find(archive), std::string::npos) << file.err;
  EXPECT_EQ(std::count(file.err.begin(), file.err.end(), '\n'), 1) << file.err;
  EXPECT_EQ(entries_under(root_ + "/tmp"), 0u);

  auto sbom = scan({"--sbom", "xml", rootfs_});
  EXPECT_EQ(sbom.status, 2);
  EXPECT_EQ(sbom.err, "ward: scan: --sbom: unknown SBOM format \"xml\" (cyclonedx or spdx)\n");

  auto format = scan({"--format", "yaml", rootfs_});
  EXPECT_EQ(format.status, 2);
  EXPECT_NE(format.err.find("--format"), std::string::npos) << format.err;

  std::string bad_db = dir_ + "/bad-db";
  fs::create_directories(bad_db);
  ASSERT_TRUE(sys::write_file_atomic(bad_db + "/broken.json", "{"));
  auto db = scan({"--vuln-db", bad_db, rootfs_});
  EXPECT_EQ(db.status, 1);
  EXPECT_NE(db.err.find("broken.json"), std::string::npos) << db.err;
  EXPECT_EQ(std::count(db.err.begin(), db.err.end(), '\n'), 1) << db.err;
}

}  // namespace
}  // namespace ward::test
