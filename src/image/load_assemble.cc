// From an archive's documents to image rows (load_contents.h): docker
// save's manifest.json, or an OCI layout's index.json.
#include <unistd.h>

#include <fmt/format.h>

#include "image/archive_manifest.h"
#include "image/load_contents.h"
#include "image/platform.h"
#include "image/reference.h"

namespace ward::image {

namespace {

// The annotations an OCI index uses for an image's name: containerd's full
// name, else the OCI one, which holds a full reference or just a tag.
constexpr std::string_view kContainerdName = "io.containerd.image.name";
constexpr std::string_view kOciRefName = "org.opencontainers.image.ref.name";

Result<std::string> normalized_tag(std::string_view text, std::string_view where) {
  auto reference = parse_reference(text);
  if (!reference)
    return fail(ErrorKind::invalid_input, fmt::format("{}: tag \"{}\": {}", where, text, reference.error().message));
  if (reference->tag.empty() && !reference->digest)
    return fail(ErrorKind::invalid_input, fmt::format("{}: tag \"{}\" names no tag", where, text));
  return reference->string();
}

// The image's layers from its config's diff_ids and the layer blobs.
Result<> add_layers(ImageRecord& record, const ImageConfig& config, std::vector<Descriptor> blobs,
                    std::string_view where) {
  if (config.rootfs.diff_ids.size() != blobs.size())
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: the config names {} layers (rootfs.diff_ids), the manifest {}", where,
                            config.rootfs.diff_ids.size(), blobs.size()));
  std::vector<Digest> chains;
  if (!blobs.empty()) chains = WARD_TRY(chain_ids(config.rootfs.diff_ids));
  for (std::size_t i = 0; i < blobs.size(); ++i)
    record.layers.push_back(
        ImageLayer{chains[i], config.rootfs.diff_ids[i], blobs[i].digest, blobs[i].media_type, blobs[i].size});
  record.created = config.created;
  return {};
}

Result<ImageConfig> read_config(BlobStore& blobs, const Digest& digest, std::string_view where) {
  auto bytes = WARD_TRY(blobs.read_blob(digest));
  return context(parse_image_config(bytes), "{}: config {}", where, digest.string());
}

// A layer blob's media type for the manifest ward writes for a docker
// archive: an uncompressed tar is its own diff_id.
Result<std::string> docker_layer_type(BlobStore& blobs, const Digest& blob, const Digest& diff_id) {
  if (blob == diff_id) return std::string(media_type::kDockerLayerTar);
  auto fd = WARD_TRY(blobs.open_blob(blob));
  char magic[4] = {};
  ssize_t n = ::read(fd.get(), magic, sizeof magic);
  bool gzip = n >= 2 && static_cast<unsigned char>(magic[0]) == 0x1f && static_cast<unsigned char>(magic[1]) == 0x8b;
  if (gzip) return std::string(media_type::kDockerLayerGzip);
  bool zstd = n == 4 && static_cast<unsigned char>(magic[0]) == 0x28 && static_cast<unsigned char>(magic[1]) == 0xb5 &&
              static_cast<unsigned char>(magic[2]) == 0x2f && static_cast<unsigned char>(magic[3]) == 0xfd;
  if (zstd) return std::string(media_type::kOciLayerZstd);
  // Not compressed, yet not its diff_id: the unpacker's diff_id check will say so.
  return std::string(media_type::kDockerLayerTar);
}

Result<Digest> store_document(BlobStore& blobs, const std::string& bytes, AddedBlobs& added) {
  auto digest = WARD_TRY(digest_of(bytes));
  if (!blobs.has_blob(digest)) added.push_back(digest);
  WARD_TRY(blobs.put_blob(bytes));
  return digest;
}

Result<ImageRecord> docker_image(LoadContents& contents, BlobStore& blobs, const DockerArchiveImage& entry,
                                 AddedBlobs& added) {
  constexpr std::string_view where = "manifest.json";
  auto config_bytes = WARD_TRY(contents.document(entry.config));
  if (!config_bytes)
    return fail(ErrorKind::not_found, fmt::format("{}: config \"{}\" is not in the archive", where, entry.config));
  ImageRecord record;
  record.id = record.config_digest = WARD_TRY(store_document(blobs, *config_bytes, added));
  auto config = WARD_TRY(context(parse_image_config(*config_bytes), "{}: config \"{}\"", where, entry.config));
  if (config.rootfs.diff_ids.size() != entry.layers.size())
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: config \"{}\" names {} layers, the manifest {}", where, entry.config,
                            config.rootfs.diff_ids.size(), entry.layers.size()));
  Manifest manifest;
  manifest.media_type = media_type::kDockerManifest;
  manifest.config = Descriptor{.media_type = std::string(media_type::kDockerConfig),
                               .digest = record.config_digest,
                               .size = static_cast<std::int64_t>(config_bytes->size())};
  for (std::size_t i = 0; i < entry.layers.size(); ++i) {
    auto blob = WARD_TRY(contents.member_blob(entry.layers[i]));
    manifest.layers.push_back(
        Descriptor{.media_type = WARD_TRY(docker_layer_type(blobs, blob, config.rootfs.diff_ids[i])),
                   .digest = blob,
                   .size = static_cast<std::int64_t>(WARD_TRY(blobs.blob_size(blob)))});
  }
  WARD_TRY(add_layers(record, config, manifest.layers, where));
  record.manifest_digest = WARD_TRY(store_document(blobs, write_manifest(manifest), added));
  record.manifest_media_type = manifest.media_type;
  for (const auto& tag : entry.repo_tags) record.repo_tags.push_back(WARD_TRY(normalized_tag(tag, where)));
  return record;
}

