// The image-spec model: manifests, indexes and configs as registries serve
// them (tests/data/image/), the refusals of bad documents, the writers'
// round trip, and choosing a platform's manifest (src/image/spec.h,
// platform.h).
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "image/platform.h"
#include "image/spec.h"
#include "source_dir.h"

namespace ward::image {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(WARD_SOURCE_DIR) + "/tests/data/image/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kDigestA = "sha256:" + std::string(64, 'a');

// A minimal OCI manifest with one field replaced by `config_and_layers`.
std::string oci_manifest(const std::string& body) {
  return R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", )" + body + "}";
}

std::string descriptor(const std::string& size = "7", const std::string& digest = kDigestA) {
  return R"({"mediaType": "application/vnd.oci.image.config.v1+json", "digest": ")" + digest + R"(", "size": )" + size +
         "}";
}

TEST(ImageSpec, ReadsADockerSchema2Manifest) {
  auto manifest = parse_manifest(fixture("docker_manifest.json"));
  ASSERT_TRUE(manifest) << manifest.error().what();
  EXPECT_EQ(manifest->media_type, media_type::kDockerManifest);
  EXPECT_EQ(manifest->config.media_type, media_type::kDockerConfig);
  EXPECT_EQ(manifest->config.size, 1457);
  EXPECT_EQ(manifest->config.digest.string(),
            "sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824");
  ASSERT_EQ(manifest->layers.size(), 1u);
  EXPECT_EQ(layer_compression(manifest->layers[0].media_type), LayerCompression::gzip);
  EXPECT_EQ(manifest->layers[0].size, 2220094);
  EXPECT_EQ(parse_manifest(write_manifest(*manifest)).value(), *manifest);
}

TEST(ImageSpec, ReadsAnOciIndexIgnoringUnknownFields) {
  auto index = parse_index(fixture("oci_index.json"));
  ASSERT_TRUE(index) << index.error().what();
  ASSERT_EQ(index->manifests.size(), 5u);
  ASSERT_TRUE(index->manifests[1].platform);
  EXPECT_EQ(index->manifests[1].platform->variant, "v6");
  EXPECT_EQ(index->annotations.at("org.opencontainers.image.ref.name"), "1.36");
  EXPECT_EQ(parse_index(write_index(*index)).value(), *index);
}

TEST(ImageSpec, ReadsADockerImageConfig) {
  auto config = parse_image_config(fixture("docker_config.json"));
  ASSERT_TRUE(config) << config.error().what();
  EXPECT_EQ(config->platform.architecture, "amd64");
  EXPECT_EQ(config->platform.os, "linux");
  EXPECT_EQ(config->created, "2023-11-01T12:34:56.789Z");
  const ContainerConfig& c = config->config;
  EXPECT_EQ(c.user, "app");
  EXPECT_EQ(c.exposed_ports, (std::set<std::string>{"443/tcp", "80/tcp"}));
  EXPECT_EQ(c.entrypoint, std::vector<std::string>{"/docker-entrypoint.sh"});
  EXPECT_EQ(c.cmd, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(c.volumes, std::set<std::string>{"/var/cache/nginx"});
  EXPECT_EQ(c.working_dir, "/srv");
  EXPECT_EQ(c.labels.at("maintainer"), "NGINX Docker Maintainers");
  EXPECT_EQ(c.stop_signal, "SIGQUIT");
  ASSERT_TRUE(c.healthcheck);
  EXPECT_EQ(c.healthcheck->interval, 30000000000);
  EXPECT_EQ(c.healthcheck->retries, 3);
  EXPECT_TRUE(c.args_escaped);
  EXPECT_TRUE(c.on_build.empty());  // null is "not set"
  ASSERT_EQ(config->rootfs.diff_ids.size(), 2u);
  ASSERT_EQ(config->history.size(), 2u);
  EXPECT_TRUE(config->history[1].empty_layer);
  EXPECT_EQ(parse_image_config(write_image_config(*config)).value(), *config);
}

TEST(ImageSpec, WritesFieldsInTheSpecsOrderAndLeavesOutEmptyOnes) {
  Manifest manifest;
  manifest.media_type = media_type::kOciManifest;
  manifest.config.media_type = media_type::kOciConfig;
  manifest.config.digest = Digest::parse(kDigestA).value();
  manifest.config.size = 7;
  std::string text = write_manifest(manifest);
  EXPECT_LT(text.find("schemaVersion"), text.find("mediaType"));
  EXPECT_LT(text.find("\"config\""), text.find("\"layers\""));
  EXPECT_EQ(text.find("annotations"), std::string::npos);
  EXPECT_EQ(text.find("urls"), std::string::npos);
}

// Each bad document gives one error that names the field.
TEST(ImageSpec, RefusesBadManifestsNamingTheField) {
  struct Case {
    std::string json;
    std::string message;
  };
  const Case cases[] = {
      {"[]", "image manifest: expected an object, got array"},
      {"{", "image manifest: invalid JSON at line 1 column 2"},
      {R"({"schemaVersion": 1, "name": "x", "fsLayers": []})",
       "image manifest: schemaVersion: 1 is Docker schema 1, which ward does not support; must be 2"},
      {R"({"schemaVersion": 1, "mediaType": "application/vnd.docker.distribution.manifest.v1+prettyjws"})",
       "image manifest: mediaType: \"application/vnd.docker.distribution.manifest.v1+prettyjws\" is Docker "
       "schema 1, which ward does not support"},
      {R"({"schemaVersion": 3, "config": {}, "layers": []})", "image manifest: schemaVersion: must be 2, got 3"},
      {R"({"schemaVersion": "2"})", "image manifest: schemaVersion: expected an integer, got string"},
      {R"({"mediaType": "application/vnd.oci.image.manifest.v1+json"})", "image manifest: schemaVersion: required"},
      {oci_manifest(R"("layers": [])"), "image manifest: config: required"},
      {oci_manifest(R"("config": )" + descriptor()), "image manifest: layers: required"},
      {oci_manifest(R"("config": )" + descriptor("-1") + R"(, "layers": [])"),
       "image manifest: config.size: must not be negative, got -1"},
      {oci_manifest(R"("config": )" + descriptor("1.5") + R"(, "layers": [])"),
       "image manifest: config.size: expected an integer, got floating-point number"},
      {oci_manifest(R"("config": )" + descriptor() + R"(, "layers": [)" + descriptor("1", "sha256:abc") + "]"),
       "image manifest: layers[0].digest: digest \"sha256:abc\": sha256 needs 64 lower-case hex digits, got 3 "
       "characters"},
      {oci_manifest(R"("config": {"digest": ")" + kDigestA + R"(", "size": 1}, "layers": [])"),
       "image manifest: config.mediaType: required"},
      {oci_manifest(R"("config": {"mediaType": "x", "size": 1}, "layers": [])"),
       "image manifest: config.digest: required"},
      {oci_manifest(R"("config": )" + descriptor() + R"(, "layers": {})"),
       "image manifest: layers: expected an array, got object"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []})",
       "image manifest: mediaType: \"application/vnd.oci.image.index.v1+json\" is an index, not a manifest"},
  };
  for (const auto& c : cases) {
    auto manifest = parse_manifest(c.json);
    ASSERT_FALSE(manifest) << c.json;
    EXPECT_TRUE(manifest.error().is(ErrorKind::invalid_input)) << c.json;
    EXPECT_TRUE(manifest.error().what().starts_with(c.message)) << manifest.error().what() << "\nwanted: " << c.message;
  }
}

