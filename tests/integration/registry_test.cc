// `ward pull`, `ward push`, `ward login` and `ward logout` against a real
// registry (Debian's docker-registry on 127.0.0.1, started per test), filled
// and read back by skopeo.  The image is ward's built-in busybox, saved by a
// ward with another store so the store under test starts empty.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image/digest.h"
#include "images_support.h"
#include "registry_fixture.h"
#include "registry_support.h"
#include "support.h"

namespace ward::test {
namespace {

using nlohmann::json;

TEST_F(Registries, PullsByTagThenByDigestAndRecordsTheRepoDigest) {
  auto& registry = start_registry();
  std::string digest = fill("bb:latest");
  ASSERT_TRUE(digest.starts_with("sha256:"));
  std::string name = registry.host() + "/bb";

  auto pulled = ward({"pull", name + ":latest"});
  ASSERT_EQ(pulled.status, 0) << pulled.err;
  EXPECT_EQ(pulled.out, "latest: Pulling from bb\nDigest: " + digest + "\nStatus: Downloaded newer image for " + name +
                            ":latest\n" + name + ":latest\n");  // piped: no progress lines
  auto image = inspect(name + ":latest");
  EXPECT_EQ(image["RepoTags"], json::array({name + ":latest"}));
  EXPECT_EQ(image["RepoDigests"], json::array({name + "@" + digest}));
  std::string lower = image["GraphDriver"]["Data"]["LowerDir"];
  EXPECT_TRUE(exists(lower + "/bin/busybox"));

  // Again: nothing to download.
  auto again = ward({"pull", name + ":latest"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("Status: Image is up to date for " + name + ":latest\n"), std::string::npos) << again.out;

  // By digest into an empty store: no tag, the same repo digest.
  ASSERT_EQ(ward({"rmi", name + ":latest"}).status, 0);
  expect_empty_store();
  auto by_digest = ward({"pull", name + "@" + digest});
  ASSERT_EQ(by_digest.status, 0) << by_digest.err;
  EXPECT_EQ(by_digest.out, digest + ": Pulling from bb\nDigest: " + digest + "\nStatus: Downloaded newer image for " +
                               name + "@" + digest + "\n" + name + "@" + digest + "\n");
  auto pinned = inspect(name + "@" + digest);
  EXPECT_EQ(pinned["Id"], image["Id"]);
  EXPECT_EQ(pinned["RepoTags"], json::array());
  EXPECT_EQ(pinned["RepoDigests"], json::array({name + "@" + digest}));

  // -q prints the reference alone; `ward image pull` is the same verb.
  auto quiet = ward({"image", "pull", "-q", name});
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.out, name + ":latest\n");
}

// An index of two images (linux/amd64 and linux/arm64) that differ only in
// their configs' architecture, pushed with skopeo --all.
TEST_F(Registries, PullsThePlatformAskedForFromAnIndex) {
  auto& registry = start_registry();
  std::string layout = dir_ + "/layout";
  std::filesystem::create_directories(layout);
  ASSERT_EQ(run_command({"tar", "-xf", busybox_archive(), "-C", layout}).status, 0);
  auto blob_path = [&](const std::string& digest) { return layout + "/blobs/sha256/" + digest.substr(7); };
  auto put_blob = [&](const std::string& bytes) {
    std::string digest = sha256_of(bytes);
    write_text(blob_path(digest), bytes);
    return digest;
  };
  json top = json::parse(read_text(layout + "/index.json"));
  json base_manifest = json::parse(read_text(blob_path(top["manifests"][0]["digest"])));
  json config = json::parse(read_text(blob_path(base_manifest["config"]["digest"])));
  json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}};
  index["manifests"] = json::array();
  for (const std::string arch : {"amd64", "arm64"}) {
    config["architecture"] = arch;
    std::string config_bytes = config.dump();
    json manifest = base_manifest;
    manifest["config"]["digest"] = put_blob(config_bytes);
    manifest["config"]["size"] = config_bytes.size();
    std::string manifest_bytes = manifest.dump();
    index["manifests"].push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                  {"digest", put_blob(manifest_bytes)},
                                  {"size", manifest_bytes.size()},
                                  {"platform", {{"os", "linux"}, {"architecture", arch}}}});
  }
  std::string index_bytes = index.dump();
  json new_top = {{"schemaVersion", 2},
                  {"manifests",
                   {{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                     {"digest", put_blob(index_bytes)},
                     {"size", index_bytes.size()},
                     {"annotations", {{"org.opencontainers.image.ref.name", "multi"}}}}}}};
  write_text(layout + "/index.json", new_top.dump());
  auto copied = skopeo({"copy", "--quiet", "--all", "--dest-tls-verify=false", "oci:" + layout + ":multi",
                        "docker://" + registry.host() + "/multi:latest"});
  ASSERT_EQ(copied.status, 0) << copied.err;
  std::string name = registry.host() + "/multi";
  // skopeo writes the index again: its digest is that of what is served.
  auto served = skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + name + ":latest"});
  ASSERT_EQ(served.status, 0) << served.err;
  ASSERT_EQ(json::parse(served.out)["manifests"].size(), 2u) << served.out;
  std::string index_digest = sha256_of(served.out);

  std::vector<std::string> ids;
  for (const std::string arch : {"arm64", "amd64"}) {
    SCOPED_TRACE(arch);
    auto pulled = ward({"pull", "--platform", "linux/" + arch, name});
    ASSERT_EQ(pulled.status, 0) << pulled.err;
    EXPECT_NE(pulled.out.find("Digest: " + index_digest + "\n"), std::string::npos) << pulled.out;
    auto image = inspect(name + ":latest");
    EXPECT_EQ(image["Architecture"], arch);
    ids.push_back(image["Id"]);
    EXPECT_EQ(image["RepoDigests"], json::array({name + "@" + index_digest}));
  }
  EXPECT_NE(ids[0], ids[1]);
  // A platform the index does not offer: one line, and nothing stored.
  ASSERT_EQ(ward({"rmi", ids[0], ids[1]}).status, 0);
  expect_empty_store();
  auto missing = ward({"pull", "--platform", "linux/s390x", name});
  expect_one_error_line(missing, "pull", "s390x");
  expect_empty_store();
}

