// The pure parts of the registry client: WWW-Authenticate challenges,
// Docker's credentials file (read, write, erase; in a temp $DOCKER_CONFIG),
// the host that serves a reference's domain, token URLs, Location
// resolution, Range resume bookkeeping and the schema 1 refusal.
#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image/reference.h"
#include "image/registry_auth.h"
#include "image/registry_client.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::image {
namespace {

TEST(RegistryAuth, ParsesABearerChallengeWithQuotedParameters) {
  auto parsed = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  ASSERT_TRUE(parsed) << parsed.error().what();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].scheme, "bearer");
  EXPECT_EQ((*parsed)[0].params.at("realm"), "https://auth.docker.io/token");
  EXPECT_EQ((*parsed)[0].params.at("service"), "registry.docker.io");
  EXPECT_EQ((*parsed)[0].params.at("scope"), "repository:library/busybox:pull");
}

TEST(RegistryAuth, ParsesBasicAndUnquotedAndEscapedValuesAndSeveralChallenges) {
  auto basic = parse_www_authenticate(R"(Basic realm="ward-test")");
  ASSERT_TRUE(basic) << basic.error().what();
  EXPECT_EQ((*basic)[0].scheme, "basic");
  EXPECT_EQ((*basic)[0].params.at("realm"), "ward-test");

  auto unquoted = parse_www_authenticate(R"(BEARER Realm="https://h/token", service=reg)");
  ASSERT_TRUE(unquoted) << unquoted.error().what();
  EXPECT_EQ((*unquoted)[0].scheme, "bearer");
  EXPECT_EQ((*unquoted)[0].params.at("realm"), "https://h/token");
  EXPECT_EQ((*unquoted)[0].params.at("service"), "reg");

  auto escaped = parse_www_authenticate(R"(Basic realm="say \"hi\"")");
  ASSERT_TRUE(escaped) << escaped.error().what();
  EXPECT_EQ((*escaped)[0].params.at("realm"), "say \"hi\"");

  auto two = parse_www_authenticate(R"(Basic realm="a", Bearer realm="https://b/token",service="b")");
  ASSERT_TRUE(two) << two.error().what();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].scheme, "basic");
  EXPECT_EQ((*two)[1].scheme, "bearer");
  EXPECT_EQ((*two)[1].params.at("service"), "b");
}

TEST(RegistryAuth, RefusesWhatIsNotAChallenge) {
  for (const char* text : {"", "   ", R"(Bearer realm="unterminated)", R"(="x")"}) {
    auto parsed = parse_www_authenticate(text);
    EXPECT_FALSE(parsed) << text;
    if (!parsed) {
      EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input)) << text;
    }
  }
}

TEST(RegistryAuth, Base64RoundTripsAndRefusesGarbage) {
  EXPECT_EQ(base64_encode("alice:s3cret"), "YWxpY2U6czNjcmV0");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  for (const char* text : {"", "a", "ab", "abc", "user:pa:ss"}) EXPECT_EQ(base64_decode(base64_encode(text)), text);
  EXPECT_FALSE(base64_decode("not base64!"));
}

TEST(RegistryAuth, DockerHubIsStoredUnderDockersKey) {
  EXPECT_EQ(credentials_key("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(credentials_key("index.docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(credentials_key("127.0.0.1:5000"), "127.0.0.1:5000");
}

TEST(RegistryAuth, LooksUpAuthsByHostWithAnySchemeOrPath) {
  std::string config = R"({"auths": {
      "https://index.docker.io/v1/": {"auth": "aHViOnB3"},
      "http://127.0.0.1:5000/v2/": {"auth": "YWxpY2U6czNjcmV0"}}})";
  auto hub = lookup_credentials(config, "docker.io");
  ASSERT_TRUE(hub) << hub.error().what();
  ASSERT_TRUE(hub->credentials);
  EXPECT_EQ(hub->credentials->username, "hub");
  EXPECT_EQ(hub->credentials->password, "pw");
  auto local = lookup_credentials(config, "127.0.0.1:5000");
  ASSERT_TRUE(local && local->credentials);
  EXPECT_EQ(local->credentials->username, "alice");
  EXPECT_EQ(local->credentials->password, "s3cret");
  auto other = lookup_credentials(config, "127.0.0.1:5001");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->credentials);
  EXPECT_EQ(other->helper, "");
}

TEST(RegistryAuth, HelpersComeFirstAndBadFilesAreErrors) {
  auto helper = lookup_credentials(R"({"credHelpers": {"quay.io": "pass"}, "credsStore": "desktop",
      "auths": {"quay.io": {"auth": "YTpi"}}})",
                                   "quay.io");
  ASSERT_TRUE(helper);
  EXPECT_EQ(helper->helper, "pass");
  auto store = lookup_credentials(R"({"credsStore": "desktop"})", "ghcr.io");
  ASSERT_TRUE(store);
  EXPECT_EQ(store->helper, "desktop");
  EXPECT_FALSE(lookup_credentials("[1, 2]", "x"));
  EXPECT_FALSE(lookup_credentials(R"({"auths": {"x": {"auth": "bm9jb2xvbg=="}}})", "x"));  // "nocolon"
  auto empty = lookup_credentials("", "x");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->credentials);
}

