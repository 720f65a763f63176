// `ward scan` of an image twice: the second scan takes each layer's file
// and secret results from the store's cache (cache/scan/<chain-id hex>)
// and prints the same report, byte for byte.  The image has two layers made
// here as a `docker save` archive: the upper one deletes a lower file that
// holds a secret (a whiteout) and adds files of its own, so the cached
// layers must be merged as overlayfs merges them.  Also: a changed secret
// rules file or vulnerability database changes the report; a damaged cache
// file is not trusted, but read again and rewritten; `ward rmi` takes the
// cache with the layers.
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "images_support.h"
#include "util/sys.h"

namespace ward::test {
namespace {

const fs::path kData = fs::path(WARD_TEST_DATA_DIR) / "scan";
const std::string kFakeGithubToken = std::string("ghp") + "_WardTestFakeToken" + "0123456789abcdefghi";

class ScanCache : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    std::string lower = dir_ + "/lower";
    std::string upper = dir_ + "/upper";
    fs::copy(kData / "rootfs", lower, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    fs::create_directories(upper + "/etc/app");
    fs::create_directories(upper + "/srv/new");
    // The lower layer's app.conf (a password) is deleted above it.
    ASSERT_TRUE(sys::write_file_atomic(upper + "/etc/app/.wh.app.conf", ""));
    ASSERT_TRUE(sys::write_file_atomic(upper + "/srv/new/.env", "GITHUB_TOKEN=" + kFakeGithubToken + "\n", 0644));
    ASSERT_TRUE(sys::write_file_atomic(upper + "/srv/new/tool", "x", 0755));
    ASSERT_EQ(::chmod((upper + "/srv/new/tool").c_str(), 04755), 0);
    load_image({lower, upper}, "layered:1");
  }
  // A `docker save` archive of the directories `layers` (base first),
  // loaded as `tag`.
  void load_image(const std::vector<std::string>& layers, const std::string& tag) {
    std::string archive_dir = dir_ + "/archive-" + std::to_string(++archives_);
    fs::create_directories(archive_dir);
    std::vector<std::string> diff_ids;
    nlohmann::json names = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i) {
      std::string name = "layer" + std::to_string(i) + ".tar";
      std::string tar = archive_dir + "/" + name;
      auto packed = run_command({"tar", "--numeric-owner", "--owner=0", "--group=0", "--mtime=@0", "--sort=name", "-C",
                                 layers[i], "-cf", tar, "."});
      ASSERT_EQ(packed.status, 0) << packed.err;
      auto sum = run_command({"sha256sum", tar});
      ASSERT_EQ(sum.status, 0) << sum.err;
      diff_ids.push_back("sha256:" + sum.out.substr(0, 64));
      names.push_back(name);
    }
    nlohmann::json config = {{"architecture", "amd64"},
                             {"os", "linux"},
                             {"config", {{"User", "app"}}},
                             {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
    ASSERT_TRUE(sys::write_file_atomic(archive_dir + "/config.json", config.dump()));
    nlohmann::json manifest =
        nlohmann::json::array({{{"Config", "config.json"}, {"RepoTags", {tag}}, {"Layers", names}}});
    ASSERT_TRUE(sys::write_file_atomic(archive_dir + "/manifest.json", manifest.dump()));
    std::string archive = archive_dir + ".tar";
    ASSERT_EQ(run_command({"tar", "-C", archive_dir, "-cf", archive, "."}).status, 0);
    auto loaded = ward({"load", "-q", "-i", archive});
    ASSERT_EQ(loaded.status, 0) << loaded.err;
  }
  Outcome scan(std::vector<std::string> args) {
    args.insert(args.begin(), "scan");
    return ward(args);
  }
  // "layer sha256:HEX: N entries, WHERE" lines of --debug: chain ID -> WHERE.
  static std::map<std::string, std::string> layer_sources(const std::string& err) {
    std::map<std::string, std::string> out;
    std::size_t at = 0;
    while ((at = err.find("layer sha256:", at)) != std::string::npos) {
      std::string id = err.substr(at + 13, 64);
      std::size_t comma = err.find(", ", at);
      std::size_t end = err.find('\n', at);
      out[id] = err.substr(comma + 2, end - comma - 2);
      at = end;
    }
    return out;
  }
  std::string cache_file(const std::string& id) { return root_ + "/cache/scan/" + id; }

  int archives_ = 0;
};

TEST_F(ScanCache, ASecondScanComesFromTheCacheAndPrintsTheSameReport) {
  auto first = scan({"--format", "json", "--debug", "layered:1"});
  ASSERT_EQ(first.status, 0) << first.err;
  auto sources = layer_sources(first.err);
  ASSERT_EQ(sources.size(), 2u) << first.err;
  std::map<std::string, fs::file_time_type> written;
  for (const auto& [id, where] : sources) {
    EXPECT_EQ(where, "read and cached") << id;
    ASSERT_TRUE(fs::exists(cache_file(id))) << id;
    written[id] = fs::last_write_time(cache_file(id));
  }
  // The merged view: the whiteout hid the lower password, the upper
  // layer's token and setuid file are there.
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& record : nlohmann::json::parse(first.out)) found.emplace(record["code"], record["file"]);
  EXPECT_TRUE(found.contains({"WARD-SECRET-104", "/srv/new/.env"})) << first.out;
  EXPECT_TRUE(found.contains({"CIS-DI-0008", "/srv/new/tool"})) << first.out;
  EXPECT_TRUE(found.contains({"WARD-SECRET-101", "/srv/app/tls/server.pem"})) << first.out;
  EXPECT_FALSE(found.contains({"WARD-SECRET-113", "/etc/app/app.conf"})) << first.out;

