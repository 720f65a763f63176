// save.h.
#include "image/save.h"

#include <archive.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/archive_manifest.h"
#include "image/load_contents.h"
#include "image/reference.h"
#include "image/spec.h"
#include "image/tar_writer.h"
#include "util/fd.h"

namespace ward::image {

namespace {

struct ReadFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};

// The uncompressed tar of a compressed layer blob, in an unnamed file
// under the store's tmp/ (a layer can be larger than memory).
Result<UniqueFd> decompressed_layer(Store& store, const Digest& blob) {
  auto source = WARD_TRY(store.blobs().open_blob(blob));
  std::string tmp = store.root() + "/tmp";
  UniqueFd out(::open(tmp.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!out) return fail_errno(errno, fmt::format("open a temporary file in {}", tmp));
  std::unique_ptr<archive, ReadFree> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_fd(reader.get(), source.get(), 1 << 20) != ARCHIVE_OK ||
      archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK)
    return fail(ErrorKind::invalid_input,
                fmt::format("layer {}: {}", blob.string(), archive_error_string(reader.get())));
  std::string buffer(1 << 20, '\0');
  for (;;) {
    la_ssize_t n = archive_read_data(reader.get(), buffer.data(), buffer.size());
    if (n < 0)
      return fail(ErrorKind::invalid_input,
                  fmt::format("layer {}: {}", blob.string(), archive_error_string(reader.get())));
    if (n == 0) break;
    if (::write(out.get(), buffer.data(), static_cast<std::size_t>(n)) != n)
      return fail_errno(errno, fmt::format("write the uncompressed layer {}", blob.string()));
  }
  if (::lseek(out.get(), 0, SEEK_SET) != 0) return fail_errno(errno, "rewind an uncompressed layer");
  return out;
}

Result<> add_blob(Store& store, TarWriter& writer, const std::string& path, const Digest& digest, Progress* progress) {
  auto fd = WARD_TRY(store.blobs().open_blob(digest));
  auto size = WARD_TRY(store.blobs().blob_size(digest));
  return writer.add_file(path, fd.get(), size, short_id(digest), progress);
}

Result<> write_docker_archive(Store& store, const std::vector<SaveItem>& items, TarWriter& writer, Progress* progress) {
  std::vector<DockerArchiveImage> entries;
  std::set<std::string> written;
  for (const auto& item : items) {
    DockerArchiveImage entry;
    entry.config = item.image.config_digest.hex() + ".json";
    for (const auto& tag : item.tags) entry.repo_tags.push_back(familiar_name(tag));
    if (written.insert(entry.config).second)
      WARD_TRY(writer.add_bytes(entry.config, WARD_TRY(store.blobs().read_blob(item.image.config_digest))));
    for (const auto& layer : item.image.layers) {
      std::string dir = layer.diff_id.hex();
      entry.layers.push_back(dir + "/layer.tar");
      if (!written.insert(dir).second) continue;
      WARD_TRY(writer.add_directory(dir));
      WARD_TRY(writer.add_bytes(dir + "/VERSION", "1.0"));
      auto compression = layer_compression(layer.blob_media_type);
      if (compression == LayerCompression::none) {
        WARD_TRY(add_blob(store, writer, dir + "/layer.tar", layer.blob_digest, progress));
        continue;
      }
      auto tar = WARD_TRY(decompressed_layer(store, layer.blob_digest));
      struct stat info {};
      if (::fstat(tar.get(), &info) != 0) return fail_errno(errno, "stat an uncompressed layer");
      WARD_TRY(writer.add_file(dir + "/layer.tar", tar.get(), static_cast<std::uint64_t>(info.st_size),
                               short_id(layer.blob_digest), progress));
    }
    entries.push_back(std::move(entry));
  }
  return writer.add_bytes("manifest.json", write_docker_archive_manifest(entries));
}

Result<> write_oci_archive(Store& store, const std::vector<SaveItem>& items, TarWriter& writer, Progress* progress) {
  Index index;
  index.media_type = media_type::kOciIndex;
  std::set<Digest> blobs;
  WARD_TRY(writer.add_bytes("oci-layout", write_oci_layout_file()));
  WARD_TRY(writer.add_directory("blobs"));
  WARD_TRY(writer.add_directory("blobs/sha256"));
  for (const auto& item : items) {
    const ImageRecord& image = item.image;
    if (image.manifest_digest.empty())
      return fail(ErrorKind::unsupported,
                  fmt::format("image {} has no manifest to save in an OCI archive", image.id.string()));
    Descriptor descriptor{.media_type = image.manifest_media_type,
                          .digest = image.manifest_digest,
                          .size = static_cast<std::int64_t>(WARD_TRY(store.blobs().blob_size(image.manifest_digest)))};
    std::vector<Digest> needed = {image.manifest_digest, image.config_digest};
    for (const auto& layer : image.layers) needed.push_back(layer.blob_digest);
    for (const auto& digest : needed)
      if (blobs.insert(digest).second)
        WARD_TRY(add_blob(store, writer, "blobs/sha256/" + digest.hex(), digest, progress));
    if (item.tags.empty()) index.manifests.push_back(descriptor);
    for (const auto& tag : item.tags) {
      Descriptor named = descriptor;
      named.annotations["io.containerd.image.name"] = tag;
      named.annotations["org.opencontainers.image.ref.name"] = tag;
      index.manifests.push_back(std::move(named));
    }
  }
  return writer.add_bytes("index.json", write_index(index));
}

}  // namespace

std::optional<ArchiveFormat> parse_archive_format(std::string_view text) {
  if (text == "docker-archive") return ArchiveFormat::docker_archive;
  if (text == "oci-archive") return ArchiveFormat::oci_archive;
  return std::nullopt;
}

Result<> save_images(Store& store, const std::vector<SaveItem>& items, ArchiveFormat format, int fd,
                     const std::string& name, Progress* progress) {
  auto writer = WARD_TRY(TarWriter::create(fd, name));
  if (format == ArchiveFormat::docker_archive)
    WARD_TRY(write_docker_archive(store, items, writer, progress));
  else
    WARD_TRY(write_oci_archive(store, items, writer, progress));
  return writer.finish();
}

}  // namespace ward::image
