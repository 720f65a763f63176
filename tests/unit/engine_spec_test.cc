// The engine's pure parts: Docker's --user rules over an image's passwd and
// group files, /etc/subuid entries and where ward's goes, the container
// record's round trip, and the OCI config a spec becomes.
#include <sys/resource.h>

#include <string>

#include <gtest/gtest.h>

#include "engine/container_config.h"
#include "engine/container_spec.h"
#include "engine/names.h"
#include "engine/userns.h"
#include "oci/config.h"
#include "util/passwd.h"

namespace ward {
namespace {

constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "app:x:1000:1000:App:/home/app:/bin/sh\n"
    "broken:x: 7:7::/:/bin/sh\n";
constexpr std::string_view kGroup =
    "root:x:0:\n"
    "app:x:1000:\n"
    "audio:x:29:app,daemon\n"
    "staff:x:50:app\n";

TEST(ResolveUser, DockersRules) {
  auto root = resolve_user("", kPasswd, kGroup);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(root->home, "/root");
  auto app = resolve_user("app", kPasswd, kGroup);
  ASSERT_TRUE(app);
  EXPECT_EQ(app->uid, 1000u);
  EXPECT_EQ(app->gid, 1000u);
  EXPECT_EQ(app->home, "/home/app");
  EXPECT_EQ(app->additional_gids, (std::vector<gid_t>{29, 50}));
  auto by_uid = resolve_user("1000:staff", kPasswd, kGroup);
  ASSERT_TRUE(by_uid);
  EXPECT_EQ(by_uid->gid, 50u);
  auto unknown_uid = resolve_user("4242:4343", kPasswd, kGroup);
  ASSERT_TRUE(unknown_uid);
  EXPECT_EQ(unknown_uid->uid, 4242u);
  EXPECT_EQ(unknown_uid->gid, 4343u);
  EXPECT_EQ(unknown_uid->home, "/");
  auto missing = resolve_user("nobody", kPasswd, kGroup);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is(ErrorKind::not_found));
  EXPECT_NE(missing.error().what().find("nobody"), std::string::npos);
  EXPECT_FALSE(resolve_user("app:nogroup", kPasswd, kGroup));
  // A uid field with a space is no uid 7.
  EXPECT_FALSE(resolve_user("broken", kPasswd, kGroup));
}

TEST(Subordinate, EntriesAndWhereWardsGoes) {
  std::string text = "# comment\nalice:100000:65536\nbob:165536:65536\njunk\nward:300000:131072\n";
  auto ward_range = engine::find_subordinate_range(text, "ward");
  ASSERT_TRUE(ward_range);
  EXPECT_EQ(*ward_range, (engine::SubordinateRange{300000, 131072}));
  EXPECT_FALSE(engine::find_subordinate_range(text, "carol"));
  auto start = engine::free_subordinate_start("alice:100000:65536\nbob:165536:65536\n", 65536);
  ASSERT_TRUE(start);
  EXPECT_EQ(*start, 262144u);  // 231072 rounded up to a multiple of 65536
  EXPECT_EQ(*engine::free_subordinate_start("", 65536), 131072u);
  EXPECT_FALSE(engine::free_subordinate_start("x:4294000000:100000\n", 65536 * 100));
}

TEST(ContainerSpec, RoundTripsThroughItsRecord) {
  engine::ContainerSpec spec;
  spec.image = "busybox";
  spec.hostname = "h";
  spec.user = "1000:1000";
  spec.env = {"A=1"};
  spec.cmd = {"sh", "-c", "true"};
  spec.entrypoint = {"/entry"};
  spec.working_dir = "/w";
  spec.tty = true;
  spec.labels = {{"k", "v"}};
  spec.auto_remove = true;
  spec.read_only = true;
  spec.cap_add = {"NET_RAW"};
  spec.cap_drop = {"ALL"};
  spec.no_new_privileges = false;
  spec.network = engine::NetworkMode::host;
  spec.userns = engine::UsernsMode::host;
  spec.memory = 64 << 20;
  spec.pids_limit = 0;
  spec.tmpfs = {{"/t", "size=1m"}};
  spec.binds = {"/h:/c:ro"};
  spec.ulimits = {{"nofile", 10, 20}};
  spec.resources.nano_cpus = 500000000;
  spec.resources.cpuset_cpus = "0-1";
  spec.resources.memory_swappiness = 0;
  spec.resources.device_read_bps = {{"/dev/vda", 1024}};
  spec.oom_score_adj = -5;
  auto back = engine::spec_from_json(engine::spec_to_json(spec).dump());
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(*back, spec);
  EXPECT_FALSE(engine::spec_from_json("{\"Config\":{}}"));
  EXPECT_FALSE(engine::spec_from_json("not json"));
}

TEST(ContainerSpec, ImageDefaultsFollowDockersEntrypointRule) {
  image::ContainerConfig image;
  image.env = {"PATH=/bin", "A=image"};
  image.cmd = {"sh"};
  image.entrypoint = {"/init"};
  image.working_dir = "/srv";
  engine::ContainerSpec given;
  given.env = {"A=flag"};
  engine::apply_image_defaults(given, image, false, false);
  EXPECT_EQ(given.env, (std::vector<std::string>{"PATH=/bin", "A=flag"}));
  EXPECT_EQ(given.entrypoint, image.entrypoint);
  EXPECT_EQ(given.cmd, image.cmd);
  EXPECT_EQ(given.working_dir, "/srv");
  engine::ContainerSpec entry;
  entry.entrypoint = {"echo"};
  engine::apply_image_defaults(entry, image, true, false);
  EXPECT_TRUE(entry.cmd.empty());  // --entrypoint drops the image's CMD
}

TEST(ContainerConfig, SpecBecomesAValidOciConfig) {
  engine::ContainerSpec spec;
  spec.cmd = {"true"};
  spec.hostname = "h";
  spec.cap_drop = {"ALL"};
  spec.cap_add = {"CHOWN"};
  spec.read_only = true;
  spec.memory = 64 << 20;
  // Field by field: GCC 12's -O3 takes a braced ResolvedUser{} for
  // uninitialized (-Wmaybe-uninitialized) and the Release build fails.
  engine::ConfigInputs inputs;
  inputs.id = "abc";
  inputs.ids = engine::HostIds{200000, 300000};
  inputs.hostname_file = "/b/hostname";
  inputs.hosts_file = "/b/hosts";
  auto json = engine::build_oci_config(spec, inputs);
  ASSERT_TRUE(json) << json.error().what();
  auto config = oci::parse_config(json->dump());
  ASSERT_TRUE(config) << config.error().what();
  EXPECT_TRUE(config->root.readonly);
  EXPECT_EQ(config->process->capabilities->effective, (std::vector<int>{0}));  // CAP_CHOWN
  EXPECT_TRUE(config->process->no_new_privileges);
  ASSERT_EQ(config->linux.uid_mappings.size(), 1u);
  EXPECT_EQ(config->linux.uid_mappings[0].host_id, 200000u);
  EXPECT_EQ(config->linux.gid_mappings[0].host_id, 300000u);
  EXPECT_EQ(config->linux.resources->memory->limit, std::optional<std::int64_t>(64 << 20));
  spec.cap_add = {"NOT_ONE"};
  auto bad = engine::build_oci_config(spec, inputs);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what().find("--cap-add"), std::string::npos);
}