// A loopback registry that speaks only HTTPS (self-signed): ward tries
// HTTPS first and, for loopback as Docker does, does not verify it.
TEST_F(Registries, PushesAndPullsOverHttpsOnLoopback) {
  auto& registry = start_registry("", true);
  std::string name = registry.host() + "/secure";
  ASSERT_EQ(ward({"tag", "busybox", name + ":1"}).status, 0);
  auto pushed = ward({"push", "-q", name + ":1"});
  ASSERT_EQ(pushed.status, 0) << pushed.err;
  ASSERT_EQ(ward({"rmi", name + ":1", "busybox"}).status, 0);
  expect_empty_store();
  auto pulled = ward({"pull", "-q", name + ":1"});
  ASSERT_EQ(pulled.status, 0) << pulled.err;
  EXPECT_EQ(pulled.out, name + ":1\n");
  // The registry answers plain HTTP with a refusal, so ward went over TLS.
  std::string plain = plain_http_get(registry.port(), "/v2/");
  EXPECT_NE(plain.find("HTTP request to an HTTPS server"), std::string::npos) << plain;
  EXPECT_EQ(remote_digest("secure:1"),
            inspect(name + ":1")["RepoDigests"][0].get<std::string>().substr(name.size() + 1));
}

TEST_F(Registries, PushedImageIsReadBackBySkopeoWithTheSameDigest) {
  auto& registry = start_registry();
  std::string name = registry.host() + "/mine";
  ASSERT_EQ(ward({"tag", "busybox", name + ":1"}).status, 0);
  auto pushed = ward({"push", name + ":1"});
  ASSERT_EQ(pushed.status, 0) << pushed.err;
  ASSERT_EQ(lines_of(pushed.out), 2u) << pushed.out;
  EXPECT_TRUE(pushed.out.starts_with("The push refers to repository [" + name + "]\n")) << pushed.out;
  auto digest_at = pushed.out.find("1: digest: sha256:");
  ASSERT_NE(digest_at, std::string::npos) << pushed.out;
  std::string digest = pushed.out.substr(digest_at + 11, 71);
  EXPECT_EQ(remote_digest("mine:1"), digest);
  // skopeo copies it back out, checking every blob against its digest.
  // (--preserve-digests: skopeo would otherwise gzip the tar layer.)
  auto copied = skopeo({"copy", "--quiet", "--preserve-digests", "--src-tls-verify=false", "docker://" + name + ":1",
                        "oci:" + dir_ + "/back:mine"});
  ASSERT_EQ(copied.status, 0) << copied.err;
  json back = json::parse(read_text(dir_ + "/back/index.json"));
  EXPECT_EQ(back["manifests"][0]["digest"], digest);
  auto image = inspect(name + ":1");
  EXPECT_EQ(image["RepoDigests"], json::array({name + "@" + digest}));
  std::string size = pushed.out.substr(pushed.out.find(" size: ") + 7);
  EXPECT_EQ(size, std::to_string(back["manifests"][0]["size"].get<std::uint64_t>()) + "\n");
  // `ward image push -q` prints the reference alone.
  auto quiet = ward({"image", "push", "-q", name + ":1"});
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.out, name + ":1\n");
}

