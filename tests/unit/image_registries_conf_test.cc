// registries.conf (image/registries_conf.h): the strict parse with
// FILE:LINE errors, drop-in merging, prefix matching, mirrors and
// locations, blocked registries and short-name resolution; and the
// certs.d lookup of the registry client (find_certs) and the chunk ranges
// of a chunked upload.
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "image/reference.h"
#include "image/registries_conf.h"
#include "image/registry_client.h"
#include "temp_dir.h"
#include "util/sys.h"

namespace ward::image {
namespace {

RegistriesConf parse_ok(const std::string& text, const std::string& file = "test.conf") {
  auto parsed = parse_registries_conf(text, file);
  EXPECT_TRUE(parsed) << parsed.error().what();
  return parsed ? *parsed : RegistriesConf{};
}

Reference reference_of(const std::string& text) {
  auto parsed = parse_reference(text);
  EXPECT_TRUE(parsed) << text;
  return *parsed;
}

std::vector<std::string> names(const std::vector<RegistryEndpoint>& endpoints) {
  std::vector<std::string> out;
  for (const auto& endpoint : endpoints) out.push_back(endpoint.reference.string());
  return out;
}

TEST(RegistriesConf, ParsesEveryVersion2Setting) {
  auto conf = parse_ok(R"(
unqualified-search-registries = ["quay.io", "docker.io"]
short-name-mode = "enforcing"

[aliases]
"fedora" = "registry.fedoraproject.org/fedora"

[[registry]]
prefix = "example.com/foo"
location = "internal.example.net/bar"
insecure = true
mirror-by-digest-only = true

[[registry.mirror]]
location = "mirror.local:5000/foo"
insecure = true
pull-from-mirror = "digest-only"

[[registry]]
location = "blocked.example.org"
blocked = true
)");
  EXPECT_EQ(conf.search, (std::vector<std::string>{"quay.io", "docker.io"}));
  EXPECT_EQ(conf.short_name_mode, ShortNameMode::enforcing);
  EXPECT_EQ(conf.aliases.at("fedora"), "registry.fedoraproject.org/fedora");
  ASSERT_EQ(conf.registries.size(), 2u);
  EXPECT_EQ(conf.registries[0].prefix, "example.com/foo");
  EXPECT_EQ(conf.registries[0].location, "internal.example.net/bar");
  EXPECT_TRUE(conf.registries[0].insecure);
  EXPECT_TRUE(conf.registries[0].mirror_by_digest_only);
  ASSERT_EQ(conf.registries[0].mirrors.size(), 1u);
  EXPECT_EQ(conf.registries[0].mirrors[0].location, "mirror.local:5000/foo");
  EXPECT_EQ(conf.registries[0].mirrors[0].use, MirrorUse::digest_only);
  EXPECT_EQ(conf.registries[0].origin, "test.conf:8");
  EXPECT_EQ(conf.registries[1].prefix, "blocked.example.org");  // the location when no prefix
  EXPECT_TRUE(conf.registries[1].blocked);
}

TEST(RegistriesConf, ABadFileIsOneErrorNamingFileLineAndKey) {
  struct Case {
    const char* text;
    const char* wanted;
  };
  for (const Case& c : std::vector<Case>{
           {"unqualified-search-registries = \"quay.io\"\n",
            "r.conf:1: unqualified-search-registries: must be an array"},
           {"\n\nunknown-thing = 1\n", "r.conf:3: unknown-thing: unknown key"},
           {"[[registry]]\nlocation = \"a.io\"\nsecure = true\n", "r.conf:3: registry.secure: unknown key"},
           {"[[registry]]\nlocation = \"a.io\"\ninsecure = \"yes\"\n",
            "r.conf:3: registry.insecure: must be true or false"},
           {"short-name-mode = \"strict\"\n", "r.conf:1: short-name-mode: \"strict\" is not"},
           {"[registries.search]\nregistries = [\"a.io\"]\n", "r.conf:1: registries: the version 1 format"},
           {"credential-helpers = [\"pass\"]\n", "r.conf:1: credential-helpers: not supported by ward"},
           {"[aliases]\n\"quay.io/x\" = \"quay.io/x\"\n", "r.conf:2: aliases.\"quay.io/x\": must be a short name"},
           {"[aliases]\n\"x\" = \"x:1\"\n", "r.conf:2: aliases.\"x\": \"x:1\" must be a fully qualified name"},
           {"[[registry]]\ninsecure = true\n", "r.conf:1: registry: needs a prefix or a location"},
           {"[[registry]]\nprefix = \"*.a.io\"\nlocation = \"b.io\"\n", "registry.prefix: a wildcard prefix"},
           {"[[registry]]\nlocation = \"a.io\"\n[[registry]]\nlocation = \"a.io\"\n",
            "r.conf:3: registry.prefix: \"a.io\" is already configured at r.conf:1"},
           {"[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n",
            "registry.mirror.location: required"},
           {"x = [\n", "r.conf:"},                             // TOML syntax
           {"\"a\\nb\" = 1\n", "r.conf:1: a?b: unknown key"},  // a quoted key stays on one line
           {"[[|regis[ret", "r.conf:"},                        // toml++ 3.3 asserted on this (a fuzz finding)
           {"# ok\n# caf\xc3\xa9\n", "r.conf:2: a non-ASCII character"},
       }) {
    auto parsed = parse_registries_conf(c.text, "r.conf");
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_TRUE(parsed.error().is(ErrorKind::invalid_input)) << c.text;
    std::string message = parsed.error().what();
    EXPECT_NE(message.find(c.wanted), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(RegistriesConf, LaterFilesOverrideWhatTheySet) {
  auto conf = parse_ok(R"(
unqualified-search-registries = ["a.io", "b.io"]
[aliases]
"x" = "a.io/x"
"y" = "a.io/y"
[[registry]]
location = "a.io"
insecure = true
)",
                       "main.conf");
  merge_registries_conf(conf, parse_ok(R"(
short-name-mode = "enforcing"
[aliases]
"x" = "b.io/x"
"y" = ""
[[registry]]
location = "a.io"
blocked = true
)",
                                       "drop-in.conf"));
  EXPECT_EQ(conf.search, (std::vector<std::string>{"a.io", "b.io"}));  // not set by the drop-in: kept
  EXPECT_EQ(conf.short_name_mode, ShortNameMode::enforcing);
  EXPECT_EQ(conf.aliases.at("x"), "b.io/x");
  EXPECT_EQ(conf.aliases.count("y"), 0u);  // an empty alias erases
  ASSERT_EQ(conf.registries.size(), 1u);
  EXPECT_TRUE(conf.registries[0].blocked);
  EXPECT_FALSE(conf.registries[0].insecure);  // the entry is replaced whole
  merge_registries_conf(conf, parse_ok("unqualified-search-registries = []\n", "last.conf"));
  EXPECT_TRUE(conf.search.empty());
  EXPECT_EQ(conf.files, (std::vector<std::string>{"main.conf", "drop-in.conf", "last.conf"}));
}

TEST(RegistriesConf, PrefixesMatchWholeComponentsAndTheLongestWins) {
  EXPECT_TRUE(registry_prefix_matches("example.com", "example.com/a:1"));
  EXPECT_TRUE(registry_prefix_matches("example.com/foo", "example.com/foo/bar:1"));
  EXPECT_TRUE(registry_prefix_matches("example.com/foo", "example.com/foo:1"));
  EXPECT_TRUE(registry_prefix_matches("example.com/foo", "example.com/foo@sha256:00"));
  EXPECT_FALSE(registry_prefix_matches("example.com/foo", "example.com/foobar:1"));
  EXPECT_FALSE(registry_prefix_matches("example.com", "example.com:5000/a:1"));  // another port is another registry
  EXPECT_FALSE(registry_prefix_matches("example.com", "example.community/a:1"));
  EXPECT_TRUE(registry_prefix_matches("*.example.com", "a.example.com/x:1"));
  EXPECT_TRUE(registry_prefix_matches("*.example.com", "b.a.example.com/x:1"));
  EXPECT_FALSE(registry_prefix_matches("*.example.com", "example.com/x:1"));

  auto conf = parse_ok(R"(
[[registry]]
location = "example.com"
insecure = true
[[registry]]
prefix = "example.com/foo"
location = "elsewhere.io/bar"
)");
  const RegistryEntry* entry = find_registry(conf, reference_of("example.com/foo/app:1"));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->prefix, "example.com/foo");
  entry = find_registry(conf, reference_of("example.com/other:1"));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->prefix, "example.com");
  EXPECT_EQ(find_registry(conf, reference_of("quay.io/x:1")), nullptr);
}

TEST(RegistriesConf, PullTriesAllowedMirrorsThenTheRewrittenLocation) {
  auto conf = parse_ok(R"(
[[registry]]
prefix = "example.com/foo"
location = "internal.example.net/bar"
[[registry.mirror]]
location = "m1.local/foo"
[[registry.mirror]]
location = "m2.local:5000/mirrors/foo"
insecure = true
pull-from-mirror = "digest-only"
)");
  auto tagged = pull_endpoints(conf, reference_of("example.com/foo/app:1"));
  ASSERT_TRUE(tagged) << tagged.error().what();
  EXPECT_EQ(names(*tagged), (std::vector<std::string>{"m1.local/foo/app:1", "internal.example.net/bar/app:1"}));
  EXPECT_TRUE((*tagged)[0].mirror);
  EXPECT_FALSE((*tagged)[1].mirror);

  std::string digest = "sha256:" + std::string(64, 'a');
  auto pinned = pull_endpoints(conf, reference_of("example.com/foo/app@" + digest));
  ASSERT_TRUE(pinned) << pinned.error().what();
  EXPECT_EQ(names(*pinned),
            (std::vector<std::string>{"m1.local/foo/app@" + digest, "m2.local:5000/mirrors/foo/app@" + digest,
                                      "internal.example.net/bar/app@" + digest}));
  EXPECT_TRUE((*pinned)[1].insecure);

  auto other = pull_endpoints(conf, reference_of("quay.io/x:1"));
  ASSERT_TRUE(other);
  EXPECT_EQ(names(*other), (std::vector<std::string>{"quay.io/x:1"}));

  auto by_digest_only = parse_ok(
      "[[registry]]\nlocation = \"a.io\"\nmirror-by-digest-only = true\n"
      "[[registry.mirror]]\nlocation = \"m.io\"\n");
  EXPECT_EQ(names(*pull_endpoints(by_digest_only, reference_of("a.io/x:1"))), (std::vector<std::string>{"a.io/x:1"}));
  EXPECT_EQ(names(*pull_endpoints(by_digest_only, reference_of("a.io/x@" + digest))),
            (std::vector<std::string>{"m.io/x@" + digest, "a.io/x@" + digest}));
}

TEST(RegistriesConf, DockerIoLibraryIsRewrittenOnlyWhenThePrefixSaysSo) {
  auto conf = parse_ok(R"(
[[registry]]
prefix = "docker.io/library"
location = "mirror.local/hub"
)");
  EXPECT_EQ(names(*pull_endpoints(conf, reference_of("busybox"))),
            (std::vector<std::string>{"mirror.local/hub/busybox:latest"}));
  EXPECT_EQ(names(*pull_endpoints(conf, reference_of("user/app"))),
            (std::vector<std::string>{"docker.io/user/app:latest"}));
}

TEST(RegistriesConf, BlockedRegistriesAreRefusedNamingTheRegistryAndTheFile) {
  auto conf = parse_ok("[[registry]]\nlocation = \"evil.example\"\nblocked = true\n", "/etc/r.conf");
  auto pull = pull_endpoints(conf, reference_of("evil.example/x:1"));
  ASSERT_FALSE(pull);
  EXPECT_TRUE(pull.error().is(ErrorKind::permission_denied));
  EXPECT_EQ(pull.error().message, "registry evil.example is blocked by /etc/r.conf:1 (prefix \"evil.example\")");
  auto blocked_push = push_endpoint(conf, reference_of("evil.example/x:1"));
  ASSERT_FALSE(blocked_push);
  EXPECT_EQ(blocked_push.error().message, pull.error().message);
  auto push = push_endpoint(parse_ok("[[registry]]\nlocation = \"a.io\"\ninsecure = true\n"), reference_of("a.io/x"));
  ASSERT_TRUE(push);
  EXPECT_TRUE(push->insecure);
  EXPECT_EQ(push->reference.string(), "a.io/x:latest");
}

TEST(RegistriesConf, ShortNamesResolveByAliasThenSearchRegistries) {
  std::string digest = "sha256:" + std::string(64, 'b');
  // Nothing configured: docker.io, as Docker.
  auto plain = short_name_candidates(RegistriesConf{}, reference_of("busybox:1"), "busybox:1");
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->size(), 1u);
  EXPECT_EQ(plain->front().string(), "docker.io/library/busybox:1");