TEST(ImageSpec, RefusesBadIndexesAndConfigsNamingTheField) {
  auto no_manifests = parse_index(R"({"schemaVersion": 2})");
  ASSERT_FALSE(no_manifests);
  EXPECT_EQ(no_manifests.error().what(), "image index: manifests: required");
  auto bad_platform = parse_index(R"({"schemaVersion": 2, "manifests": [{"mediaType": "m", "digest": ")" + kDigestA +
                                  R"(", "size": 1, "platform": {"os": "linux"}}]})");
  ASSERT_FALSE(bad_platform);
  EXPECT_EQ(bad_platform.error().what(), "image index: manifests[0].platform.architecture: required");
  auto manifest_type = parse_index(R"({"schemaVersion": 2, "mediaType": ")" + std::string(media_type::kDockerManifest) +
                                   R"(", "manifests": []})");
  ASSERT_FALSE(manifest_type);
  EXPECT_NE(manifest_type.error().what().find("is a manifest, not an index"), std::string::npos);

  const std::pair<std::string, std::string> configs[] = {
      {R"({"os": "linux", "rootfs": {"type": "layers", "diff_ids": []}})", "image config: architecture: required"},
      {R"({"architecture": "amd64", "os": "linux"})", "image config: rootfs: required"},
      {R"({"architecture": "amd64", "os": "linux", "rootfs": {"type": "tar", "diff_ids": []}})",
       "image config: rootfs.type: must be \"layers\", got \"tar\""},
      {R"({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:x"]}})",
       "image config: rootfs.diff_ids[0]: digest \"sha256:x\""},
      {R"({"architecture": "amd64", "os": "linux", "config": {"Env": "A=1"}, "rootfs": {"type": "layers", "diff_ids": []}})",
       "image config: config.Env: expected an array, got string"},
      {R"({"architecture": "amd64", "os": "linux", "config": {"Healthcheck": {"Retries": -1}}, "rootfs": {"type": "layers", "diff_ids": []}})",
       "image config: config.Healthcheck.Retries: must not be negative, got -1"},
  };
  for (const auto& [json, message] : configs) {
    auto config = parse_image_config(json);
    ASSERT_FALSE(config) << json;
    EXPECT_TRUE(config.error().what().starts_with(message)) << config.error().what() << "\nwanted: " << message;
  }
}

