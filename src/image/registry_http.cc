// libcurl behind http_perform (registry_http.h).
#include "image/registry_http.h"
#include "image/curl_library.h"

#include <unistd.h>

#include <cctype>
#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>

#include <fmt/format.h>

namespace ward::image {

namespace {

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  CURL* handle = nullptr;
  std::uint64_t sent = 0;
  bool started = false;
  std::optional<Error> sink_error;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  // A new status line starts a new response (after a redirect or 100 Continue).
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  transfer->response.headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  long status = 0;
  curl::easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
  std::string_view chunk(data, size * count);
  if (transfer->request->sink && status >= 200 && status < 300) {
    if (!transfer->started && transfer->request->on_start) {
      transfer->started = true;
      auto accepted = transfer->request->on_start(status, transfer->response);
      if (!accepted) {
        transfer->sink_error = std::move(accepted.error());
        return 0;
      }
    }
    auto written = transfer->request->sink(chunk);
    if (!written) {
      transfer->sink_error = std::move(written.error());
      return 0;  // aborts the transfer
    }
  } else if (transfer->response.body.size() < (std::size_t{8} << 20)) {
    transfer->response.body.append(chunk);
  }
  return size * count;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::uint64_t left = transfer->request->body_size - transfer->sent;
  std::size_t want = std::min<std::uint64_t>(left, size * count);
  if (want == 0) return 0;
  ssize_t n = ::pread(transfer->request->body_fd, buffer, want,
                      static_cast<off_t>(transfer->request->body_offset + transfer->sent));
  if (n <= 0) return CURL_READFUNC_ABORT;
  transfer->sent += static_cast<std::uint64_t>(n);
  return static_cast<std::size_t>(n);
}

struct HandleDeleter {
  void operator()(CURL* handle) const { curl::easy_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl::slist_free_all(list); }
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return "";
}

Result<HttpResponse> http_perform(const HttpRequest& request, const TlsOptions& tls, bool* transport_error) {
  WARD_TRY(curl::load());
  if (transport_error != nullptr) *transport_error = false;
  std::unique_ptr<CURL, HandleDeleter> handle(curl::easy_init());
  if (!handle) return fail("curl_easy_init failed");
  Transfer transfer;
  transfer.request = &request;
  transfer.handle = handle.get();
  std::unique_ptr<curl_slist, ListDeleter> headers;
  for (const auto& header : request.headers) {
    curl_slist* appended = curl::slist_append(headers.get(), header.c_str());
    if (appended == nullptr) return fail("curl_slist_append failed");
    (void)headers.release();
    headers.reset(appended);
  }
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* h = handle.get();
  curl::easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl::easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl::easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl::easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl::easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl::easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl::easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl::easy_setopt(h, CURLOPT_USERAGENT, "ward");
  curl::easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl::easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl::easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
  curl::easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl::easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl::easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl::easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl::easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl::easy_setopt(h, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl::easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  curl_blob ca_blob{};
  if (!tls.ca_pem.empty()) {
    // The extra CAs from memory, the system's through CAPATH: both are trusted.
    ca_blob.data = const_cast<char*>(tls.ca_pem.data());
    ca_blob.len = tls.ca_pem.size();
    ca_blob.flags = CURL_BLOB_NOCOPY;
    curl::easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
    curl::easy_setopt(h, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  if (!tls.cert_file.empty()) curl::easy_setopt(h, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl::easy_setopt(h, CURLOPT_SSLKEY, tls.key_file.c_str());
  if (request.method == "HEAD") {
    curl::easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST" || request.method == "PATCH") {
    curl::easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl::easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.body_fd >= 0) {
      curl::easy_setopt(h, CURLOPT_READFUNCTION, on_read);
      curl::easy_setopt(h, CURLOPT_READDATA, &transfer);
      curl::easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_size));
    } else {
      // The text body through the same read callback, from memory.
      curl::easy_setopt(
          h, CURLOPT_READFUNCTION, +[](char* buffer, std::size_t size, std::size_t count, void* user) {
            auto* t = static_cast<Transfer*>(user);
            std::size_t want = std::min<std::size_t>(t->request->body.size() - t->sent, size * count);
            std::copy_n(t->request->body.data() + t->sent, want, buffer);
            t->sent += want;
            return want;
          });
      curl::easy_setopt(h, CURLOPT_READDATA, &transfer);
      curl::easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  } else if (request.method != "GET") {
    curl::easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode code = curl::easy_perform(h);
  if (transfer.sink_error) return std::unexpected(std::move(*transfer.sink_error));
  if (code != CURLE_OK) {
    if (transport_error != nullptr) *transport_error = true;
    std::string reason = error_buffer[0] != '\0' ? error_buffer : curl::easy_strerror(code);
    switch (code) {
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_CLIENTCERT: reason = "TLS: " + reason; break;
      default: break;
    }
    return fail(fmt::format("{} {}: {}", request.method, request.url, reason));
  }
  curl::easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  char* effective = nullptr;
  if (curl::easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != nullptr)
    transfer.response.effective_url = effective;
  return std::move(transfer.response);
}

}  // namespace ward::image