// A record written before the limit flags existed reads with their defaults.
TEST(ContainerSpec, OldRecordsReadWithTheNewFieldsDefaults) {
  engine::ContainerSpec spec;
  spec.image = "busybox";
  auto doc = engine::spec_to_json(spec);
  for (const char* name : {"Ulimits", "NanoCpus", "CpuShares", "CpusetCpus", "MemorySwap", "MemorySwappiness",
                           "OomKillDisable", "OomScoreAdj", "BlkioWeight", "BlkioDeviceReadBps"})
    doc["HostConfig"].erase(name);
  auto back = engine::spec_from_json(doc.dump());
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(*back, spec);
}

TEST(ContainerConfig, LimitFlagsBecomeRlimitsAndResources) {
  engine::ContainerSpec spec;
  spec.cmd = {"true"};
  spec.memory = 64 << 20;
  spec.ulimits = {{"nproc", 5, 10}, {"core", -1, -1}};
  spec.resources.nano_cpus = 1500000000;
  spec.resources.cpu_shares = 512;
  spec.resources.cpuset_mems = "0";
  spec.resources.memory_reservation = 32 << 20;
  spec.resources.memory_swap = -1;
  spec.resources.memory_swappiness = 20;
  spec.resources.oom_kill_disable = true;
  spec.resources.blkio_weight = 300;
  spec.oom_score_adj = 42;
  engine::ConfigInputs inputs;
  inputs.id = "abc";
  inputs.hostname_file = "/b/hostname";
  inputs.hosts_file = "/b/hosts";
  auto json = engine::build_oci_config(spec, inputs);
  ASSERT_TRUE(json) << json.error().what();
  auto config = oci::parse_config(json->dump());
  ASSERT_TRUE(config) << config.error().what();
  const auto& rlimits = config->process->rlimits;
  ASSERT_EQ(rlimits.size(), 3u);  // and ward's default nofile
  EXPECT_EQ(rlimits[0].name, "RLIMIT_NPROC");
  EXPECT_EQ(rlimits[0].soft, 5u);
  EXPECT_EQ(rlimits[0].hard, 10u);
  EXPECT_EQ(rlimits[1].hard, RLIM_INFINITY);
  EXPECT_EQ(rlimits[2].name, "RLIMIT_NOFILE");
  EXPECT_EQ(config->process->oom_score_adj, 42);
  const auto& resources = *config->linux.resources;
  EXPECT_EQ(resources.cpu->period, 100000u);
  EXPECT_EQ(resources.cpu->quota, 150000);
  EXPECT_EQ(resources.cpu->shares, 512u);
  EXPECT_EQ(resources.cpu->mems, "0");
  EXPECT_EQ(resources.memory->limit, 64 << 20);
  EXPECT_EQ(resources.memory->swap, -1);
  EXPECT_EQ(resources.memory->reservation, 32 << 20);
  EXPECT_EQ(resources.memory->swappiness, 20u);
  EXPECT_EQ(resources.memory->disable_oom_killer, true);
  EXPECT_EQ(resources.block_io->weight, 300);
  spec.resources.device_read_bps = {{"/dev/null", 1}};
  auto not_block = engine::build_oci_config(spec, inputs);
  ASSERT_FALSE(not_block);
  EXPECT_NE(not_block.error().what().find("--device-read-bps /dev/null: not a block device"), std::string::npos);
}