  auto conf = parse_ok(R"(
unqualified-search-registries = ["quay.io", "docker.io"]
[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
)");
  auto alias = short_name_candidates(conf, reference_of("fedora@" + digest), "fedora@" + digest);
  ASSERT_TRUE(alias);
  ASSERT_EQ(alias->size(), 1u);
  EXPECT_EQ(alias->front().string(), "registry.fedoraproject.org/fedora@" + digest);

  auto both = short_name_candidates(conf, reference_of("busybox"), "busybox");  // permissive by default
  ASSERT_TRUE(both) << both.error().what();
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].string(), "quay.io/busybox:latest");
  EXPECT_EQ((*both)[1].string(), "docker.io/library/busybox:latest");

  auto qualified = short_name_candidates(conf, reference_of("quay.io/a/b:2"), "quay.io/a/b:2");
  ASSERT_TRUE(qualified);
  EXPECT_EQ(qualified->front().string(), "quay.io/a/b:2");

  merge_registries_conf(conf, parse_ok("short-name-mode = \"enforcing\"\n", "enforce.conf"));
  auto ambiguous = short_name_candidates(conf, reference_of("user/app:3"), "user/app:3");
  ASSERT_FALSE(ambiguous);
  EXPECT_TRUE(ambiguous.error().is(ErrorKind::invalid_input));
  EXPECT_EQ(ambiguous.error().message,
            "short name \"user/app:3\" is ambiguous: it may be quay.io/user/app:3, docker.io/user/app:3 "
            "(short-name-mode \"enforcing\" in enforce.conf); ward does not prompt: name the registry, or add an "
            "alias");

  merge_registries_conf(conf, parse_ok("unqualified-search-registries = [\"quay.io\"]\n"));
  auto one = short_name_candidates(conf, reference_of("user/app:3"), "user/app:3");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->front().string(), "quay.io/user/app:3");
}

