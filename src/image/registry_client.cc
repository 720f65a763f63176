// The distribution-spec client (registry_client.h).
#include "image/registry_client.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/spec.h"
#include "util/sys.h"

namespace ward::image {

namespace {

constexpr int kBlobAttempts = 5;

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string host_without_port(std::string_view host) {
  if (host.starts_with('[')) {
    auto close = host.find(']');
    return std::string(host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  if (auto colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  return std::string(host);
}

// The registry's own words from an error body:
// {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}.
std::string registry_message(const HttpResponse& response) {
  auto document = nlohmann::json::parse(response.body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return "";
  auto errors = document.find("errors");
  if (errors == document.end() || !errors->is_array() || errors->empty() || !errors->front().is_object()) return "";
  const auto& first = errors->front();
  std::string message = first.value("message", "");
  std::string code = first.value("code", "");
  if (message.empty()) return code;
  return message;
}

std::string url_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == ':')
      out += c;
    else
      out += fmt::format("%{:02X}", u);
  }
  return out;
}

}  // namespace

std::vector<std::string> default_certs_dirs() {
  if (const char* dir = std::getenv("WARD_CERTS_DIR"); dir != nullptr && *dir != '\0') return {dir};
  std::vector<std::string> dirs;
  const char* home = std::getenv("HOME");
  if (::geteuid() != 0 && home != nullptr && *home != '\0')
    dirs.push_back(std::string(home) + "/.config/containers/certs.d");
  dirs.emplace_back("/etc/containers/certs.d");
  dirs.emplace_back("/etc/docker/certs.d");
  return dirs;
}

Result<CertsFiles> find_certs(const std::vector<std::string>& dirs, std::string_view host) {
  CertsFiles found;
  for (const auto& dir : dirs) {
    std::string base = fmt::format("{}/{}", dir, host);
    auto names = sys::list_directory(base);
    if (!names) continue;  // no directory for this host here
    std::sort(names->begin(), names->end());
    for (const auto& name : *names) {
      std::string path = base + "/" + name;
      if (!file_exists(path)) continue;
      if (name.ends_with(".crt")) {
        auto text = WARD_TRY(context(sys::read_file(path), "read {}", path));
        found.ca_pem += text;
        if (!text.empty() && text.back() != '\n') found.ca_pem += '\n';
        found.ca_files.push_back(path);
      } else if (name.ends_with(".cert")) {
        std::string key = base + "/" + name.substr(0, name.size() - 5) + ".key";
        if (!file_exists(key))
          return fail(ErrorKind::invalid_input, fmt::format("client certificate {} has no key {}", path, key));
        if (found.cert_file.empty()) {
          found.cert_file = path;
          found.key_file = key;
        }
      } else if (name.ends_with(".key")) {
        std::string cert = base + "/" + name.substr(0, name.size() - 4) + ".cert";
        if (!file_exists(cert))
          return fail(ErrorKind::invalid_input, fmt::format("client key {} has no certificate {}", path, cert));
      }
    }
    return found;  // the first directory that has the host is the one used
  }
  return found;
}

void add_challenge_scopes(const AuthChallenge& challenge, std::set<std::string>& scopes) {
  auto scope = challenge.params.find("scope");
  if (scope == challenge.params.end()) return;
  std::string_view rest = scope->second;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    if (space != 0) scopes.insert(std::string(rest.substr(0, space)));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
}

std::string registry_host(std::string_view domain) {
  if (domain == "docker.io" || domain == "index.docker.io") return "registry-1.docker.io";
  return std::string(domain);
}

bool is_loopback_registry(std::string_view host) {
  std::string name = host_without_port(host);
  if (name == "localhost" || name == "::1") return true;
  in_addr address{};
  if (::inet_pton(AF_INET, name.c_str(), &address) == 1) return (ntohl(address.s_addr) >> 24) == 127;
  return false;
}

std::string manifest_accept_header() {
  return fmt::format("Accept: {}, {}, {}, {}", media_type::kOciManifest, media_type::kOciIndex,
                     media_type::kDockerManifest, media_type::kDockerManifestList);
}

Result<std::string> token_url(const AuthChallenge& challenge, const std::set<std::string>& scopes) {
  auto realm = challenge.params.find("realm");
  if (realm == challenge.params.end() || realm->second.empty())
    return fail(ErrorKind::invalid_input, "Bearer challenge without a realm");
  std::string url = realm->second;
  if (auto service = challenge.params.find("service"); service != challenge.params.end())
    url = add_query(url, "service", url_escape(service->second));
  for (const auto& scope : scopes) url = add_query(url, "scope", url_escape(scope));
  return url;
}

std::string resolve_location(std::string_view base_url, std::string_view location) {
  if (location.starts_with("http://") || location.starts_with("https://")) return std::string(location);
  if (location.starts_with('/')) return std::string(base_url) + std::string(location);
  return std::string(base_url) + "/" + std::string(location);
}

std::string add_query(std::string_view url, std::string_view key, std::string_view value) {
  char separator = url.find('?') == std::string_view::npos ? '?' : '&';
  return fmt::format("{}{}{}={}", url, separator, key, value);
}

std::string upload_content_range(std::uint64_t offset, std::uint64_t length) {
  return fmt::format("{}-{}", offset, offset + length - 1);
}

Result<std::uint64_t> resume_skip(std::uint64_t have, long status, std::string_view content_range) {
  if (have == 0 || status == 200) return have;
  if (status != 206) return fail(ErrorKind::invalid_input, fmt::format("resume: unexpected status {}", status));
  // "bytes START-END/TOTAL"
  std::string_view range = content_range;
  if (!range.starts_with("bytes "))
    return fail(ErrorKind::invalid_input, fmt::format("resume: Content-Range \"{}\"", content_range));
  range.remove_prefix(6);
  std::uint64_t start = 0;
  std::size_t i = 0;
  for (; i < range.size() && range[i] >= '0' && range[i] <= '9'; ++i)
    start = start * 10 + static_cast<std::uint64_t>(range[i] - '0');
  if (i == 0 || i >= range.size() || range[i] != '-')
    return fail(ErrorKind::invalid_input, fmt::format("resume: Content-Range \"{}\"", content_range));
  if (start != have)
    return fail(ErrorKind::invalid_input,
                fmt::format("resume: asked for bytes from {}, the registry sent from {}", have, start));
  return 0;
}

Result<std::string> manifest_media_type(std::string_view content_type, std::string_view body, std::string_view what) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type.empty() || type == "application/json" || type == "text/plain") {
    auto document = nlohmann::json::parse(body, nullptr, false);
    if (!document.is_discarded() && document.is_object()) {
      type = document.value("mediaType", "");
      if (type.empty() && document.value("schemaVersion", 0) == 1) type = media_type::kDockerSchema1Manifest;
    }
  }
  if (is_schema1_media_type(type))
    return fail(
        ErrorKind::unsupported,
        fmt::format("{}: a Docker schema 1 manifest ({}); ward pulls only schema 2 and OCI images", what, type));
  return type;
}

