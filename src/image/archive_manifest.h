// The small documents that say what an image archive holds, apart from the
// image-spec's own (spec.h):
//   - `manifest.json` of `docker save` (and `podman save`'s docker-archive):
//     one entry per image, naming its config file, its tags and its layer
//     tars by path inside the archive;
//   - `oci-layout` of an OCI image layout: {"imageLayoutVersion": "1.0.0"}.
// Both come from a file the user hands to `ward load`, so every error is
// invalid_input and names the document and the JSON path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::image {

struct DockerArchiveImage {
  std::string config;                  // "Config": a path in the archive
  std::vector<std::string> repo_tags;  // "RepoTags": "busybox:latest"; may be empty
  std::vector<std::string> layers;     // "Layers": paths of the layer tars, base first

  friend bool operator==(const DockerArchiveImage&, const DockerArchiveImage&) = default;
};

// manifest.json: a non-empty array of entries; every path relative, without
// "..", so that it names a member of the archive and nothing else.
[[nodiscard]] Result<std::vector<DockerArchiveImage>> parse_docker_archive_manifest(std::string_view json);
[[nodiscard]] std::string write_docker_archive_manifest(const std::vector<DockerArchiveImage>& images);

// The oci-layout file: its version must be 1.x (the only one there is).
[[nodiscard]] Result<> check_oci_layout_file(std::string_view json);
[[nodiscard]] std::string write_oci_layout_file();

// An archive member's path as a key: "./a//b" and "a/b" are one member.
// Empty when the path climbs out ("..") or is absolute after stripping
// "./": such a member is never looked up.
[[nodiscard]] std::string normalize_member_path(std::string_view path);

}  // namespace ward::image