Result<ImageRecord> oci_image(LoadContents& contents, BlobStore& blobs, const Descriptor& descriptor) {
  std::string where = fmt::format("manifest {}", descriptor.digest.string());
  WARD_TRY(contents.ensure_blob(descriptor.digest, static_cast<std::uint64_t>(descriptor.size)));
  auto manifest = WARD_TRY(context(parse_manifest(WARD_TRY(blobs.read_blob(descriptor.digest))), "{}", where));
  WARD_TRY(contents.ensure_blob(manifest.config.digest, static_cast<std::uint64_t>(manifest.config.size)));
  for (const auto& layer : manifest.layers) {
    if (!layer_compression(layer.media_type))
      return fail(ErrorKind::invalid_input, fmt::format("{}: \"{}\" is not a layer media type (not a container image?)",
                                                        where, layer.media_type));
    WARD_TRY(contents.ensure_blob(layer.digest, static_cast<std::uint64_t>(layer.size)));
  }
  ImageRecord record;
  record.id = record.config_digest = manifest.config.digest;
  record.manifest_digest = descriptor.digest;
  record.manifest_media_type =
      manifest.media_type.empty() ? std::string(media_type::kOciManifest) : manifest.media_type;
  auto config = WARD_TRY(read_config(blobs, manifest.config.digest, where));
  WARD_TRY(add_layers(record, config, manifest.layers, where));
  return record;
}

// The name an index entry gives its image: a full reference, or none when
// the OCI annotation holds only a tag (there is no repository to put it in).
Result<std::optional<std::string>> index_entry_name(const Descriptor& descriptor) {
  auto find = [&](std::string_view key) -> const std::string* {
    auto found = descriptor.annotations.find(std::string(key));
    return found == descriptor.annotations.end() ? nullptr : &found->second;
  };
  const std::string* name = find(kContainerdName);
  if (name == nullptr) name = find(kOciRefName);
  if (name == nullptr || name->find_first_of(":/@") == std::string::npos) return std::nullopt;
  return WARD_TRY(normalized_tag(*name, "index.json"));
}

Result<std::vector<ImageRecord>> oci_images(LoadContents& contents, BlobStore& blobs, const std::string& index_json,
                                            const Platform& platform) {
  auto index = WARD_TRY(context(parse_index(index_json), "index.json"));
  std::vector<ImageRecord> images;
  for (const auto& entry : index.manifests) {
    Descriptor manifest = entry;
    if (is_index_media_type(entry.media_type)) {
      WARD_TRY(contents.ensure_blob(entry.digest, static_cast<std::uint64_t>(entry.size)));
      auto nested =
          WARD_TRY(context(parse_index(WARD_TRY(blobs.read_blob(entry.digest))), "index {}", entry.digest.string()));
      manifest = WARD_TRY(context(select_manifest(nested, platform), "index {}", entry.digest.string()));
    } else if (!is_manifest_media_type(entry.media_type)) {
      continue;  // an artifact (a signature, an SBOM): not an image to load
    }
    auto record = WARD_TRY(oci_image(contents, blobs, manifest));
    if (auto name = WARD_TRY(index_entry_name(entry))) {
      record.repo_tags.push_back(*name);
    }
    images.push_back(std::move(record));
  }
  if (images.empty()) return fail(ErrorKind::invalid_input, "index.json: names no image manifest");
  return images;
}

}  // namespace

Result<std::vector<ImageRecord>> assemble_images(LoadContents& contents, BlobStore& blobs, const Platform& platform,
                                                 AddedBlobs& added) {
  if (auto manifest = WARD_TRY(contents.document("manifest.json"))) {
    std::vector<ImageRecord> images;
    for (const auto& entry : WARD_TRY(parse_docker_archive_manifest(*manifest)))
      images.push_back(WARD_TRY(docker_image(contents, blobs, entry, added)));
    return images;
  }
  auto layout = WARD_TRY(contents.document("oci-layout"));
  auto index = WARD_TRY(contents.document("index.json"));
  if (!layout || !index)
    return fail(ErrorKind::invalid_input,
                "not an image archive: neither manifest.json (docker save) nor oci-layout and index.json (OCI layout)");
  WARD_TRY(check_oci_layout_file(*layout));
  return oci_images(contents, blobs, *index, platform);
}

}  // namespace ward::image