Result<RegistryClient> RegistryClient::connect(std::string domain, std::string repository, RegistryOptions options) {
  RegistryClient client(std::move(domain), std::move(repository), std::move(options));
  std::string host = registry_host(client.domain_);
  std::vector<std::string> dirs = client.options_.certs_dirs;
  if (dirs.empty()) dirs = default_certs_dirs();
  auto certs = WARD_TRY(context(find_certs(dirs, client.domain_), "registry {}", client.domain_));
  if (certs.ca_pem.empty() && certs.cert_file.empty() && host != client.domain_)
    certs = WARD_TRY(context(find_certs(dirs, host), "registry {}", client.domain_));
  client.tls_.ca_pem = std::move(certs.ca_pem);
  client.tls_.cert_file = std::move(certs.cert_file);
  client.tls_.key_file = std::move(certs.key_file);
  if (client.options_.credentials) {
    client.credentials_ = client.options_.credentials;
  } else {
    client.credentials_ = WARD_TRY(context(find_credentials(client.domain_), "credentials for {}", client.domain_));
  }
  if (!client.repository_.empty())  // `ward login` asks for no repository
    client.scopes_.insert(
        fmt::format("repository:{}:{}", client.repository_, client.options_.push ? "pull,push" : "pull"));
  WARD_TRY(client.ping());
  return client;
}

std::string RegistryClient::url(std::string_view path) const {
  return base_url_ + std::string(path);
}

Error RegistryClient::http_error(const HttpResponse& response, std::string_view what) const {
  std::string said = registry_message(response);
  ErrorKind kind = ErrorKind::failed;
  std::string reason;
  if (response.status == 401) {
    kind = ErrorKind::permission_denied;
    reason = "unauthorized: authentication required";
  } else if (response.status == 403) {
    kind = ErrorKind::permission_denied;
    reason = "denied: requested access to the resource is denied";
  } else if (response.status == 404) {
    kind = ErrorKind::not_found;
    reason = "not found";
  } else {
    reason = fmt::format("HTTP status {}", response.status);
  }
  if (!said.empty() && said != reason && reason.find(said) == std::string::npos) reason += " (" + said + ")";
  return Error{0, fmt::format("{}: {}", what, reason), std::source_location::current(), kind};
}

