// A real registry for the registry verbs' tests: Debian's docker-registry
// (distribution 2.8) serving plain HTTP on 127.0.0.1 on a free port, with
// its own config, storage dir and log under a test's dir, optionally behind
// htpasswd basic auth.  Started by the test and stopped by the PID it got
// (never by name), even when the test fails.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "clients_support.h"
#include "support.h"
#include "util/fd.h"

namespace ward::test {

// A TCP port on 127.0.0.1 nobody listened on a moment ago.
inline int free_local_port() {
  UniqueFd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!socket_fd || ::bind(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  socklen_t length = sizeof address;
  if (::getsockname(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
  return ntohs(address.sin_port);
}

// Whether something accepts connections on 127.0.0.1:port.
inline bool port_accepts(int port) {
  UniqueFd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return socket_fd && ::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// What 127.0.0.1:port answers to a plain-HTTP GET of `path` (its first
// bytes; empty when nothing answers within the socket's 10 s timeout).
inline std::string plain_http_get(int port, const std::string& path) {
  UniqueFd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  timeval timeout{.tv_sec = 10, .tv_usec = 0};
  (void)::setsockopt(socket_fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (!socket_fd || ::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return "";
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::write(socket_fd.get(), request.data(), request.size()) != static_cast<ssize_t>(request.size())) return "";
  char buffer[512];
  ssize_t got = ::read(socket_fd.get(), buffer, sizeof buffer);
  return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "";
}

class LocalRegistry {
 public:
  // `auth`: the config's auth section (htpasswd_auth, token_auth), or
  // empty for none.  `tls`: serve HTTPS only, with a self-signed
  // certificate made here, or with `tls_section` (the config's http.tls,
  // from tls_config()) when one is given.
  LocalRegistry(const std::string& dir, const std::string& auth = "", bool tls = false,
                const std::string& tls_section = "")
      : dir_(dir) {
    port_ = free_local_port();
    EXPECT_GT(port_, 0);
    std::string config = fmt::format(
        "version: 0.1\n"
        "log:\n  level: info\n"
        "storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n"
        "http:\n  addr: 127.0.0.1:{}\n",
        storage(), port_);
    if (!tls_section.empty()) {
      config += tls_section;
    } else if (tls) {
      auto made = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir_ + "/key.pem",
                               "-out", dir_ + "/cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1"});
      EXPECT_EQ(made.status, 0) << made.err;
      config += fmt::format("  tls:\n    certificate: {0}/cert.pem\n    key: {0}/key.pem\n", dir_);
    }
    config += auth;
    write_text(dir_ + "/config.yml", config);
    pid_ = spawn_daemon({"docker-registry", "serve", dir_ + "/config.yml"}, log_path());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (pid_ > 0 && !port_accepts(port_) && std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;  // it exited (its log says why): nothing to stop
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(port_accepts(port_)) << read_text(log_path());
  }
  ~LocalRegistry() {
    if (pid_ > 0) stop_daemon(pid_, 10);
  }
  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;

  // Basic auth checked against a file of user:bcrypt lines.
  static std::string htpasswd_auth(const std::string& file) {
    return fmt::format("auth:\n  htpasswd:\n    realm: ward-test\n    path: {}\n", file);
  }
  // http.tls with a certificate and key, and the CAs a client certificate
  // must chain to (none: no client certificate asked for).
  static std::string tls_config(const std::string& certificate, const std::string& key,
                                const std::vector<std::string>& client_cas = {}) {
    std::string section = fmt::format("  tls:\n    certificate: {}\n    key: {}\n", certificate, key);
    if (!client_cas.empty()) {
      section += "    clientcas:\n";
      for (const auto& ca : client_cas) section += fmt::format("      - {}\n", ca);
    }
    return section;
  }
  // Bearer tokens from `realm`, signed by the key of `certificate`.
  static std::string token_auth(const std::string& realm, const std::string& certificate) {
    return fmt::format(
        "auth:\n  token:\n    realm: {}\n    service: ward-registry\n    issuer: ward-test-issuer\n"
        "    rootcertbundle: {}\n",
        realm, certificate);
  }

  [[nodiscard]] std::string host() const { return fmt::format("127.0.0.1:{}", port_); }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string storage() const { return dir_ + "/storage"; }
  [[nodiscard]] std::string log_path() const { return dir_ + "/registry.log"; }
  [[nodiscard]] std::string log() const { return read_text(log_path()); }
  // The file that holds a blob's bytes in the filesystem driver's layout.
  [[nodiscard]] std::string blob_file(const std::string& digest) const {
    std::string hex = digest.substr(7);
    return fmt::format("{}/docker/registry/v2/blobs/sha256/{}/{}/data", storage(), hex.substr(0, 2), hex);
  }

 private:
  std::string dir_;
  int port_ = -1;
  pid_t pid_ = -1;
};

// Sets (or, with nullopt, unsets) an environment variable for the scope of
// a test (ward and the registry inherit it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace ward::test