TEST_F(Registries, PushOfSharedLayersChecksExistenceAndMountsAcrossRepositories) {
  auto& registry = start_registry();
  std::string mine = registry.host() + "/mine";
  std::string other = registry.host() + "/other";
  ASSERT_EQ(ward({"tag", "busybox", mine + ":1"}).status, 0);
  ASSERT_EQ(ward({"push", mine + ":1"}).status, 0);
  auto log = registry.log();
  std::size_t uploads = count_of(log, "\"PUT /v2/mine/blobs/uploads/");
  EXPECT_EQ(uploads, 2u) << log;  // the layer and the config

  // Again to the same repository: HEAD finds every blob, nothing is uploaded.
  ASSERT_EQ(ward({"push", mine + ":1"}).status, 0);
  log = registry.log();
  EXPECT_EQ(count_of(log, "\"PUT /v2/mine/blobs/uploads/"), uploads) << log;
  EXPECT_GE(count_of(log, "\"HEAD /v2/mine/blobs/sha256:"), 4u) << log;

  // To another repository: the layer is mounted from mine (its RepoDigests
  // say it came from there), not uploaded.
  ASSERT_EQ(ward({"tag", "busybox", other + ":2"}).status, 0);
  auto pushed = ward({"push", other + ":2"});
  ASSERT_EQ(pushed.status, 0) << pushed.err;
  log = registry.log();
  EXPECT_NE(log.find("\"POST /v2/other/blobs/uploads/?mount=sha256:"), std::string::npos) << log;
  EXPECT_NE(log.find("from=mine HTTP/1.1\" 201"), std::string::npos) << log;
  EXPECT_EQ(count_of(log, "\"PUT /v2/other/blobs/uploads/"), 1u) << log;  // the config only
  EXPECT_EQ(remote_digest("other:2"), remote_digest("mine:1"));
}

