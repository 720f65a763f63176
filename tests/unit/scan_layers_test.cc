// ward scan's layers one by one: an image's layers scanned alone and merged
// (layer_scan.h) give the findings the merged walk gives (Rootfs over all
// layers, overlayfs's rules), on generated layers with whiteouts, opaque
// directories, files over directories and directories over files; and the
// layer cache's file format (layer_cache.h) gives back what it was given,
// refusing any byte changed and any other key.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audit/scan/file_checks.h"
#include "audit/scan/layer_cache.h"
#include "audit/scan/layer_scan.h"
#include "audit/scan/rootfs.h"
#include "audit/scan/secret_rules.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::audit::scan {
namespace {

// Paths the generated layers draw from, parents before children.
const std::vector<std::string> kPaths = {"/a", "/a/b", "/a/b/c", "/a/b/d", "/a/e", "/a/e/f",
                                         "/g", "/g/h", "/g/h/i", "/g/j",   "/k",   "/k/l"};

enum class Make { nothing, directory, opaque_directory, file, whiteout };

// One layer drawn at random: an entry only under a directory of the same
// layer.  Every file and directory is world-writable with a mode that
// names its layer, so each visible entry is one finding saying which
// layer's copy is seen.
void make_layer(const std::string& root, int index, std::mt19937& random) {
  ASSERT_TRUE(sys::mkdir_all(root, 0755));
  std::set<std::string> directories = {""};
  for (const std::string& path : kPaths) {
    if (!directories.contains(path.substr(0, path.rfind('/')))) continue;
    auto make = static_cast<Make>(random() % 5);
    std::string host = root + path;
    mode_t mode = 0602 | (static_cast<mode_t>(index) << 3);
    switch (make) {
      case Make::nothing: break;
      case Make::directory:
      case Make::opaque_directory:
        ASSERT_EQ(::mkdir(host.c_str(), 0700), 0) << host;
        ASSERT_EQ(::chmod(host.c_str(), mode | 0101), 0);
        if (make == Make::opaque_directory) {
          ASSERT_EQ(::setxattr(host.c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
        }
        directories.insert(path);
        break;
      case Make::file:
        ASSERT_TRUE(sys::write_file_atomic(host, "layer " + std::to_string(index)));
        ASSERT_EQ(::chmod(host.c_str(), mode), 0);
        break;
      case Make::whiteout: ASSERT_EQ(::mknod(host.c_str(), S_IFCHR | 0, makedev(0, 0)), 0) << host; break;
    }
  }
}

std::multiset<std::string> described(const std::vector<Finding>& findings) {
  std::multiset<std::string> out;
  for (const Finding& f : findings) out.insert(f.rule + " " + f.location.file + ": " + f.message);
  return out;
}

TEST(ScanLayers, MergedLayerResultsAreTheMergedWalksFindings) {
  if (::geteuid() != 0) GTEST_SKIP() << "whiteouts are 0/0 devices and trusted.* xattrs: root only";
  auto rules = builtin_secret_rules();
  ASSERT_TRUE(rules) << rules.error().what();
  std::mt19937 random(16);
  for (int round = 0; round < 60; ++round) {
    test_support::TempDir dir{"ward-scan-layers"};
    ASSERT_TRUE(dir.ok());
    std::vector<std::string> layers;  // top first
    for (int i = 0; i < 3; ++i) {
      layers.push_back(dir.path() + "/layer" + std::to_string(i));
      make_layer(layers.back(), i, random);
    }
    auto rootfs = Rootfs::open(layers, true);
    ASSERT_TRUE(rootfs) << rootfs.error().what();
    FileChecks live;
    ASSERT_TRUE(rootfs->walk([&](const RootfsEntry& entry) -> Result<> {
      live.check(entry);
      return {};
    }));
    std::vector<LayerResult> results;
    for (const std::string& layer : layers) {
      auto result = scan_layer(layer, *rules);
      ASSERT_TRUE(result) << result.error().what();
      results.push_back(std::move(*result));
    }
    MergedFindings merged = merge_layers({&results[0], &results[1], &results[2]});
    ASSERT_EQ(described(merged.file_findings), described(live.findings())) << "round " << round;
    EXPECT_EQ(
        merged.secrets.files_read, live.findings().size() -
                                       [&] {
                                         std::size_t directories = 0;
                                         for (const Finding& f : live.findings())
                                           directories += f.message.find("sticky") != std::string::npos;
                                         return directories;
                                       }())
        << "round " << round;
  }
}

TEST(ScanLayers, CacheFilesGiveBackWhatTheyWereGivenUnderTheirKeyOnly) {
  LayerResult result;
  LayerEntry odd;
  odd.path = "/etc/a name with\nnewline, tab\t, 100% and \x7f";
  odd.kind = EntryKind::other;
  odd.secret = SecretOutcome::read;
  odd.file_findings.push_back(Finding{"WARD-SCAN-FILE-001", Severity::warning, Location{odd.path, 0, 1}, "m 1"});
  odd.secret_findings.push_back(
      Finding{"WARD-SECRET-104", Severity::error, Location{odd.path, 12, 7}, "GitHub token: ghp_*****"});
  LayerEntry directory;
  directory.path = "/opaque";
  directory.kind = EntryKind::directory;
  directory.opaque = true;
  LayerEntry whiteout;
  whiteout.path = "/gone";
  whiteout.kind = EntryKind::whiteout;
  result.entries = {directory, odd, whiteout};

  auto bytes = serialize_layer_result(result, "k1");
  ASSERT_TRUE(bytes) << bytes.error().what();
  auto back = parse_layer_result(*bytes, "k1");
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(*back, result);
  EXPECT_FALSE(parse_layer_result(*bytes, "k2"));
  for (std::size_t i = 0; i < bytes->size(); ++i) {
    std::string changed = *bytes;
    changed[i] = static_cast<char>(changed[i] ^ 0x20);
    EXPECT_FALSE(parse_layer_result(changed, "k1")) << "byte " << i;
  }
  EXPECT_FALSE(parse_layer_result(bytes->substr(0, bytes->size() - 1), "k1"));
  EXPECT_FALSE(parse_layer_result("", "k1"));

  // A finding about another file than its entry is not written.
  result.entries[1].file_findings[0].location.file = "/elsewhere";
  EXPECT_FALSE(serialize_layer_result(result, "k1"));
}

TEST(ScanLayers, TheKeyChangesWithTheRulesAndTheLayerDirectory) {
  auto builtin = builtin_secret_rules();
  ASSERT_TRUE(builtin);
  auto more = apply_secret_config(*builtin, "disable-rules: [jwt-token]\n", "rules.yaml");
  ASSERT_TRUE(more) << more.error().what();
  test_support::TempDir dir{"ward-scan-key"};
  ASSERT_TRUE(dir.ok());
  std::string layer = dir.path() + "/layer";
  ASSERT_TRUE(sys::mkdir_all(layer, 0755));
  const std::string chain = "sha256:" + std::string(64, 'a');
  auto key = layer_cache_key(*builtin, chain, layer);
  ASSERT_TRUE(key) << key.error().what();
  EXPECT_EQ(key.value(), layer_cache_key(*builtin, chain, layer).value());
  EXPECT_NE(key.value(), layer_cache_key(*more, chain, layer).value());
  EXPECT_NE(key.value(), layer_cache_key(*builtin, "sha256:" + std::string(64, 'b'), layer).value());
  // Unpacked again (a new directory): another key.
  ASSERT_TRUE(sys::remove_all(layer));
  ASSERT_TRUE(sys::mkdir_all(dir.path() + "/other", 0755));
  ASSERT_TRUE(sys::mkdir_all(layer, 0755));
  EXPECT_NE(key.value(), layer_cache_key(*builtin, chain, layer).value());
}

}  // namespace
}  // namespace ward::audit::scan