TEST(RegistryAuth, SetAndRemoveKeepEveryOtherField) {
  auto set = set_credentials(R"({"psFormat": "table", "auths": {"http://reg:5000": {"auth": "b2xkOm9sZA=="}}})",
                             "reg:5000", Credentials{"alice", "s3cret"});
  ASSERT_TRUE(set) << set.error().what();
  auto document = nlohmann::json::parse(*set);
  EXPECT_EQ(document["psFormat"], "table");
  EXPECT_EQ(document["auths"].size(), 1u) << *set;  // the old spelling of the same host is replaced
  EXPECT_EQ(document["auths"]["reg:5000"]["auth"], "YWxpY2U6czNjcmV0");
  auto removed = remove_credentials(*set, "reg:5000");
  ASSERT_TRUE(removed && *removed);
  document = nlohmann::json::parse(**removed);
  EXPECT_EQ(document["psFormat"], "table");
  EXPECT_TRUE(document["auths"].empty());
  auto absent = remove_credentials(**removed, "reg:5000");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent);
}

class CredentialsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    remember("DOCKER_CONFIG", dir_.path() + "/docker");
    remember("REGISTRY_AUTH_FILE", dir_.path() + "/auth.json");
  }
  void TearDown() override {
    for (auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }
  void remember(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name.c_str(), value.c_str(), 1);
  }

  test_support::TempDir dir_{"ward-credentials"};
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(CredentialsFile, SaveWritesDockersFileMode0600AndEraseRemovesTheEntry) {
  auto path = docker_config_path();
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, dir_.path() + "/docker/config.json");
  auto none = find_credentials("127.0.0.1:5000");
  ASSERT_TRUE(none) << none.error().what();
  EXPECT_FALSE(*none);

  ASSERT_TRUE(save_credentials("127.0.0.1:5000", Credentials{"alice", "s3cret"}));
  ASSERT_TRUE(save_credentials("docker.io", Credentials{"hub", "pw"}));
  struct stat info {};
  ASSERT_EQ(::stat(path->c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((dir_.path() + "/docker").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0700u);
  auto found = find_credentials("127.0.0.1:5000");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->username, "alice");
  auto hub = find_credentials("index.docker.io");
  ASSERT_TRUE(hub && *hub);
  EXPECT_EQ((*hub)->password, "pw");

  ASSERT_TRUE(erase_credentials("127.0.0.1:5000"));
  auto gone = find_credentials("127.0.0.1:5000");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  auto again = erase_credentials("127.0.0.1:5000");
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().is(ErrorKind::not_found));
  auto kept = find_credentials("docker.io");
  ASSERT_TRUE(kept && *kept);
}