TEST_F(Registries, LoginStoresCredentialsAndLogoutRemovesThem) {
  std::string htpasswd = dir_ + "/htpasswd";
  // bcrypt at the lowest cost, so each request's check stays fast.
  auto made = run_command({"python3", "-W", "ignore", "-c",
                           "import crypt; print('alice:' + crypt.crypt('s3cret', "
                           "crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))"});
  ASSERT_EQ(made.status, 0) << made.err;
  ASSERT_TRUE(made.out.starts_with("alice:$2b$04$")) << made.out;
  write_text(htpasswd, made.out);
  auto& registry = start_registry(LocalRegistry::htpasswd_auth(htpasswd));
  std::string name = registry.host() + "/bb";
  fill("bb:latest", {"--dest-creds=alice:s3cret"});

  // Without credentials: one line, exit 1, nothing stored.
  auto refused = ward({"pull", name});
  expect_one_error_line(refused, "pull", "unauthorized");
  expect_empty_store();

  // A wrong password is refused by the registry and not stored.
  std::string config = dir_ + "/docker-config/config.json";
  auto wrong = ward({"login", "-u", "alice", "--password-stdin", registry.host()}, "nope\n");
  expect_one_error_line(wrong, "login", "unauthorized");
  EXPECT_FALSE(exists(config));

  auto login = ward({"login", "-u", "alice", "--password-stdin", "http://" + registry.host() + "/"}, "s3cret\n");
  ASSERT_EQ(login.status, 0) << login.err;
  EXPECT_EQ(login.out, "Login Succeeded\n");
  struct stat info {};
  ASSERT_EQ(::stat(config.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  json stored = json::parse(read_text(config));
  EXPECT_EQ(stored["auths"][registry.host()]["auth"], "YWxpY2U6czNjcmV0");  // base64("alice:s3cret")

  auto pulled = ward({"pull", name});
  ASSERT_EQ(pulled.status, 0) << pulled.err;

  auto logout = ward({"logout", registry.host()});
  ASSERT_EQ(logout.status, 0) << logout.err;
  EXPECT_EQ(logout.out, "Removing login credentials for " + registry.host() + "\n");
  stored = json::parse(read_text(config));
  EXPECT_FALSE(stored["auths"].contains(registry.host())) << stored.dump();
  auto again = ward({"logout", registry.host()});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, "Not logged in to " + registry.host() + "\n");

  ASSERT_EQ(ward({"rmi", name}).status, 0);
  expect_one_error_line(ward({"pull", name}), "pull", "unauthorized");
  expect_empty_store();

  // Usage errors exit 125.
  EXPECT_EQ(ward({"login", "-p", "x", "--password-stdin", "-u", "alice", registry.host()}).status, 125);
  EXPECT_EQ(ward({"login", "--password-stdin", registry.host()}, "x\n").status, 125);
}

// The Bearer token flow (as Docker Hub's): docker-registry with `auth:
// token:` and a token server (tests/data/registry_token_server.py) that
// grants what is asked only to alice.  Login, pull, and a push that mounts
// from another repository, which asks for scopes on two repositories.
TEST_F(Registries, BearerTokenFlowForLoginPullAndPush) {
  std::string tokens = dir_ + "/tokens";
  std::filesystem::create_directories(tokens);
  auto made = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tokens + "/key.pem",
                           "-out", tokens + "/cert.pem", "-days", "2", "-subj", "/CN=ward-token"});
  ASSERT_EQ(made.status, 0) << made.err;
  int token_port = free_local_port();
  pid_t token_server = spawn_daemon(
      {"python3", std::string(WARD_TEST_DATA_DIR) + "/registry_token_server.py", std::to_string(token_port),
       tokens + "/key.pem", tokens + "/cert.pem", "ward-test-issuer", "alice", "s3cret"},
      tokens + "/server.log");
  ASSERT_GT(token_server, 0);
  struct StopServer {
    pid_t pid;
    ~StopServer() { stop_daemon(pid, 10); }
  } stop_server{token_server};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!port_accepts(token_port) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(port_accepts(token_port)) << read_text(tokens + "/server.log");
  auto& registry = start_registry(
      LocalRegistry::token_auth(fmt::format("http://127.0.0.1:{}/token", token_port), tokens + "/cert.pem"));
  std::string name = registry.host() + "/bb";
  fill("bb:latest", {"--dest-creds=alice:s3cret"});

  // Anonymous: the token grants nothing.
  expect_one_error_line(ward({"pull", name}), "pull", "unauthorized");
  expect_empty_store();
  // A wrong password: the token server refuses it.
  expect_one_error_line(ward({"login", "-u", "alice", "--password-stdin", registry.host()}, "nope\n"), "login",
                        "token");
  auto login = ward({"login", "-u", "alice", "--password-stdin", registry.host()}, "s3cret\n");
  ASSERT_EQ(login.status, 0) << login.err;
  EXPECT_EQ(login.out, "Login Succeeded\n");

  auto pulled = ward({"pull", name});
  ASSERT_EQ(pulled.status, 0) << pulled.err;
  ASSERT_EQ(ward({"tag", name, registry.host() + "/other:1"}).status, 0);
  auto pushed = ward({"push", registry.host() + "/other:1"});
  ASSERT_EQ(pushed.status, 0) << pushed.err;
  EXPECT_EQ(remote_digest("other:1", {"--dest-creds=alice:s3cret"}),
            remote_digest("bb:latest", {"--dest-creds=alice:s3cret"}));
  auto log = registry.log();
  EXPECT_NE(log.find("from=bb HTTP/1.1\" 201"), std::string::npos) << log;
  // Every scope is its own parameter, never two joined by a space.
  std::string server_log = read_text(tokens + "/server.log");
  EXPECT_NE(server_log.find("scope=repository:bb:pull"), std::string::npos) << server_log;
  EXPECT_EQ(server_log.find("%20"), std::string::npos) << server_log;
}

