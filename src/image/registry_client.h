// A client of one repository on one registry, the distribution spec v2
// (docs/REGISTRIES.md):
//   GET/HEAD /v2/                                  ping, auth challenge
//   GET  /v2/<name>/manifests/<tag|digest>         Accept: OCI and Docker schema 2
//   GET  /v2/<name>/blobs/<digest>                 streamed, resumed with Range
//   HEAD /v2/<name>/blobs/<digest>                 exists?
//   POST /v2/<name>/blobs/uploads/[?mount=&from=]  then PUT <location>?digest=
//     (a blob above kChunkedUploadThreshold: PATCH <location> chunks with
//     Content-Range, each to the Location the last answer gave, then the PUT)
//   PUT  /v2/<name>/manifests/<tag>
// Auth: anonymous, Basic, or the Bearer token flow (realm, service, scope);
// a 401 asks for a token with the scopes it names and retries once.
// Transport: HTTPS, verified with the system's CAs plus the certs.d
// directory of the host (containers-certs.d(5): HOST[:PORT]/*.crt are CAs,
// NAME.cert with NAME.key a client certificate).  Not verified, and plain
// HTTP allowed after HTTPS failed to connect, only with tls_verify off
// (--tls-verify=false, insecure in registries.conf) or for localhost,
// 127.0.0.0/8 and ::1 (as Docker) when certs.d holds no CA for them.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "image/blob_store.h"
#include "image/digest.h"
#include "image/registry_auth.h"
#include "image/registry_http.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::image {

// The host that serves a reference's domain: docker.io is registry-1.docker.io.
[[nodiscard]] std::string registry_host(std::string_view domain);
// localhost, 127.0.0.0/8 and ::1 (with or without a port): plain HTTP allowed.
[[nodiscard]] bool is_loopback_registry(std::string_view host);
// The Accept header of a manifest GET: OCI manifest and index, Docker schema
// 2 and manifest list; never schema 1, which ward refuses.
[[nodiscard]] std::string manifest_accept_header();
// The token request's URL for a Bearer challenge: realm?service=..&scope=..
// (one scope parameter per scope, as the token spec says).
[[nodiscard]] Result<std::string> token_url(const AuthChallenge& challenge, const std::set<std::string>& scopes);
// Adds the scopes a Bearer challenge names: its scope parameter holds one
// or more, separated by spaces ("repository:a:pull,push repository:b:pull").
void add_challenge_scopes(const AuthChallenge& challenge, std::set<std::string>& scopes);
// A Location header made absolute against the registry's base URL.
[[nodiscard]] std::string resolve_location(std::string_view base_url, std::string_view location);
// Appends `key=value` (value URL-escaped by the caller) with ? or &.
[[nodiscard]] std::string add_query(std::string_view url, std::string_view key, std::string_view value);

// The media type of a fetched manifest: the Content-Type's, else (none,
// application/json, text/plain) the document's mediaType, or schema 1 for a
// body with schemaVersion 1.  Schema 1 is refused (unsupported, naming it
// and `what`): ward pulls only schema 2 and OCI images.
[[nodiscard]] Result<std::string> manifest_media_type(std::string_view content_type, std::string_view body,
                                                      std::string_view what);

// Range resume: after `have` bytes of a blob were stored, a retry asked for
// "Range: bytes=have-".  How many bytes of the new response's body to drop:
// 0 for a 206 starting at `have`, `have` for a 200 (the server ignored the
// Range), invalid_input for a 206 that starts elsewhere.
[[nodiscard]] Result<std::uint64_t> resume_skip(std::uint64_t have, long status, std::string_view content_range);

// Where certs.d directories are looked for, in order: $WARD_CERTS_DIR
// alone when set (tests); else for a non-root user
// $HOME/.config/containers/certs.d, then /etc/containers/certs.d and
// /etc/docker/certs.d.
[[nodiscard]] std::vector<std::string> default_certs_dirs();