TEST(ImageSpec, MediaTypesAreClassified) {
  EXPECT_TRUE(is_manifest_media_type(media_type::kDockerManifest));
  EXPECT_TRUE(is_index_media_type(media_type::kDockerManifestList));
  EXPECT_TRUE(is_schema1_media_type(media_type::kDockerSchema1SignedManifest));
  EXPECT_EQ(layer_compression(media_type::kOciLayerZstd), LayerCompression::zstd);
  EXPECT_EQ(layer_compression(media_type::kOciLayerTar), LayerCompression::none);
  EXPECT_EQ(layer_compression(media_type::kOciConfig), std::nullopt);
}

Platform platform(const char* architecture, const char* variant = "") {
  Platform p;
  p.os = "linux";
  p.architecture = architecture;
  p.variant = variant;
  return p;
}

TEST(ImagePlatform, NormalisesAsContainerdDoes) {
  EXPECT_EQ(platform_string(normalize_platform(platform("x86_64"))), "linux/amd64");
  EXPECT_EQ(platform_string(normalize_platform(platform("aarch64", "v8"))), "linux/arm64");
  EXPECT_EQ(platform_string(normalize_platform(platform("armhf"))), "linux/arm/v7");
  EXPECT_EQ(platform_string(normalize_platform(platform("arm"))), "linux/arm/v7");
  EXPECT_EQ(platform_string(normalize_platform(platform("arm", "6"))), "linux/arm/v6");
  EXPECT_EQ(platform_string(normalize_platform(platform("i386"))), "linux/386");
  EXPECT_EQ(platform_string(platform_of_machine("x86_64")), "linux/amd64");
  EXPECT_EQ(platform_string(platform_of_machine("armv7l")), "linux/arm/v7");
  EXPECT_EQ(platform_string(platform_of_machine("aarch64")), "linux/arm64");
  EXPECT_EQ(host_platform().os, "linux");
}

TEST(ImagePlatform, SelectsTheWantedOrTheBestCompatibleManifest) {
  auto index = parse_index(fixture("oci_index.json")).value();
  auto digest_for = [&](const Platform& wanted) {
    auto chosen = select_manifest(index, wanted);
    return chosen ? chosen->digest.hex().substr(0, 1) : chosen.error().what();
  };
  EXPECT_EQ(digest_for(platform("amd64")), "1");
  EXPECT_EQ(digest_for(platform("x86_64")), "1");
  EXPECT_EQ(digest_for(platform("arm64")), "4");      // "v8" in the index is arm64's default
  EXPECT_EQ(digest_for(platform("arm", "v7")), "3");  // no variant in the index means v7
  EXPECT_EQ(digest_for(platform("arm", "v6")), "2");
  EXPECT_EQ(digest_for(platform("amd64", "v3")), "1");  // falls back to the baseline
  index.manifests.erase(index.manifests.begin() + 3);   // no arm64 left: an arm64 host runs arm/v7
  EXPECT_EQ(digest_for(platform("arm64")), "3");
  auto none = select_manifest(index, platform("s390x"));
  ASSERT_FALSE(none);
  EXPECT_TRUE(none.error().is(ErrorKind::not_found));
  EXPECT_EQ(none.error().what(),
            "no manifest for linux/s390x in the image index (it has: linux/amd64, linux/arm/v6, linux/arm/v7, "
            "unknown/unknown)");
}

}  // namespace
}  // namespace ward::image