TEST_F(Registries, BlobThatDoesNotMatchItsDigestIsRefusedAndNothingIsKept) {
  auto& registry = start_registry();
  std::string digest = fill("bb:latest");
  auto inspected = skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/bb:latest"});
  ASSERT_EQ(inspected.status, 0) << inspected.err;
  std::string layer = json::parse(inspected.out)["layers"][0]["digest"];
  // Same size, one byte changed: only the digest can tell.
  std::string file = registry.blob_file(layer);
  std::string bytes = read_text(file);
  ASSERT_GT(bytes.size(), 600u);
  bytes[512] = static_cast<char>(bytes[512] ^ 0x55);
  write_text(file, bytes);

  auto pulled = ward({"pull", registry.host() + "/bb:latest"});
  expect_one_error_line(pulled, "pull", layer);
  auto all = ward({"images", "-a", "-q"});
  EXPECT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(all.out, "");
  expect_empty_store();
}

TEST_F(Registries, UnknownImageOrTagIsOneLineNamingIt) {
  auto& registry = start_registry();
  fill("bb:latest");
  auto no_repo = ward({"pull", registry.host() + "/nope"});
  expect_one_error_line(no_repo, "pull", registry.host() + "/nope:latest");
  auto no_tag = ward({"pull", registry.host() + "/bb:nope"});
  expect_one_error_line(no_tag, "pull", registry.host() + "/bb:nope");
  // "Pulling from" only once the registry has the manifest, as in Docker.
  EXPECT_EQ(no_repo.out, "Using default tag: latest\n");
  EXPECT_EQ(no_tag.out, "");
  expect_empty_store();
  auto no_image = ward({"push", registry.host() + "/absent:1"});
  expect_one_error_line(no_image, "push", registry.host() + "/absent:1");
}

// `ward import` stores a manifest too, so an imported image pushes like
// any other and skopeo reads back the same digest.
TEST_F(Registries, ImportedImagePushesAndIsReadBack) {
  auto& registry = start_registry();
  std::string name = registry.host() + "/imported:1";
  auto imported = ward({"import", make_image_tar(dir_), name});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto pushed = ward({"push", name});
  ASSERT_EQ(pushed.status, 0) << pushed.err;
  auto digest_at = pushed.out.find("1: digest: sha256:");
  ASSERT_NE(digest_at, std::string::npos) << pushed.out;
  EXPECT_EQ(remote_digest("imported:1"), pushed.out.substr(digest_at + 11, 71));
}

TEST_F(Registries, FlagsWardDoesNotImplementFailNamingThem) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"pull", "-a", "x"}, "--all-tags"},
      {{"pull", "--all-tags", "x"}, "--all-tags"},
      {{"push", "--all-tags", "x"}, "--all-tags"},
      {{"pull", "--disable-content-trust=false", "x"}, "--disable-content-trust"},
      {{"push", "--disable-content-trust=false", "x"}, "--disable-content-trust"},
  };
  for (const auto& [args, flag] : cases) {
    auto outcome = ward(args);
    EXPECT_EQ(outcome.status, 125) << args[1];
    EXPECT_EQ(lines_of(outcome.err), 1u) << outcome.err;
    EXPECT_NE(outcome.err.find("not supported"), std::string::npos) << outcome.err;
    EXPECT_NE(outcome.err.find(flag), std::string::npos) << outcome.err;
  }
}

}  // namespace
}  // namespace ward::test