Result<> RegistryClient::ping() {
  std::string host = registry_host(domain_);
  // A loopback registry is not verified (as Docker) unless certs.d holds a
  // CA for it: then it is, and never falls back to plain HTTP.
  bool plain_allowed = !options_.tls_verify || (is_loopback_registry(host) && tls_.ca_pem.empty());
  TlsOptions tls = tls_;
  if (plain_allowed) tls.verify = false;
  bool transport_error = false;
  HttpRequest request{.url = fmt::format("https://{}/v2/", host)};
  auto response = http_perform(request, tls, &transport_error);
  if (response) {
    base_url_ = fmt::format("https://{}", host);
    tls_ = tls;
  } else if (transport_error && plain_allowed) {
    request.url = fmt::format("http://{}/v2/", host);
    response = http_perform(request, tls, &transport_error);
    if (!response) return std::unexpected(std::move(response.error().wrap(fmt::format("registry {}", domain_))));
    base_url_ = fmt::format("http://{}", host);
  } else {
    if (response.error().message.find(": TLS: ") != std::string::npos)
      response.error().message += fmt::format(
          " (the certificate is verified: put the registry's CA in a certs.d directory as {}/*.crt, or allow it "
          "with --tls-verify=false or insecure = true in registries.conf)",
          domain_);
    return std::unexpected(std::move(response.error().wrap(fmt::format("registry {}", domain_))));
  }
  if (response->status == 401) {
    auto header = response->header("www-authenticate");
    if (header.empty()) return std::unexpected(http_error(*response, fmt::format("registry {}", domain_)));
    auto challenges = WARD_TRY(context(parse_www_authenticate(header), "registry {}", domain_));
    return authorize(challenges.front());
  }
  if (response->status >= 400 && response->status != 404)
    return std::unexpected(http_error(*response, fmt::format("registry {}", domain_)));
  return {};
}

Result<> RegistryClient::authorize(const AuthChallenge& challenge) {
  if (challenge.scheme == "basic") {
    if (credentials_)
      authorization_ = "Authorization: Basic " + base64_encode(credentials_->username + ":" + credentials_->password);
    return {};
  }
  if (challenge.scheme != "bearer")
    return fail(ErrorKind::unsupported,
                fmt::format("registry {}: auth scheme \"{}\" is not supported yet", domain_, challenge.scheme));
  std::set<std::string> scopes = scopes_;
  add_challenge_scopes(challenge, scopes);
  HttpRequest request{.url = WARD_TRY(context(token_url(challenge, scopes), "registry {}", domain_))};
  if (credentials_)
    request.headers.push_back("Authorization: Basic " +
                              base64_encode(credentials_->username + ":" + credentials_->password));
  auto response = WARD_TRY(context(http_perform(request, tls_), "registry {}: token", domain_));
  if (response.status != 200)
    return std::unexpected(http_error(response, fmt::format("registry {}: token from {}", domain_, request.url)));
  auto document = nlohmann::json::parse(response.body, nullptr, false);
  std::string token;
  if (!document.is_discarded() && document.is_object()) {
    token = document.value("token", "");
    if (token.empty()) token = document.value("access_token", "");
  }
  if (token.empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("registry {}: the token server's answer holds no token", domain_));
  authorization_ = "Authorization: Bearer " + token;
  return {};
}

Result<HttpResponse> RegistryClient::send(HttpRequest request, bool* transport_error) {
  std::string sent_authorization = authorization_;
  HttpRequest first = request;
  if (!authorization_.empty()) first.headers.push_back(authorization_);
  first.headers.emplace_back("Expect:");
  auto response = WARD_TRY(http_perform(first, tls_, transport_error));
  if (response.status != 401) return response;
  auto header = response.header("www-authenticate");
  if (header.empty()) return response;
  auto challenges = parse_www_authenticate(header);
  if (!challenges) return response;
  const AuthChallenge& challenge = challenges->front();
  if (challenge.scheme == "bearer") add_challenge_scopes(challenge, scopes_);
  WARD_TRY(authorize(challenge));
  if (authorization_ == sent_authorization) return response;  // nothing new to try
  if (!authorization_.empty()) request.headers.push_back(authorization_);
  request.headers.emplace_back("Expect:");
  return http_perform(request, tls_, transport_error);
}

