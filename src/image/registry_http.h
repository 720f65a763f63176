// One HTTP exchange with a registry, over libcurl (confined to this file's
// .cc): a request with an optional body (text, or a file read from an
// offset), a response whose body either is kept (errors, manifests,
// tokens) or is streamed to a sink as it arrives (blobs).  Redirects are
// followed (blob storage lives elsewhere) and an Authorization header is
// never sent to another host.  A connection that stalls 30 s is dropped
// so a caller can resume.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::image {

struct TlsOptions {
  bool verify = true;
  std::string ca_pem;     // extra CAs (certs.d/HOST/*.crt, concatenated); the system's are trusted too
  std::string cert_file;  // client certificate (certs.d/HOST/NAME.cert)
  std::string key_file;   // its key (certs.d/HOST/NAME.key)
};

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when body_fd < 0
  int body_fd = -1;                  // or the body read from this file,
  std::uint64_t body_offset = 0;     // starting here (a chunk of a blob)
  std::uint64_t body_size = 0;
  // Called with each chunk of a 2xx response's body instead of keeping it;
  // an error stops the transfer and is returned.
  std::function<Result<>(std::string_view)> sink;
  // Called once before the first chunk reaches the sink, with the status
  // and headers of the response (a resumed blob checks Content-Range).
  std::function<Result<>(long status, const HttpResponse& response)> on_start;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;                                          // when there was no sink, or not 2xx
  std::string effective_url;

  // The first value of a header; "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

// Fails (ErrorKind::failed, naming the URL and curl's reason) only when no
// HTTP response arrived whole: connect, TLS, a dropped connection.  Any
// status is a response.  `transport_error` is set for those failures so a
// caller can tell a retryable break from a sink's error.  A TLS failure's
// message starts "TLS: " (curl's reason follows).
[[nodiscard]] Result<HttpResponse> http_perform(const HttpRequest& request, const TlsOptions& tls,
                                                bool* transport_error = nullptr);

}  // namespace ward::image
