// Blob transfer and credential helpers against a real registry (Debian's
// docker-registry on 127.0.0.1): a layer above the chunk threshold goes up
// in PATCH chunks and reads back whole; a multi-layer image is pulled with
// its layers downloaded in parallel, every layer's file in place; a corrupt
// layer among several keeps nothing; and a docker-credential-NAME program
// the test writes stores, gives and erases the credentials of login, pull
// and logout.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "images_support.h"
#include "registry_fixture.h"
#include "registry_support.h"
#include "support.h"

namespace ward::test {
namespace {

using nlohmann::json;

// The layer directories of an image, lowest first.
std::vector<std::string> layer_dirs(const json& image) {
  std::string lower = image["GraphDriver"]["Data"]["LowerDir"];
  std::vector<std::string> dirs;
  for (std::size_t start = 0; start <= lower.size();) {
    auto colon = lower.find(':', start);
    if (colon == std::string::npos) colon = lower.size();
    dirs.push_back(lower.substr(start, colon - start));
    start = colon + 1;
  }
  return dirs;
}

// Pushes to the registry an OCI image of busybox plus `extra` layers (each
// an uncompressed tar holding /layerN.txt saying "layer N", which skopeo
// compresses on the way); returns the digests of those tars (diff ids).
std::vector<std::string> push_layered_image(const std::string& dir, const std::string& archive,
                                            const std::string& target, int extra) {
  std::string layout = dir + "/layered";
  std::filesystem::create_directories(layout);
  EXPECT_EQ(run_command({"tar", "-xf", archive, "-C", layout}).status, 0);
  auto blob_path = [&](const std::string& digest) { return layout + "/blobs/sha256/" + digest.substr(7); };
  auto put_blob = [&](const std::string& bytes) {
    std::string digest = sha256_of(bytes);
    write_text(blob_path(digest), bytes);
    return digest;
  };
  json top = json::parse(read_text(layout + "/index.json"));
  json manifest = json::parse(read_text(blob_path(top["manifests"][0]["digest"])));
  json config = json::parse(read_text(blob_path(manifest["config"]["digest"])));
  std::vector<std::string> digests;
  for (int i = 1; i <= extra; ++i) {
    std::string content = dir + "/content" + std::to_string(i);
    std::filesystem::create_directories(content);
    write_text(content + "/layer" + std::to_string(i) + ".txt", "layer " + std::to_string(i) + "\n");
    std::string tar = dir + "/layer" + std::to_string(i) + ".tar";
    EXPECT_EQ(run_command({"tar", "-C", content, "-cf", tar, "layer" + std::to_string(i) + ".txt"}).status, 0);
    std::string bytes = read_text(tar);
    std::string digest = put_blob(bytes);
    digests.push_back(digest);
    manifest["layers"].push_back(
        {{"mediaType", "application/vnd.oci.image.layer.v1.tar"}, {"digest", digest}, {"size", bytes.size()}});
    config["rootfs"]["diff_ids"].push_back(digest);
  }
  std::string config_bytes = config.dump();
  manifest["config"]["digest"] = put_blob(config_bytes);
  manifest["config"]["size"] = config_bytes.size();
  std::string manifest_bytes = manifest.dump();
  top["manifests"][0]["digest"] = put_blob(manifest_bytes);
  top["manifests"][0]["size"] = manifest_bytes.size();
  top["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] = "layered";
  write_text(layout + "/index.json", top.dump());
  auto copied = run_command(
      {"skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":layered", "docker://" + target}, "",
      120);
  EXPECT_EQ(copied.status, 0) << copied.err;
  return digests;
}

TEST_F(Registries, LargeLayerGoesUpInChunksAndReadsBackWhole) {
  auto& registry = start_registry();
  std::string rootfs = dir_ + "/big-rootfs";
  std::filesystem::create_directories(rootfs);
  // 20 MiB of random bytes: above the 8 MiB threshold, and gzip cannot shrink it.
  ASSERT_EQ(run_command({"dd", "if=/dev/urandom", "of=" + rootfs + "/big", "bs=1M", "count=20", "status=none"}).status,
            0);
  std::string tar = dir_ + "/big.tar";
  ASSERT_EQ(run_command({"tar", "-C", rootfs, "-cf", tar, "big"}).status, 0);
  std::string name = registry.host() + "/big:1";
  auto imported = ward({"import", tar, name});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto pushed = ward({"push", name});
  ASSERT_EQ(pushed.status, 0) << pushed.err;
  std::string log = registry.log();
  // 20 MiB and some: three chunks of at most 8 MiB, then the closing PUT.
  EXPECT_EQ(count_of(log, "\"PATCH /v2/big/blobs/uploads/"), 3u) << log;
  auto digest_at = pushed.out.find("1: digest: sha256:");
  ASSERT_NE(digest_at, std::string::npos) << pushed.out;
  EXPECT_EQ(remote_digest("big:1"), pushed.out.substr(digest_at + 11, 71));

  std::string original = sha256_of(read_text(rootfs + "/big"));
  ASSERT_EQ(ward({"rmi", name}).status, 0);
  expect_empty_store();
  auto pulled = ward({"pull", "-q", name});
  ASSERT_EQ(pulled.status, 0) << pulled.err;
  auto dirs = layer_dirs(inspect(name));
  ASSERT_EQ(dirs.size(), 1u);
  EXPECT_EQ(sha256_of(read_text(dirs[0] + "/big")), original);
}

TEST_F(Registries, MultiLayerImagePullsEveryLayer) {
  auto& registry = start_registry();
  auto layers = push_layered_image(dir_, busybox_archive(), registry.host() + "/layered:1", 5);
  ASSERT_EQ(layers.size(), 5u);
  std::string name = registry.host() + "/layered:1";
  auto pulled = ward({"pull", name});
  ASSERT_EQ(pulled.status, 0) << pulled.err;
  auto image = inspect(name);
  ASSERT_EQ(image["RootFS"]["Layers"].size(), 6u) << image.dump();
  auto dirs = layer_dirs(image);
  ASSERT_EQ(dirs.size(), 6u);
  // Each layer's file in exactly one layer directory, whole.
  for (int i = 1; i <= 5; ++i) {
    std::string file = "/layer" + std::to_string(i) + ".txt";
    int found = 0;
    for (const auto& dir : dirs) {
      if (!exists(dir + file)) continue;
      ++found;
      EXPECT_EQ(read_text(dir + file), "layer " + std::to_string(i) + "\n") << dir << file;
    }
    EXPECT_EQ(found, 1) << file;
  }
}

TEST_F(Registries, CorruptLayerAmongSeveralKeepsNothing) {
  auto& registry = start_registry();
  push_layered_image(dir_, busybox_archive(), registry.host() + "/layered:1", 5);
  // skopeo compresses the layers on the way: the registry's own digests.
  auto served = skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/layered:1"});
  ASSERT_EQ(served.status, 0) << served.err;
  std::vector<std::string> layers;
  json manifest = json::parse(served.out);
  for (const auto& layer : manifest["layers"]) layers.push_back(layer["digest"]);
  ASSERT_EQ(layers.size(), 6u);
  std::string file = registry.blob_file(layers[3]);
  std::string bytes = read_text(file);
  ASSERT_GT(bytes.size(), 40u);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
  write_text(file, bytes);
  auto pulled = ward({"pull", registry.host() + "/layered:1"});
  expect_one_error_line(pulled, "pull", layers[3]);
  expect_empty_store();
}

// docker-credential-wardtest: one file per server in DIR, the protocol's
// JSON kept as it came; every call logged to DIR/calls.
std::string write_credential_helper(const std::string& bin, const std::string& store) {
  std::filesystem::create_directories(bin);
  std::filesystem::create_directories(store);
  std::string script =
      "#!/bin/sh\n"
      "store='" +
      store +
      "'\n"
      "echo \"$1\" >> \"$store/calls\"\n"
      "key() { printf '%s' \"$1\" | tr ':/' '__'; }\n"
      "case \"$1\" in\n"
      "store)\n"
      "  input=$(cat)\n"
      "  server=$(printf '%s' \"$input\" | sed 's/.*\"ServerURL\":\"\\([^\"]*\\)\".*/\\1/')\n"
      "  printf '%s' \"$input\" > \"$store/$(key \"$server\")\" ;;\n"
      "get|erase)\n"
      "  read -r server\n"
      "  file=\"$store/$(key \"$server\")\"\n"
      "  if [ ! -f \"$file\" ]; then echo 'credentials not found in native keychain'; exit 1; fi\n"
      "  if [ \"$1\" = get ]; then cat \"$file\"; else rm \"$file\"; fi ;;\n"
      "*) exit 2 ;;\n"
      "esac\n";
  std::string path = bin + "/docker-credential-wardtest";
  write_text(path, script);
  ::chmod(path.c_str(), 0755);
  return path;
}

TEST_F(Registries, CredentialHelperStoresGivesAndErasesCredentials) {
  std::string htpasswd = dir_ + "/htpasswd";
  auto made = run_command({"python3", "-W", "ignore", "-c",
                           "import crypt; print('alice:' + crypt.crypt('s3cret', "
                           "crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))"});
  ASSERT_EQ(made.status, 0) << made.err;
  write_text(htpasswd, made.out);
  auto& registry = start_registry(LocalRegistry::htpasswd_auth(htpasswd));
  fill("bb:latest", {"--dest-creds=alice:s3cret"});
  std::string name = registry.host() + "/bb";
  std::string store = dir_ + "/helper-store";
  write_credential_helper(dir_ + "/bin", store);
  const char* old_path = std::getenv("PATH");
  ScopedEnv path("PATH", dir_ + "/bin:" + (old_path != nullptr ? old_path : "/usr/bin:/bin"));
  std::string key = registry.host();
  std::replace(key.begin(), key.end(), ':', '_');
  std::string stored = store + "/" + key;
  std::string config = dir_ + "/docker-config/config.json";

  for (const std::string& settings : {std::string(R"({"credsStore": "wardtest"})"),
                                      fmt::format(R"({{"credHelpers": {{"{}": "wardtest"}}}})", registry.host())}) {
    SCOPED_TRACE(settings);
    std::filesystem::create_directories(dir_ + "/docker-config");
    write_text(config, settings);
    std::filesystem::remove(store + "/calls");

    auto login = ward({"login", "-u", "alice", "--password-stdin", registry.host()}, "s3cret\n");
    ASSERT_EQ(login.status, 0) << login.err;
    EXPECT_EQ(login.out, "Login Succeeded\n");
    EXPECT_EQ(login.err.find("unencrypted"), std::string::npos) << login.err;
    auto kept = json::parse(read_text(stored));
    EXPECT_EQ(kept["ServerURL"], registry.host());
    EXPECT_EQ(kept["Username"], "alice");
    EXPECT_EQ(kept["Secret"], "s3cret");
    EXPECT_EQ(read_text(config), settings);  // nothing written into the file

    auto pulled = ward({"pull", "-q", name});
    ASSERT_EQ(pulled.status, 0) << pulled.err;
    ASSERT_EQ(ward({"rmi", name}).status, 0);

    auto logout = ward({"logout", registry.host()});
    ASSERT_EQ(logout.status, 0) << logout.err;
    EXPECT_EQ(logout.out, "Removing login credentials for " + registry.host() + "\n");
    EXPECT_FALSE(exists(stored));
    EXPECT_EQ(read_text(store + "/calls"), "store\nget\nerase\n");
    expect_one_error_line(ward({"pull", name}), "pull", "unauthorized");
    auto again = ward({"logout", registry.host()});
    EXPECT_EQ(again.out, "Not logged in to " + registry.host() + "\n");
  }
}

}  // namespace
}  // namespace ward::test
