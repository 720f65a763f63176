// Volume specs as `ward run` reads them: -v NAME:/PATH[:OPTIONS], -v /PATH,
// --mount type=volume, --volumes-from, the image's VOLUME paths, and the
// record's round trip (engine/volume_spec.h).
#include <gtest/gtest.h>

#include "engine/container_spec.h"
#include "engine/volume_spec.h"

namespace ward {
namespace {

using engine::VolumeMount;

TEST(VolumeSpec, NamesFollowDockersRule) {
  EXPECT_TRUE(engine::validate_volume_name("data"));
  EXPECT_TRUE(engine::validate_volume_name("a1_b.c-d"));
  EXPECT_FALSE(engine::validate_volume_name("a"));
  EXPECT_FALSE(engine::validate_volume_name("-data"));
  EXPECT_FALSE(engine::validate_volume_name(".data"));
  EXPECT_FALSE(engine::validate_volume_name("da/ta"));
  EXPECT_FALSE(engine::validate_volume_name("da ta"));
  EXPECT_TRUE(engine::validate_volume_name("../x").error().is(ErrorKind::invalid_input));
}

TEST(VolumeSpec, VolumeFlagNamedAnonymousAndModes) {
  EXPECT_TRUE(engine::names_volume("data:/d"));
  EXPECT_TRUE(engine::names_volume("/d"));
  EXPECT_FALSE(engine::names_volume("/host:/d"));

  auto named = engine::parse_volume_flag("data:/srv/data:ro,nocopy");
  ASSERT_TRUE(named) << named.error().what();
  EXPECT_EQ(*named, (VolumeMount{.name = "data", .destination = "/srv/data", .read_only = true, .nocopy = true}));
  EXPECT_FALSE(engine::parse_volume_flag("data:/d:rw")->read_only);
  auto anonymous = engine::parse_volume_flag("/cache");
  ASSERT_TRUE(anonymous);
  EXPECT_TRUE(anonymous->anonymous);
  EXPECT_EQ(anonymous->name, "");
  EXPECT_EQ(anonymous->destination, "/cache");

  EXPECT_TRUE(engine::parse_volume_flag("data:relative").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volume_flag("data:/").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volume_flag("bad/name:/d").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volume_flag("data:/d:ro:x").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volume_flag("data:/d:ro,rw").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volume_flag("data:/d:z").error().is(ErrorKind::unsupported));
  EXPECT_TRUE(engine::parse_volume_flag("data:/d:rshared").error().is(ErrorKind::unsupported));
  EXPECT_TRUE(engine::parse_volume_flag(":/d").error().is(ErrorKind::invalid_input));
}

TEST(VolumeSpec, MountTypeVolume) {
  auto named = engine::parse_volume_mount(
      "x", {{"type", "volume"}, {"source", "data"}, {"target", "/d"}, {"readonly", "true"}, {"volume-nocopy", "true"}});
  ASSERT_TRUE(named) << named.error().what();
  EXPECT_EQ(*named, (VolumeMount{.name = "data", .destination = "/d", .read_only = true, .nocopy = true}));
  auto anonymous = engine::parse_volume_mount("x", {{"type", "volume"}, {"dst", "/d"}});
  ASSERT_TRUE(anonymous);
  EXPECT_TRUE(anonymous->anonymous);
  EXPECT_FALSE(anonymous->read_only);
  EXPECT_TRUE(
      engine::parse_volume_mount("x", {{"type", "volume"}, {"source", "data"}}).error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(
      engine::parse_volume_mount("x", {{"source", "bad/name"}, {"target", "/d"}}).error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volume_mount("x", {{"target", "/d"}, {"volume-opt", "type=tmpfs"}})
                  .error()
                  .is(ErrorKind::unsupported));
  EXPECT_TRUE(
      engine::parse_volume_mount("x", {{"target", "/d"}, {"volume-driver", "nfs"}}).error().is(ErrorKind::unsupported));
  EXPECT_TRUE(engine::parse_volume_mount("x", {{"target", "/d"}, {"bind-propagation", "rshared"}})
                  .error()
                  .is(ErrorKind::unsupported));
  EXPECT_TRUE(
      engine::parse_volume_mount("x", {{"target", "/d"}, {"readonly", "maybe"}}).error().is(ErrorKind::invalid_input));
}

TEST(VolumeSpec, VolumesFrom) {
  auto plain = engine::parse_volumes_from("web");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->container, "web");
  EXPECT_EQ(plain->mode, "");
  EXPECT_EQ(engine::parse_volumes_from("web:ro")->mode, "ro");
  EXPECT_TRUE(engine::parse_volumes_from("web:z").error().is(ErrorKind::invalid_input));
  EXPECT_TRUE(engine::parse_volumes_from(":ro").error().is(ErrorKind::invalid_input));
}

TEST(VolumeSpec, ImageVolumesSkipTakenDestinations) {
  std::vector<VolumeMount> mounts = {{.name = "data", .destination = "/data"}};
  engine::add_image_volumes(mounts, {"/data", "/cache/", "/bound", "relative"}, {"/bound"});
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[1].destination, "/cache");
  EXPECT_TRUE(mounts[1].anonymous);
}

TEST(VolumeSpec, RecordRoundTrip) {
  engine::ContainerSpec spec;
  spec.image = "busybox";
  spec.volume_mounts = {{.name = "data", .destination = "/data", .read_only = true},
                        {.name = "0123abcd", .destination = "/cache", .nocopy = true, .anonymous = true}};
  spec.volumes_from = {"other:ro"};
  spec.binds = {"data:/data:ro"};
  auto json = engine::spec_to_json(spec);
  EXPECT_EQ(json["HostConfig"]["Mounts"][0]["Type"], "volume");
  EXPECT_TRUE(json["Config"]["Volumes"].contains("/cache"));
  EXPECT_FALSE(json["Config"]["Volumes"].contains("/data"));
  auto back = engine::spec_from_json(json.dump());
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->volume_mounts, spec.volume_mounts);
  EXPECT_EQ(back->volumes_from, spec.volumes_from);
  EXPECT_EQ(back->binds, spec.binds);
}

}  // namespace
}  // namespace ward