  auto second = scan({"--format", "json", "--debug", "layered:1"});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  for (const auto& [id, where] : layer_sources(second.err)) {
    EXPECT_EQ(where, "from the cache") << id;
    EXPECT_EQ(fs::last_write_time(cache_file(id)), written[id]) << id;  // read, not rewritten
  }
  // Every format the same; --no-cache reads every layer for the same report.
  for (const char* format : {"table", "sarif"}) {
    auto uncached = scan({"--format", format, "--no-cache", "layered:1"});
    auto cached = scan({"--format", format, "layered:1"});
    ASSERT_EQ(uncached.status, 0) << uncached.err;
    EXPECT_EQ(cached.out, uncached.out) << format;
  }
  auto uncached = scan({"--format", "json", "--no-cache", "--debug", "layered:1"});
  EXPECT_EQ(uncached.out, first.out);
  for (const auto& [id, where] : layer_sources(uncached.err)) EXPECT_EQ(where, "read, not cached: --no-cache");
}

// Layers, not images, are cached: another image on the same base reads
// only its own layer.
TEST_F(ScanCache, AnotherImageOnTheSameBaseReadsOnlyItsOwnLayer) {
  auto first = scan({"--format", "json", "--debug", "layered:1"});
  ASSERT_EQ(first.status, 0) << first.err;
  std::string other = dir_ + "/other";
  fs::create_directories(other + "/opt");
  ASSERT_TRUE(sys::write_file_atomic(other + "/opt/other", "x", 0644));
  load_image({dir_ + "/lower", other}, "other:1");
  auto second = scan({"--format", "json", "--debug", "other:1"});
  ASSERT_EQ(second.status, 0) << second.err;
  auto before = layer_sources(first.err);
  auto after = layer_sources(second.err);
  ASSERT_EQ(after.size(), 2u) << second.err;
  int cached = 0;
  for (const auto& [id, where] : after) {
    if (before.contains(id)) {
      EXPECT_EQ(where, "from the cache") << id;  // the shared base
      ++cached;
    } else {
      EXPECT_EQ(where, "read and cached") << id;
    }
  }
  EXPECT_EQ(cached, 1) << first.err << second.err;
  // Without the first image's whiteout, the base's password is there again.
  EXPECT_NE(second.out.find("/etc/app/app.conf"), std::string::npos) << second.out;
  // Removing one image keeps the base's results, which the other still uses.
  ASSERT_EQ(ward({"rmi", "other:1"}).status, 0);
  for (const auto& [id, where] : after) EXPECT_EQ(fs::exists(cache_file(id)), before.contains(id)) << id;
}

TEST_F(ScanCache, ChangedRulesOrVulnerabilitiesChangeTheReport) {
  auto first = scan({"--format", "json", "layered:1"});
  ASSERT_EQ(first.status, 0) << first.err;
  // Another rules file is another key: the layers are read again under it.
  std::string rules = dir_ + "/rules.yaml";
  ASSERT_TRUE(sys::write_file_atomic(rules, "disable-rules: [github-token]\n"));
  auto ruled = scan({"--format", "json", "--debug", "--secret-config", rules, "layered:1"});
  ASSERT_EQ(ruled.status, 0) << ruled.err;
  for (const auto& [id, where] : layer_sources(ruled.err)) EXPECT_EQ(where, "read and cached") << id;
  EXPECT_EQ(ruled.out.find("WARD-SECRET-104"), std::string::npos) << ruled.out;
  EXPECT_NE(first.out.find("WARD-SECRET-104"), std::string::npos) << first.out;
  // The same file with other contents: another key again.
  ASSERT_TRUE(sys::write_file_atomic(rules, "disable-rules: [private-key]\n"));
  auto changed = scan({"--format", "json", "--secret-config", rules, "layered:1"});
  EXPECT_NE(changed.out.find("WARD-SECRET-104"), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out.find("WARD-SECRET-101"), std::string::npos) << changed.out;

  // The vulnerability database is matched on every scan, cached layers or not.
  std::string osv = dir_ + "/osv";
  fs::copy(kData / "osv", osv, fs::copy_options::recursive);
  auto vulnerable = scan({"--format", "json", "--vuln-db", osv, "layered:1"});
  ASSERT_EQ(vulnerable.status, 0) << vulnerable.err;
  EXPECT_NE(vulnerable.out.find("DEBIAN-CVE-2023-5678"), std::string::npos) << vulnerable.out;
  fs::remove(osv + "/DEBIAN-CVE-2023-5678.json");
  auto fixed = scan({"--format", "json", "--debug", "--vuln-db", osv, "layered:1"});
  ASSERT_EQ(fixed.status, 0) << fixed.err;
  EXPECT_EQ(fixed.out.find("DEBIAN-CVE-2023-5678"), std::string::npos) << fixed.out;
  for (const auto& [id, where] : layer_sources(fixed.err)) EXPECT_EQ(where, "from the cache") << id;
}

TEST_F(ScanCache, ADamagedCacheFileIsReadAgainAndRewritten) {
  auto first = scan({"--format", "json", "--debug", "layered:1"});
  ASSERT_EQ(first.status, 0) << first.err;
  auto sources = layer_sources(first.err);
  ASSERT_EQ(sources.size(), 2u) << first.err;
  for (const auto& [id, where] : sources) {
    auto bytes = sys::read_file(cache_file(id));
    ASSERT_TRUE(bytes);
    // A finding's message changed by one byte: well formed, but not what
    // was written.
    std::size_t at = bytes->find("\nF ");
    if (at == std::string::npos) at = bytes->find("\nE ");
    ASSERT_NE(at, std::string::npos);
    (*bytes)[bytes->find('\n', at + 1) - 1] ^= 0x01;
    ASSERT_TRUE(sys::write_file_atomic(cache_file(id), *bytes));
  }
  auto again = scan({"--format", "json", "--debug", "layered:1"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, first.out);
  for (const auto& [id, where] : layer_sources(again.err)) EXPECT_EQ(where, "read and cached") << id;
  // Truncated, or not a cache file at all: the same.
  for (const auto& [id, where] : sources) ASSERT_TRUE(sys::write_file_atomic(cache_file(id), "ward-scan-layer 1\n"));
  auto third = scan({"--format", "json", "--debug", "layered:1"});
  EXPECT_EQ(third.out, first.out);
  for (const auto& [id, where] : layer_sources(third.err)) EXPECT_EQ(where, "read and cached") << id;
  auto fourth = scan({"--format", "json", "--debug", "layered:1"});
  EXPECT_EQ(fourth.out, first.out);
  for (const auto& [id, where] : layer_sources(fourth.err)) EXPECT_EQ(where, "from the cache") << id;
}

TEST_F(ScanCache, RemovingTheImageRemovesItsLayersResults) {
  auto first = scan({"--format", "json", "--debug", "layered:1"});
  ASSERT_EQ(first.status, 0) << first.err;
  auto sources = layer_sources(first.err);
  ASSERT_EQ(sources.size(), 2u);
  for (const auto& [id, where] : sources) ASSERT_TRUE(fs::exists(cache_file(id)));
  auto removed = ward({"rmi", "layered:1"});
  ASSERT_EQ(removed.status, 0) << removed.err;
  for (const auto& [id, where] : sources) EXPECT_FALSE(fs::exists(cache_file(id))) << id;
  expect_empty_store();
}

}  // namespace
}  // namespace ward::test
