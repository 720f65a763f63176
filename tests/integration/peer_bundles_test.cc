// The bundles other runtimes write with `spec`, run by ward-oci with their
// own defaults: only process.args (and terminal, since a test has no tty)
// changed.  runc's and crun's ask for ambient capabilities that their empty
// inheritable set makes impossible; both peers skip those silently, ward-oci
// skips them with a warning, and the capability sets inside are checked.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "oci/capability_names.h"
#include "support.h"

namespace ward::test {
namespace {

class PeerBundles : public BundleTest {
 protected:
  // Replaces config.json with the one `PEER spec` writes in the bundle.
  // False (and the test skipped) if the peer is not installed.
  bool use_spec_of(const std::string& peer) {
    if (run_command({"sh", "-c", "command -v " + peer}).status != 0) return false;
    ::unlink((bundle_ + "/config.json").c_str());
    auto spec = run_command({"sh", "-c", "cd \"$0\" && \"$1\" spec", bundle_, peer});
    EXPECT_EQ(spec.status, 0) << peer << " spec: " << spec.err;
    config_ = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
    return true;
  }

  // Runs the bundle with ward-checker and returns its facts and stderr.
  std::pair<std::map<std::string, std::string>, std::string> run_bundle(const std::string& id) {
    config_["process"]["args"] = {"ward-checker", "report"};
    config_["process"]["terminal"] = false;
    save_config();
    auto ran = oci({"run", id});
    EXPECT_EQ(ran.status, 0) << ran.err;
    return {parse_facts(ran.out), ran.err};
  }

  // A capability list of the config as the mask /proc/self/status shows.
  std::uint64_t mask_of(const char* set) {
    std::uint64_t mask = 0;
    const auto& caps = config_["process"]["capabilities"];
    if (!caps.contains(set)) return 0;
    for (const auto& name : caps[set]) {
      auto cap = oci::capability_from_name(name.get<std::string>());
      EXPECT_TRUE(cap) << name;
      if (cap) mask |= std::uint64_t{1} << *cap;
    }
    return mask;
  }

  static std::uint64_t hex(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 16); }

  // The sets a root process has after execve of a file without file
  // capabilities: ambient only where the config makes it raisable
  // (permitted and inheritable); permitted is the bounding set plus
  // inheritable plus ambient (root counts as holding every file
  // capability), and effective equals permitted.
  void expect_sets_of_config(const std::map<std::string, std::string>& facts) {
    std::uint64_t bounding = mask_of("bounding"), inheritable = mask_of("inheritable");
    std::uint64_t ambient = mask_of("ambient") & mask_of("permitted") & inheritable;
    EXPECT_EQ(hex(facts.at("CapBnd")), bounding);
    EXPECT_EQ(hex(facts.at("CapInh")), inheritable);
    EXPECT_EQ(hex(facts.at("CapAmb")), ambient);
    EXPECT_EQ(hex(facts.at("CapPrm")), bounding | inheritable | ambient);
    EXPECT_EQ(hex(facts.at("CapEff")), bounding | inheritable | ambient);
  }

  // runc's and crun's defaults: AUDIT_WRITE, KILL and NET_BIND_SERVICE
  // everywhere but inheritable.
  void expect_peer_defaults(const std::map<std::string, std::string>& facts, const std::string& err) {
    EXPECT_EQ(facts.at("CapEff"), "0000000020000420");
    EXPECT_EQ(facts.at("CapPrm"), "0000000020000420");
    EXPECT_EQ(facts.at("CapBnd"), "0000000020000420");
    EXPECT_EQ(facts.at("CapInh"), "0000000000000000");
    EXPECT_EQ(facts.at("CapAmb"), "0000000000000000");
    for (const char* name : {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}) {
      std::string line = std::string("process.capabilities.ambient: ") + name +
                         " skipped: it is not in process.capabilities.inheritable";
      EXPECT_NE(err.find(line), std::string::npos) << err;
    }
  }
};

TEST_F(PeerBundles, RuncSpecRuns) {
  if (!use_spec_of("runc")) GTEST_SKIP() << "runc is not installed";
  auto [facts, err] = run_bundle("runc-spec");
  ASSERT_TRUE(facts.contains("CapAmb")) << err;
  expect_peer_defaults(facts, err);
  expect_sets_of_config(facts);
}

TEST_F(PeerBundles, CrunSpecRuns) {
  if (!use_spec_of("crun")) GTEST_SKIP() << "crun is not installed";
  auto [facts, err] = run_bundle("crun-spec");
  ASSERT_TRUE(facts.contains("CapAmb")) << err;
  expect_peer_defaults(facts, err);
  expect_sets_of_config(facts);
}

TEST_F(PeerBundles, WardSpecRunsWithoutAWarning) {
  // BundleTest wrote `ward-oci spec`'s bundle already.
  auto [facts, err] = run_bundle("ward-spec");
  ASSERT_TRUE(facts.contains("CapAmb")) << err;
  expect_sets_of_config(facts);
  EXPECT_EQ(err.find("skipped"), std::string::npos) << err;
}

// Ambient capabilities the config makes raisable are raised; only the others
// are skipped, each named.  As a non-root user the process keeps exactly its
// ambient set across execve, so CapPrm and CapEff show the raise worked.
TEST_F(PeerBundles, OnlyUnraisableAmbientCapabilitiesAreSkipped) {
  config_["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
  config_["process"]["capabilities"] = {
      {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"}},
      {"permitted", {"CAP_CHOWN", "CAP_KILL"}},
      {"effective", {"CAP_CHOWN", "CAP_KILL"}},
      {"inheritable", {"CAP_CHOWN", "CAP_NET_RAW"}},
      {"ambient", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"}},
  };
  auto [facts, err] = run_bundle("mixed");
  ASSERT_TRUE(facts.contains("CapAmb")) << err;
  EXPECT_EQ(facts.at("CapAmb"), "0000000000000001");  // CAP_CHOWN
  EXPECT_EQ(facts.at("CapPrm"), "0000000000000001");
  EXPECT_EQ(facts.at("CapEff"), "0000000000000001");
  EXPECT_EQ(facts.at("CapInh"), "0000000000002001");  // CAP_CHOWN, CAP_NET_RAW
  EXPECT_EQ(facts.at("CapBnd"), "0000000000002021");
  EXPECT_NE(err.find("CAP_KILL skipped: it is not in process.capabilities.inheritable"), std::string::npos) << err;
  EXPECT_NE(err.find("CAP_NET_RAW skipped: it is not in process.capabilities.permitted"), std::string::npos) << err;
  EXPECT_EQ(err.find("CAP_CHOWN skipped"), std::string::npos) << err;
}

}  // namespace
}  // namespace ward::test