struct CertsFiles {
  std::string ca_pem;  // every *.crt, concatenated
  std::vector<std::string> ca_files;
  std::string cert_file;  // the first NAME.cert (by name) that has its NAME.key
  std::string key_file;
};
// What DIR/HOST/ holds, for the first of `dirs` that has HOST (HOST as in
// the reference, "127.0.0.1:5000").  invalid_input for a NAME.cert without
// NAME.key or a NAME.key without NAME.cert, naming the file.
[[nodiscard]] Result<CertsFiles> find_certs(const std::vector<std::string>& dirs, std::string_view host);

// Blobs larger than this go up in PATCH chunks of this size.
inline constexpr std::uint64_t kChunkedUploadThreshold = std::uint64_t{8} << 20;

// The Content-Range of an upload chunk: "START-END", END inclusive, as the
// distribution spec writes it (no "bytes " unit).
[[nodiscard]] std::string upload_content_range(std::uint64_t offset, std::uint64_t length);

struct RegistryOptions {
  bool tls_verify = true;
  bool push = false;  // ask for push scope too
  // Where certs.d directories are looked for; empty: default_certs_dirs().
  std::vector<std::string> certs_dirs;
  std::optional<Credentials> credentials;  // when set, instead of the credential files
};

struct FetchedManifest {
  std::string body;
  std::string media_type;  // Content-Type, or the document's mediaType
  Digest digest;           // of the body (checked against Docker-Content-Digest)
};

class RegistryClient {
 public:
  // `domain` as in a reference ("docker.io", "127.0.0.1:5000"),
  // `repository` its path ("library/busybox").  Pings the registry: picks
  // the scheme and reads its auth challenge.
  [[nodiscard]] static Result<RegistryClient> connect(std::string domain, std::string repository,
                                                      RegistryOptions options);

  // GET /v2/ with the credentials: what `ward login` verifies.
  [[nodiscard]] Result<> check_credentials();

  [[nodiscard]] Result<FetchedManifest> get_manifest(std::string_view reference);
  // Streams the blob into `writer` (hashing as it goes) and commits it as
  // `digest`; a dropped connection is resumed with Range a few times.
  // `cancel`, when given, stops the transfer once set (another download failed).
  [[nodiscard]] Result<> fetch_blob(const Digest& digest, std::uint64_t size, BlobWriter& writer, Progress* progress,
                                    std::string_view progress_id, const std::atomic<bool>* cancel = nullptr);
  [[nodiscard]] Result<bool> blob_exists(const Digest& digest);
  // Cross-repository mount from `from` (a repository of this registry);
  // false when the registry did not mount it.
  [[nodiscard]] Result<bool> mount_blob(const Digest& digest, const std::string& from);
  // Upload of `size` bytes from `fd`: monolithic (POST, PUT) up to
  // kChunkedUploadThreshold, chunked (POST, PATCH..., PUT) above it.
  // `progress` is told the bytes sent after each chunk.
  [[nodiscard]] Result<> upload_blob(const Digest& digest, int fd, std::uint64_t size, Progress* progress = nullptr,
                                     std::string_view progress_id = {});
  // The digest the registry reports (or the body's).
  [[nodiscard]] Result<Digest> put_manifest(std::string_view tag, std::string_view media_type, std::string_view body);

  [[nodiscard]] const std::string& domain() const { return domain_; }
  [[nodiscard]] const std::string& repository() const { return repository_; }

 private:
  RegistryClient(std::string domain, std::string repository, RegistryOptions options)
      : domain_(std::move(domain)), repository_(std::move(repository)), options_(std::move(options)) {}
  [[nodiscard]] Result<> ping();
  [[nodiscard]] Result<> authorize(const AuthChallenge& challenge);
  // Sends with auth; on 401 with a challenge, re-authorises once and resends.
  [[nodiscard]] Result<HttpResponse> send(HttpRequest request, bool* transport_error = nullptr);
  [[nodiscard]] Error http_error(const HttpResponse& response, std::string_view what) const;
  [[nodiscard]] std::string url(std::string_view path) const;

  std::string domain_;
  std::string repository_;
  RegistryOptions options_;
  std::string base_url_;  // "https://registry-1.docker.io"
  TlsOptions tls_;
  std::optional<Credentials> credentials_;
  std::set<std::string> scopes_;
  std::string authorization_;  // "Authorization: ..." or ""
};

}  // namespace ward::image