TEST(RegistriesConf, FilesComeFromTheEnvironmentOverride) {
  test_support::TempDir dir("ward-registries-conf");
  std::string file = dir.path() + "/registries.conf";
  ASSERT_TRUE(sys::write_file_atomic(file, "unqualified-search-registries = [\"quay.io\"]\n", 0644));
  ::setenv("CONTAINERS_REGISTRIES_CONF", file.c_str(), 1);
  auto conf = load_registries_conf();
  auto missing_file = dir.path() + "/none.conf";
  ::setenv("CONTAINERS_REGISTRIES_CONF", missing_file.c_str(), 1);
  auto missing = load_registries_conf();
  ::unsetenv("CONTAINERS_REGISTRIES_CONF");
  ASSERT_TRUE(conf) << conf.error().what();
  EXPECT_EQ(conf->files, (std::vector<std::string>{file}));
  EXPECT_EQ(conf->search, (std::vector<std::string>{"quay.io"}));
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is(ErrorKind::not_found));
}

TEST(RegistryCerts, CertsDirGivesEveryCaAndTheClientPair) {
  test_support::TempDir dir("ward-certs");
  std::string host = dir.path() + "/first/127.0.0.1:5000";
  ASSERT_TRUE(sys::mkdir_all(host));
  ASSERT_TRUE(sys::write_file_atomic(host + "/a.crt", "CA-A", 0644));
  ASSERT_TRUE(sys::write_file_atomic(host + "/b.crt", "CA-B\n", 0644));
  ASSERT_TRUE(sys::write_file_atomic(host + "/client.cert", "CERT", 0644));
  ASSERT_TRUE(sys::write_file_atomic(host + "/client.key", "KEY", 0644));
  ASSERT_TRUE(sys::mkdir_all(dir.path() + "/second/127.0.0.1:5000"));
  ASSERT_TRUE(sys::write_file_atomic(dir.path() + "/second/127.0.0.1:5000/c.crt", "CA-C", 0644));

  auto found = find_certs({dir.path() + "/none", dir.path() + "/first", dir.path() + "/second"}, "127.0.0.1:5000");
  ASSERT_TRUE(found) << found.error().what();
  EXPECT_EQ(found->ca_pem, "CA-A\nCA-B\n");  // the first directory that has the host
  EXPECT_EQ(found->ca_files, (std::vector<std::string>{host + "/a.crt", host + "/b.crt"}));
  EXPECT_EQ(found->cert_file, host + "/client.cert");
  EXPECT_EQ(found->key_file, host + "/client.key");

  auto other = find_certs({dir.path() + "/first"}, "127.0.0.1:5001");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->ca_pem.empty() && other->cert_file.empty());

  ASSERT_TRUE(sys::write_file_atomic(host + "/lonely.cert", "CERT", 0644));
  auto unpaired = find_certs({dir.path() + "/first"}, "127.0.0.1:5000");
  ASSERT_FALSE(unpaired);
  EXPECT_NE(unpaired.error().message.find("lonely.cert has no key " + host + "/lonely.key"), std::string::npos)
      << unpaired.error().message;
}

TEST(RegistryCerts, WardCertsDirReplacesTheDefaults) {
  ::setenv("WARD_CERTS_DIR", "/tmp/ward-test-certs", 1);
  auto dirs = default_certs_dirs();
  ::unsetenv("WARD_CERTS_DIR");
  EXPECT_EQ(dirs, (std::vector<std::string>{"/tmp/ward-test-certs"}));
  auto defaults = default_certs_dirs();
  ASSERT_GE(defaults.size(), 2u);
  EXPECT_EQ(defaults[defaults.size() - 2], "/etc/containers/certs.d");
  EXPECT_EQ(defaults.back(), "/etc/docker/certs.d");
}

TEST(RegistryUpload, ChunkRangesAreInclusiveWithoutAUnit) {
  EXPECT_EQ(upload_content_range(0, kChunkedUploadThreshold), "0-8388607");
  EXPECT_EQ(upload_content_range(kChunkedUploadThreshold, 10), "8388608-8388617");
}

}  // namespace
}  // namespace ward::image