TEST(ContainerSpec, BindsAreDockersVolumeStrings) {
  auto bind = engine::parse_bind("/host/dir:/data:ro");
  ASSERT_TRUE(bind);
  EXPECT_EQ(bind->source, "/host/dir");
  EXPECT_EQ(bind->destination, "/data");
  EXPECT_TRUE(bind->read_only);
  EXPECT_FALSE(engine::parse_bind("/host/dir:/data:rw")->read_only);
  EXPECT_TRUE(engine::parse_bind("named:/data").error().is(ErrorKind::unsupported));
  EXPECT_TRUE(engine::parse_bind("/h:relative").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_bind("/h").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_bind("/h:/c:z").error().is(ErrorKind::unsupported));
}

TEST(ContainerNames, DockersRuleAndGeneratedOnes) {
  EXPECT_TRUE(engine::validate_container_name("web-1.a_b"));
  EXPECT_FALSE(engine::validate_container_name("-x"));
  EXPECT_FALSE(engine::validate_container_name("a"));
  EXPECT_FALSE(engine::validate_container_name("a/b"));
  auto name = engine::generate_container_name();
  ASSERT_TRUE(name);
  EXPECT_TRUE(engine::validate_container_name(*name));
  EXPECT_NE(name->find('_'), std::string::npos);
}

}  // namespace
}  // namespace ward