TEST_F(CredentialsFile, ReadsContainersAuthFileAfterDockersAndLogoutErasesItThere) {
  ASSERT_TRUE(sys::write_file_atomic(dir_.path() + "/auth.json", R"({"auths": {"quay.io": {"auth": "YTpi"}}})", 0600));
  auto found = find_credentials("quay.io");
  ASSERT_TRUE(found && *found) << (found ? "" : found.error().what());
  EXPECT_EQ((*found)->username, "a");
  EXPECT_EQ((*found)->password, "b");
  ASSERT_TRUE(erase_credentials("quay.io"));
  auto gone = find_credentials("quay.io");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(CredentialsFile, SavingThroughAMissingCredentialHelperFailsNamingIt) {
  ASSERT_TRUE(sys::mkdir_all(dir_.path() + "/docker", 0700));
  ASSERT_TRUE(sys::write_file_atomic(dir_.path() + "/docker/config.json",
                                     R"({"credsStore": "ward-test-no-such-helper"})", 0600));
  auto saved = save_credentials("127.0.0.1:5000", Credentials{"alice", "s3cret"});
  ASSERT_FALSE(saved);
  EXPECT_NE(std::string(saved.error().what()).find("docker-credential-ward-test-no-such-helper"), std::string::npos)
      << saved.error().what();
}

TEST(RegistryHost, DockerIoIsServedByRegistry1) {
  auto reference = parse_reference("busybox");
  ASSERT_TRUE(reference);
  EXPECT_EQ(reference->domain, "docker.io");
  EXPECT_EQ(reference->path, "library/busybox");
  EXPECT_EQ(registry_host(reference->domain), "registry-1.docker.io");
  EXPECT_EQ(registry_host("index.docker.io"), "registry-1.docker.io");
  auto local = parse_reference("127.0.0.1:5000/bb:1");
  ASSERT_TRUE(local);
  EXPECT_EQ(registry_host(local->domain), "127.0.0.1:5000");
  EXPECT_EQ(registry_host("quay.io"), "quay.io");
}

TEST(RegistryHost, OnlyLoopbackMayBePlainHttp) {
  for (const char* host : {"localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000", "127.9.8.7:1", "[::1]:5000"})
    EXPECT_TRUE(is_loopback_registry(host)) << host;
  for (const char* host : {"quay.io", "10.0.0.1:5000", "128.0.0.1", "registry-1.docker.io", "localhost.evil.com"})
    EXPECT_FALSE(is_loopback_registry(host)) << host;
}

TEST(RegistryClientParts, TokenUrlCarriesServiceAndEveryScope) {
  AuthChallenge challenge{"bearer", {{"realm", "https://auth.example/token"}, {"service", "reg example"}}};
  auto url = token_url(challenge, {"repository:a/b:pull", "repository:c:pull,push"});
  ASSERT_TRUE(url) << url.error().what();
  EXPECT_EQ(
      *url,
      "https://auth.example/token?service=reg%20example&scope=repository:a/b:pull&scope=repository:c:pull%2Cpush");
  EXPECT_FALSE(token_url(AuthChallenge{"bearer", {}}, {}));
}

TEST(RegistryClientParts, AChallengesScopesAreSplitOnSpaces) {
  std::set<std::string> scopes = {"repository:a:pull"};
  add_challenge_scopes(AuthChallenge{"bearer", {{"scope", "repository:b:pull,push repository:a:pull"}}}, scopes);
  EXPECT_EQ(scopes, (std::set<std::string>{"repository:a:pull", "repository:b:pull,push"}));
  add_challenge_scopes(AuthChallenge{"bearer", {{"realm", "x"}}}, scopes);
  EXPECT_EQ(scopes.size(), 2u);
}

TEST(RegistryClientParts, LocationsAndQueries) {
  EXPECT_EQ(resolve_location("http://h:5", "/v2/x/blobs/uploads/u?s=1"), "http://h:5/v2/x/blobs/uploads/u?s=1");
  EXPECT_EQ(resolve_location("http://h:5", "https://other/u"), "https://other/u");
  EXPECT_EQ(add_query("http://h/u", "digest", "sha256:ab"), "http://h/u?digest=sha256:ab");
  EXPECT_EQ(add_query("http://h/u?_state=x", "digest", "sha256:ab"), "http://h/u?_state=x&digest=sha256:ab");
}

TEST(RegistryClientParts, RangeResumeBookkeeping) {
  // Nothing stored yet: nothing to skip, whatever the answer.
  EXPECT_EQ(resume_skip(0, 200, ""), 0u);
  // A 206 that starts where ward stopped: take it all.
  EXPECT_EQ(resume_skip(1000, 206, "bytes 1000-4999/5000"), 0u);
  // A 200: the server ignored Range and sends from the start.
  EXPECT_EQ(resume_skip(1000, 200, ""), 1000u);
  // A 206 from elsewhere, or one without a readable Content-Range.
  EXPECT_FALSE(resume_skip(1000, 206, "bytes 0-4999/5000"));
  EXPECT_FALSE(resume_skip(1000, 206, ""));
  EXPECT_FALSE(resume_skip(1000, 206, "bytes x-1/2"));
  EXPECT_FALSE(resume_skip(1000, 416, ""));
}

TEST(RegistryClientParts, SchemaOneIsRefusedByName) {
  auto signed_type = manifest_media_type("application/vnd.docker.distribution.manifest.v1+prettyjws", "{}", "r/x:1");
  ASSERT_FALSE(signed_type);
  EXPECT_TRUE(signed_type.error().is(ErrorKind::unsupported));
  EXPECT_NE(std::string(signed_type.error().what()).find("schema 1"), std::string::npos);
  EXPECT_NE(std::string(signed_type.error().what()).find("r/x:1"), std::string::npos);
  // Served as plain JSON, told by its schemaVersion.
  auto sniffed = manifest_media_type("application/json; charset=utf-8",
                                     R"({"schemaVersion": 1, "name": "x", "tag": "1", "fsLayers": []})", "r/x:1");
  ASSERT_FALSE(sniffed);
  EXPECT_TRUE(sniffed.error().is(ErrorKind::unsupported));
  // Schema 2 and OCI pass, by header or by the document.
  EXPECT_EQ(manifest_media_type("application/vnd.docker.distribution.manifest.v2+json", "{}", "x"),
            "application/vnd.docker.distribution.manifest.v2+json");
  EXPECT_EQ(
      manifest_media_type("", R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json"})", "x"),
      "application/vnd.oci.image.index.v1+json");
}

}  // namespace
}  // namespace ward::image