Result<> RegistryClient::check_credentials() {
  auto response = WARD_TRY(send(HttpRequest{.url = url("/v2/")}));
  if (response.status != 200) return std::unexpected(http_error(response, fmt::format("registry {}", domain_)));
  return {};
}

Result<FetchedManifest> RegistryClient::get_manifest(std::string_view reference) {
  std::string what = fmt::format("{}/{}:{}", domain_, repository_, reference);
  if (reference.starts_with("sha256:") || reference.find(':') != std::string_view::npos)
    what = fmt::format("{}/{}@{}", domain_, repository_, reference);
  HttpRequest request{.url = url(fmt::format("/v2/{}/manifests/{}", repository_, reference)),
                      .headers = {manifest_accept_header()}};
  auto response = WARD_TRY(context(send(std::move(request)), "{}", what));
  if (response.status == 404) {
    return fail(ErrorKind::not_found, fmt::format("manifest for {} not found", what));
  }
  if (response.status != 200) return std::unexpected(http_error(response, what));
  FetchedManifest fetched;
  fetched.body = std::move(response.body);
  fetched.media_type = WARD_TRY(manifest_media_type(response.header("content-type"), fetched.body, what));
  DigestAlgorithm algorithm = DigestAlgorithm::sha256;
  std::optional<Digest> expected;
  if (auto parsed = Digest::parse(reference)) expected = *parsed;
  if (auto header = response.header("docker-content-digest"); !header.empty() && !expected) {
    auto parsed = Digest::parse(header);
    if (!parsed) return fail(ErrorKind::invalid_input, fmt::format("{}: Docker-Content-Digest \"{}\"", what, header));
    expected = *parsed;
  }
  if (expected) algorithm = expected->algorithm();
  fetched.digest = WARD_TRY(digest_of(fetched.body, algorithm));
  if (expected && fetched.digest != *expected)
    return fail(ErrorKind::invalid_input, fmt::format("{}: manifest digest mismatch: expected {}, got {}", what,
                                                      expected->string(), fetched.digest.string()));
  return fetched;
}

Result<> RegistryClient::fetch_blob(const Digest& digest, std::uint64_t size, BlobWriter& writer, Progress* progress,
                                    std::string_view progress_id, const std::atomic<bool>* cancel) {
  std::string what = fmt::format("{}/{}: blob {}", domain_, repository_, digest.string());
  std::optional<Error> last;
  for (int attempt = 0; attempt < kBlobAttempts; ++attempt) {
    if (cancel != nullptr && cancel->load()) return fail(fmt::format("{}: cancelled", what));
    std::uint64_t have = writer.size();
    std::uint64_t skip = 0;
    HttpRequest request{.url = url(fmt::format("/v2/{}/blobs/{}", repository_, digest.string()))};
    if (have > 0) request.headers.push_back(fmt::format("Range: bytes={}-", have));
    request.on_start = [&](long status, const HttpResponse& response) -> Result<> {
      skip = WARD_TRY(resume_skip(have, status, response.header("content-range")));
      return {};
    };
    request.sink = [&](std::string_view chunk) -> Result<> {
      if (cancel != nullptr && cancel->load()) return fail(fmt::format("{}: cancelled", what));
      if (skip > 0) {
        std::size_t dropped = std::min<std::uint64_t>(skip, chunk.size());
        chunk.remove_prefix(dropped);
        skip -= dropped;
      }
      if (writer.size() + chunk.size() > size)
        return fail(ErrorKind::invalid_input, fmt::format("{}: the registry sent more than its {} bytes", what, size));
      WARD_TRY(writer.write(chunk));
      if (progress != nullptr) progress->advance(progress_id, writer.size());
      return {};
    };
    bool transport_error = false;
    auto response = send(request, &transport_error);
    if (!response) {
      if (!transport_error) return std::unexpected(std::move(response.error().wrap(what)));
      last = std::move(response.error());
      continue;  // a dropped connection: resume from what was stored
    }
    if (response->status < 200 || response->status >= 300) return std::unexpected(http_error(*response, what));
    if (writer.size() < size) {
      last = Error{0, fmt::format("{}: the connection closed after {} of {} bytes", what, writer.size(), size),
                   std::source_location::current(), ErrorKind::failed};
      continue;
    }
    return context(writer.commit(digest, size), "{}", what);
  }
  return std::unexpected(std::move(last->wrap(fmt::format("after {} attempts", kBlobAttempts))));
}

