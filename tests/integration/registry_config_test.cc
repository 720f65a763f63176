// registries.conf and TLS against real registries (Debian's docker-registry
// on 127.0.0.1, started per test): short names searched and aliased,
// mirrors tried before the location, blocked and insecure registries,
// --tls-verify=false, certs.d CAs and client certificates from a CA the
// test makes with openssl.
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

// A CA of the test's own, a server certificate for 127.0.0.1 and a client
// certificate, both signed by it (EC keys: quick to make).
struct TestPki {
  std::string ca, server_cert, server_key, client_cert, client_key;
};

TestPki make_pki(const std::string& dir, const std::string& name) {
  std::filesystem::create_directories(dir);
  auto openssl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    auto outcome = run_command(args, "", 60);
    EXPECT_EQ(outcome.status, 0) << outcome.err;
  };
  std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  auto with_key = [&](std::vector<std::string> args) {
    args.insert(args.begin() + 1, ec.begin(), ec.end());
    return args;
  };
  TestPki pki{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key", dir + "/client.cert", dir + "/client.key"};
  openssl(with_key(
      {"req", "-x509", "-keyout", dir + "/ca.key", "-out", pki.ca, "-days", "2", "-subj", "/CN=ward-test-" + name}));
  auto sign = [&](const std::string& subject, const std::string& key, const std::string& cert,
                  const std::string& extensions) {
    write_text(dir + "/ext.cnf", extensions);
    openssl(with_key({"req", "-keyout", key, "-out", dir + "/request.csr", "-subj", subject}));
    openssl({"x509", "-req", "-in", dir + "/request.csr", "-CA", pki.ca, "-CAkey", dir + "/ca.key", "-CAcreateserial",
             "-out", cert, "-days", "2", "-extfile", dir + "/ext.cnf"});
  };
  sign("/CN=127.0.0.1", pki.server_key, pki.server_cert, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  sign("/CN=ward-test-client", pki.client_key, pki.client_cert, "extendedKeyUsage=clientAuth\n");
  return pki;
}

TEST_F(Registries, ShortNamesAreSearchedInOrderOrAliasedAndAmbiguityIsRefusedWhenEnforcing) {
  auto& registry = start_registry();
  std::string digest = fill("tools/bb:latest");
  int dead_port = free_local_port();  // nothing listens there
  std::string dead = fmt::format("127.0.0.1:{}", dead_port);
  std::string name = registry.host() + "/tools/bb";

  // Permissive (the default): the first search registry fails, the next has it.
  write_text(dir_ + "/registries.conf",
             fmt::format("unqualified-search-registries = [\"{}\", \"{}\"]\n", dead, registry.host()));
  auto pulled = ward({"pull", "tools/bb"});
  ASSERT_EQ(pulled.status, 0) << pulled.err;
  EXPECT_EQ(pulled.out, "Using default tag: latest\nlatest: Pulling from tools/bb\nDigest: " + digest +
                            "\nStatus: Downloaded newer image for " + name + ":latest\n" + name + ":latest\n");
  EXPECT_EQ(inspect(name + ":latest")["RepoTags"], json::array({name + ":latest"}));

  // Enforcing: two candidates and no terminal: one line naming both.
  write_text(dir_ + "/registries.conf",
             fmt::format("unqualified-search-registries = [\"{}\", \"{}\"]\nshort-name-mode = \"enforcing\"\n", dead,
                         registry.host()));
  auto ambiguous = ward({"pull", "tools/bb:latest"});
  expect_one_error_line(ambiguous, "pull", "short name \"tools/bb:latest\" is ambiguous");
  EXPECT_NE(ambiguous.err.find(dead + "/tools/bb:latest, " + name + ":latest"), std::string::npos) << ambiguous.err;

  // An alias wins over the search list, whatever the mode; its tag is kept.
  write_text(dir_ + "/registries.conf",
             fmt::format("unqualified-search-registries = [\"{}\", \"{}\"]\nshort-name-mode = \"enforcing\"\n"
                         "[aliases]\n\"mybb\" = \"{}\"\n",
                         dead, registry.host(), name));
  ASSERT_EQ(ward({"rmi", name + ":latest"}).status, 0);
  auto aliased = ward({"pull", "-q", "mybb:latest"});
  ASSERT_EQ(aliased.status, 0) << aliased.err;
  EXPECT_EQ(aliased.out, name + ":latest\n");

  // Every candidate failing: one line naming each.
  write_text(dir_ + "/registries.conf",
             fmt::format("unqualified-search-registries = [\"{}\", \"{}\"]\n", dead, registry.host()));
  auto missing = ward({"pull", "tools/none"});
  expect_one_error_line(missing, "pull", "tools/none: no search registry has it");
  EXPECT_NE(missing.err.find(dead + "/tools/none:latest: "), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find(registry.host() + "/tools/none:latest: "), std::string::npos) << missing.err;

  // A bad file: one line naming file, line and key, before any network.
  write_text(dir_ + "/registries.conf", "unqualified-search-registries = [\"quay.io\"]\nsearch = 1\n");
  expect_one_error_line(ward({"pull", "tools/bb"}), "pull", dir_ + "/registries.conf:2: search: unknown key");
}

TEST_F(Registries, MirrorIsTriedFirstAndTheLocationServesWhenItFails) {
  auto& primary = start_registry();
  fill("lib/bb:latest");
  std::string mirror_dir = dir_ + "/mirror";
  std::filesystem::create_directories(mirror_dir);
  auto mirror = std::make_unique<LocalRegistry>(mirror_dir);
  auto copied = skopeo({"copy", "--quiet", "--dest-tls-verify=false", "oci-archive:" + busybox_archive(),
                        "docker://" + mirror->host() + "/mirrored/bb:latest"});
  ASSERT_EQ(copied.status, 0) << copied.err;
  // The logical name lives nowhere: only the location and its mirror are asked.
  write_text(dir_ + "/registries.conf", fmt::format("[[registry]]\nprefix = \"registry.example.invalid/lib\"\n"
                                                    "location = \"{}/lib\"\n[[registry.mirror]]\n"
                                                    "location = \"{}/mirrored\"\n",
                                                    primary.host(), mirror->host()));
  std::string name = "registry.example.invalid/lib/bb:latest";
  std::size_t primary_before = primary.log().size();  // skopeo's requests of the fill
  auto from_mirror = ward({"pull", name});
  ASSERT_EQ(from_mirror.status, 0) << from_mirror.err;
  EXPECT_NE(from_mirror.out.find("Status: Downloaded newer image for " + name + "\n"), std::string::npos)
      << from_mirror.out;
  EXPECT_EQ(inspect(name)["RepoTags"], json::array({name}));
  EXPECT_NE(mirror->log().find("\"GET /v2/mirrored/bb/manifests/latest"), std::string::npos) << mirror->log();
  EXPECT_EQ(primary.log().find("/v2/lib/bb/manifests/latest", primary_before), std::string::npos) << primary.log();

  // The mirror gone: the location answers.
  mirror.reset();
  ASSERT_EQ(ward({"rmi", name}).status, 0);
  expect_empty_store();
  auto from_location = ward({"pull", "-q", name});
  ASSERT_EQ(from_location.status, 0) << from_location.err;
  EXPECT_EQ(from_location.out, name + "\n");
  EXPECT_NE(primary.log().find("\"GET /v2/lib/bb/manifests/latest", primary_before), std::string::npos)
      << primary.log();
}

TEST_F(Registries, BlockedRegistryIsRefusedNamingItForPullAndPush) {
  auto& registry = start_registry();
  fill("bb:latest");
  write_text(dir_ + "/registries.conf",
             fmt::format("\n[[registry]]\nlocation = \"{}\"\nblocked = true\n", registry.host()));
  std::string expected = fmt::format("registry {} is blocked by {}/registries.conf:", registry.host(), dir_);
  expect_one_error_line(ward({"pull", registry.host() + "/bb"}), "pull", expected);
  expect_empty_store();
  ASSERT_EQ(ward({"tag", "busybox", registry.host() + "/bb:2"}).status, 0);
  expect_one_error_line(ward({"push", registry.host() + "/bb:2"}), "push", expected);
  EXPECT_EQ(registry.log().find("/v2/bb/manifests/2"), std::string::npos) << registry.log();
}

TEST_F(Registries, TlsIsVerifiedAgainstTheCertsDirCaUnlessInsecureOrTlsVerifyFalse) {
  TestPki pki = make_pki(dir_ + "/pki", "right");
  TestPki other = make_pki(dir_ + "/pki-other", "other");
  auto& registry = start_registry("", true, LocalRegistry::tls_config(pki.server_cert, pki.server_key));
  std::string digest = fill("bb:latest");
  ASSERT_TRUE(digest.starts_with("sha256:"));
  std::string name = registry.host() + "/bb:latest";
  std::string host_dir = dir_ + "/certs.d/" + registry.host();
  std::filesystem::create_directories(host_dir);

  // A CA that did not sign the registry's certificate: verified, refused.
  write_text(host_dir + "/ca.crt", read_text(other.ca));
  auto refused = ward({"pull", name});
  expect_one_error_line(refused, "pull", "TLS: ");
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--tls-verify=false"), std::string::npos) << refused.err;
  expect_empty_store();

  // --tls-verify=false: not verified, for pull, push and login alike.
  auto unverified = ward({"pull", "-q", "--tls-verify=false", name});
  ASSERT_EQ(unverified.status, 0) << unverified.err;
  ASSERT_EQ(ward({"tag", name, registry.host() + "/bb:again"}).status, 0);
  auto pushed = ward({"push", "-q", "--tls-verify=false", registry.host() + "/bb:again"});
  EXPECT_EQ(pushed.status, 0) << pushed.err;
  expect_one_error_line(ward({"push", registry.host() + "/bb:again"}), "push", "TLS: ");
  ASSERT_EQ(ward({"rmi", name, registry.host() + "/bb:again"}).status, 0);

  // insecure = true in registries.conf: the same for that registry only.
  write_text(dir_ + "/registries.conf",
             fmt::format("[[registry]]\nlocation = \"{}\"\ninsecure = true\n", registry.host()));
  auto insecure = ward({"pull", "-q", name});
  ASSERT_EQ(insecure.status, 0) << insecure.err;
  ASSERT_EQ(ward({"rmi", name}).status, 0);
  write_text(dir_ + "/registries.conf", "");

  // The CA that signed it: verified and accepted.
  write_text(host_dir + "/ca.crt", read_text(pki.ca));
  auto verified = ward({"pull", name});
  ASSERT_EQ(verified.status, 0) << verified.err;
  EXPECT_NE(verified.out.find("Digest: " + digest), std::string::npos) << verified.out;
}

TEST_F(Registries, ClientCertificateFromTheCertsDirIsPresented) {
  TestPki pki = make_pki(dir_ + "/pki", "mutual");
  auto& registry = start_registry("", true, LocalRegistry::tls_config(pki.server_cert, pki.server_key, {pki.ca}));
  std::string host_dir = dir_ + "/certs.d/" + registry.host();
  std::filesystem::create_directories(host_dir);
  write_text(host_dir + "/ca.crt", read_text(pki.ca));
  write_text(host_dir + "/client.cert", read_text(pki.client_cert));
  write_text(host_dir + "/client.key", read_text(pki.client_key));
  // skopeo takes the same directory layout.
  auto copied = skopeo({"copy", "--quiet", "--dest-cert-dir", host_dir, "oci-archive:" + busybox_archive(),
                        "docker://" + registry.host() + "/bb:latest"});
  ASSERT_EQ(copied.status, 0) << copied.err;
  std::string name = registry.host() + "/bb:latest";

  auto with_client = ward({"pull", "-q", name});
  ASSERT_EQ(with_client.status, 0) << with_client.err;
  ASSERT_EQ(ward({"rmi", name}).status, 0);

  // Without the client certificate the registry ends the handshake (curl's
  // reason varies with where the TLS 1.3 alert is read).
  std::filesystem::remove(host_dir + "/client.cert");
  std::filesystem::remove(host_dir + "/client.key");
  auto without = ward({"pull", name});
  expect_one_error_line(without, "pull", "registry " + registry.host() + ": GET https://");
  expect_empty_store();

  // A certificate without its key is refused by name before any request.
  write_text(host_dir + "/client.cert", read_text(pki.client_cert));
  expect_one_error_line(ward({"pull", name}), "pull", "client.cert has no key");
}

}  // namespace
}  // namespace ward::test
