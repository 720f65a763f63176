// The fixture of the registry verbs' tests (registry_test.cc,
// registry_config_test.cc, registry_transfer_test.cc): a store of its own,
// credentials, registries.conf (CONTAINERS_REGISTRIES_CONF, empty unless a
// test writes it) and certs.d (WARD_CERTS_DIR) in the test's dir, never the
// user's or the host's; one LocalRegistry, filled by skopeo from ward's
// built-in busybox.  Defined once here so every file's tests share the one
// fixture gtest requires of a suite.
#pragma once

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image/digest.h"
#include "images_support.h"
#include "registry_support.h"
#include "support.h"

namespace ward::test {

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

inline std::size_t lines_of(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

inline std::string sha256_of(const std::string& bytes) {
  auto digest = image::digest_of(bytes);
  return digest ? digest->string() : "";
}

class Registries : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    // Credentials of these tests stay in the test's dir, never the user's.
    // (REGISTRY_* would also reconfigure docker-registry: REGISTRY_AUTH_FILE
    // sets its auth.file, so containers' file is found by XDG_RUNTIME_DIR.)
    docker_config_ = std::make_unique<ScopedEnv>("DOCKER_CONFIG", dir_ + "/docker-config");
    auth_file_ = std::make_unique<ScopedEnv>("REGISTRY_AUTH_FILE", std::nullopt);
    runtime_dir_ = std::make_unique<ScopedEnv>("XDG_RUNTIME_DIR", dir_ + "/run");
    // Neither the host's registries.conf nor its certs.d: the test's own.
    write_text(dir_ + "/registries.conf", "");
    registries_conf_ = std::make_unique<ScopedEnv>("CONTAINERS_REGISTRIES_CONF", dir_ + "/registries.conf");
    certs_dir_ = std::make_unique<ScopedEnv>("WARD_CERTS_DIR", dir_ + "/certs.d");
  }
  void TearDown() override {
    registry_.reset();
    docker_config_.reset();
    auth_file_.reset();
    runtime_dir_.reset();
    registries_conf_.reset();
    certs_dir_.reset();
    ImageStoreTest::TearDown();
  }

  LocalRegistry& start_registry(const std::string& auth = "", bool tls = false, const std::string& tls_section = "") {
    std::string where = dir_ + "/registry";
    std::filesystem::create_directories(where);
    registry_ = std::make_unique<LocalRegistry>(where, auth, tls, tls_section);
    return *registry_;
  }

  // The built-in busybox as an OCI archive, made in a store of its own.
  std::string busybox_archive() {
    std::string file = dir_ + "/busybox-oci.tar";
    if (exists(file)) return file;
    auto saved = run_command(
        {WARD_FRONT_BINARY, "--root", dir_ + "/maker", "save", "--format", "oci-archive", "-o", file, "busybox"}, "",
        120);
    EXPECT_EQ(saved.status, 0) << saved.err;
    return file;
  }

  Outcome skopeo(std::vector<std::string> args) {
    args.insert(args.begin(), "skopeo");
    return run_command(args, "", 120);
  }

  // Copies the busybox archive to the registry as REPO:TAG; returns the
  // manifest digest the registry holds.
  std::string fill(const std::string& repository, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"copy", "--quiet", "--dest-tls-verify=false"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("oci-archive:" + busybox_archive());
    args.push_back("docker://" + registry_->host() + "/" + repository);
    auto copied = skopeo(args);
    EXPECT_EQ(copied.status, 0) << copied.err;
    return remote_digest(repository, extra);
  }

  std::string remote_digest(const std::string& repository, const std::vector<std::string>& creds = {}) {
    std::vector<std::string> args = {"inspect", "--tls-verify=false"};
    for (const auto& arg : creds)
      if (arg.starts_with("--dest-creds=")) args.push_back("--creds=" + arg.substr(13));
    args.push_back("docker://" + registry_->host() + "/" + repository);
    auto inspected = skopeo(args);
    EXPECT_EQ(inspected.status, 0) << inspected.err;
    if (inspected.status != 0) return "";
    return nlohmann::json::parse(inspected.out).value("Digest", "");
  }

  // One line on stderr, "ward: VERB: ...", naming `what`.
  static void expect_one_error_line(const Outcome& outcome, const std::string& verb, const std::string& what) {
    EXPECT_EQ(outcome.status, 1) << outcome.out << outcome.err;
    EXPECT_EQ(lines_of(outcome.err), 1u) << outcome.err;
    EXPECT_TRUE(outcome.err.starts_with("ward: " + verb + ": ")) << outcome.err;
    EXPECT_NE(outcome.err.find(what), std::string::npos) << outcome.err;
  }

  std::unique_ptr<ScopedEnv> docker_config_, auth_file_, runtime_dir_, registries_conf_, certs_dir_;
  std::unique_ptr<LocalRegistry> registry_;
};

}  // namespace ward::test