Result<bool> RegistryClient::blob_exists(const Digest& digest) {
  auto response = WARD_TRY(
      send(HttpRequest{.method = "HEAD", .url = url(fmt::format("/v2/{}/blobs/{}", repository_, digest.string()))}));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return std::unexpected(http_error(response, fmt::format("{}/{}: blob {}", domain_, repository_, digest.string())));
}

Result<bool> RegistryClient::mount_blob(const Digest& digest, const std::string& from) {
  scopes_.insert(fmt::format("repository:{}:pull", from));
  std::string target =
      add_query(add_query(url(fmt::format("/v2/{}/blobs/uploads/", repository_)), "mount", digest.string()), "from",
                url_escape(from));
  auto response = WARD_TRY(send(HttpRequest{.method = "POST", .url = target}));
  if (response.status == 201) return true;
  if (response.status == 202) {
    // The registry started an upload instead; cancel it.
    if (auto location = response.header("location"); !location.empty())
      (void)send(HttpRequest{.method = "DELETE", .url = resolve_location(base_url_, location)});
    return false;
  }
  return false;
}

Result<> RegistryClient::upload_blob(const Digest& digest, int fd, std::uint64_t size, Progress* progress,
                                     std::string_view progress_id) {
  std::string what = fmt::format("{}/{}: upload {}", domain_, repository_, digest.string());
  auto started =
      WARD_TRY(send(HttpRequest{.method = "POST", .url = url(fmt::format("/v2/{}/blobs/uploads/", repository_))}));
  if (started.status != 202) return std::unexpected(http_error(started, what));
  std::string location = started.header("location");
  if (location.empty()) return fail(fmt::format("{}: the registry gave no upload location", what));
  HttpRequest put{.method = "PUT",
                  .url = "",
                  .headers = {"Content-Type: application/octet-stream"},
                  .body_fd = fd,
                  .body_size = size};
  if (size > kChunkedUploadThreshold) {
    // Chunked: each PATCH carries the next range; the registry answers 202
    // with the upload's next Location and the Range it holds ("0-END").
    for (std::uint64_t offset = 0; offset < size;) {
      std::uint64_t length = std::min(kChunkedUploadThreshold, size - offset);
      HttpRequest patch{.method = "PATCH",
                        .url = resolve_location(base_url_, location),
                        .headers = {"Content-Type: application/octet-stream",
                                    "Content-Range: " + upload_content_range(offset, length)},
                        .body_fd = fd,
                        .body_offset = offset,
                        .body_size = length};
      auto answered = WARD_TRY(context(send(std::move(patch)), "{}: chunk at {}", what, offset));
      if (answered.status != 202)
        return std::unexpected(http_error(answered, fmt::format("{}: chunk at {}", what, offset)));
      if (auto range = answered.header("range"); !range.empty() && range != fmt::format("0-{}", offset + length - 1))
        return fail(fmt::format("{}: after the chunk at {} the registry holds {} (expected 0-{})", what, offset, range,
                                offset + length - 1));
      if (auto next = answered.header("location"); !next.empty()) location = next;
      offset += length;
      if (progress != nullptr) progress->advance(progress_id, offset);
    }
    put.body_fd = -1;
    put.body_size = 0;
  }
  put.url = add_query(resolve_location(base_url_, location), "digest", digest.string());
  auto response = WARD_TRY(context(send(std::move(put)), "{}", what));
  if (response.status != 201 && response.status != 204) return std::unexpected(http_error(response, what));
  if (progress != nullptr) progress->advance(progress_id, size);
  return {};
}

Result<Digest> RegistryClient::put_manifest(std::string_view tag, std::string_view media_type, std::string_view body) {
  std::string what = fmt::format("{}/{}:{}: manifest", domain_, repository_, tag);
  HttpRequest request{.method = "PUT",
                      .url = url(fmt::format("/v2/{}/manifests/{}", repository_, tag)),
                      .headers = {fmt::format("Content-Type: {}", media_type)},
                      .body = std::string(body)};
  auto response = WARD_TRY(context(send(std::move(request)), "{}", what));
  if (response.status != 201 && response.status != 200) return std::unexpected(http_error(response, what));
  auto digest = WARD_TRY(digest_of(body));
  if (auto header = response.header("docker-content-digest"); !header.empty()) {
    auto reported = Digest::parse(header);
    if (reported && *reported != digest)
      return fail(
          fmt::format("{}: the registry stored digest {}, ward sent {}", what, reported->string(), digest.string()));
  }
  return digest;
}

}  // namespace ward::image
