// Image references as Docker writes them, with the grammar of
// distribution's reference package:
//   [domain[:port]/]path[:tag][@digest]
//   busybox, user/app:1, localhost:5000/x@sha256:..., quay.io/org/app:v2
// and Docker's normalisation: no domain means docker.io, a one-component
// path on docker.io gets "library/", and a reference with neither tag nor
// digest gets "latest".  So "busybox" is docker.io/library/busybox:latest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "image/digest.h"
#include "util/error.h"

namespace ward::image {

inline constexpr std::string_view kDefaultDomain = "docker.io";
inline constexpr std::string_view kDefaultTag = "latest";

struct Reference {
  std::string domain;  // "docker.io", "localhost:5000", "[::1]:5000"
  std::string path;    // "library/busybox": lower-case components joined by '/'
  std::string tag;     // "latest"; empty when only a digest names the image
  std::optional<Digest> digest;
  // The text named no domain ("busybox", "user/app"): docker.io was
  // assumed.  A registries.conf short-name lookup acts on these only.
  bool short_name = false;

  // "docker.io/library/busybox": the repository, without tag or digest.
  [[nodiscard]] std::string name() const;
  // "docker.io/library/busybox:latest", "quay.io/a/b@sha256:...".
  [[nodiscard]] std::string string() const;
  // Docker's short form: docker.io and library/ dropped where Docker drops
  // them ("busybox:latest", "user/app:1"), everything else as string().
  [[nodiscard]] std::string familiar() const;

  // The same image, however the reference was written: short_name is not
  // compared (busybox and docker.io/library/busybox are one reference).
  friend bool operator==(const Reference& a, const Reference& b) {
    return a.domain == b.domain && a.path == b.path && a.tag == b.tag && a.digest == b.digest;
  }
};

// Parses and normalises a reference.  Errors are invalid_input and name the
// reference and its wrong part:
//   invalid reference "Busybox": repository name must be lower-case
[[nodiscard]] Result<Reference> parse_reference(std::string_view text);
// The familiar form of a stored, normalised name ("busybox:latest" for
// "docker.io/library/busybox:latest"); `text` itself when it does not parse.
[[nodiscard]] std::string familiar_name(std::string_view text);

// Whether `text` names no domain (its first '/'-separated component is not
// a host), without validating the rest.
[[nodiscard]] bool is_short_name(std::string_view text);

}  // namespace ward::image
