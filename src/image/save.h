// `ward save`: images from the store into an archive that `docker load`,
// `podman load` and `ward load` accept.
//   - docker-archive (the default, as Docker's): manifest.json, each
//     config as <hex>.json, each layer as <diff_id hex>/layer.tar,
//     uncompressed (Docker 20.10's loader wants plain tars);
//   - oci-archive: an OCI image layout in a tar (oci-layout, index.json
//     naming each image with org.opencontainers.image.ref.name and
//     io.containerd.image.name, blobs/sha256/ as stored).
// Shared layers are written once.
#pragma once

#include <string>
#include <vector>

#include "image/store.h"
#include "util/error.h"
#include "util/progress.h"

namespace ward::image {

enum class ArchiveFormat : std::uint8_t { docker_archive, oci_archive };

// "docker-archive", "oci-archive"; nullopt for anything else.
[[nodiscard]] std::optional<ArchiveFormat> parse_archive_format(std::string_view text);

struct SaveItem {
  ImageRecord image;
  std::vector<std::string> tags;  // normalised references the archive names it by; may be empty
};

// Writes the archive to `fd` (a file or a pipe); `name` names it in errors.
[[nodiscard]] Result<> save_images(Store& store, const std::vector<SaveItem>& items, ArchiveFormat format, int fd,
                                   const std::string& name, Progress* progress);

}  // namespace ward::image
