// `ward pull` (pull.h).
#include "image/pull.h"

#include <algorithm>

#include <fmt/format.h>

#include "image/load_contents.h"
#include "image/platform.h"
#include "image/spec.h"

namespace ward::image {

namespace {

// Stores blob `descriptor` unless the store has it; records it in `staged`.
Result<> ensure_blob(Store& store, RegistryClient& client, const Descriptor& descriptor, Progress* progress,
                     std::vector<Digest>& staged) {
  std::string id = short_id(descriptor.digest);
  if (store.blobs().has_blob(descriptor.digest)) {
    if (progress != nullptr) progress->end(id, "Already exists");
    return {};
  }
  if (descriptor.digest.algorithm() != DigestAlgorithm::sha256)
    return fail(ErrorKind::unsupported,
                fmt::format("blob {}: only sha256 blobs are stored (not supported yet)", descriptor.digest.string()));
  auto size = static_cast<std::uint64_t>(descriptor.size);
  if (progress != nullptr) progress->begin(id, "Downloading", size);
  auto writer = WARD_TRY(store.blobs().create_writer());
  WARD_TRY(client.fetch_blob(descriptor.digest, size, writer, progress, id));
  staged.push_back(descriptor.digest);
  if (progress != nullptr) progress->end(id, "Download complete");
  return {};
}

Result<PullResult> pull(Store& store, const Reference& reference, const PullOptions& options,
                        std::vector<Digest>& staged) {
  Progress* progress = options.load.progress;
  auto client = WARD_TRY(RegistryClient::connect(reference.domain, reference.path, options.registry));
  std::string wanted = reference.digest ? reference.digest->string() : reference.tag;
  auto fetched = WARD_TRY(client.get_manifest(wanted));
  if (options.found) options.found();
  Digest repo_digest = fetched.digest;  // the index's when there is one, as Docker records it
  std::string where = fmt::format("{}@{}", reference.name(), fetched.digest.string());
  if (is_index_media_type(fetched.media_type)) {
    auto index = WARD_TRY(context(parse_index(fetched.body), "{}", where));
    auto chosen = WARD_TRY(context(select_manifest(index, options.load.platform), "{}", where));
    fetched = WARD_TRY(client.get_manifest(chosen.digest.string()));
    where = fmt::format("{}@{}", reference.name(), fetched.digest.string());
    if (!is_manifest_media_type(fetched.media_type))
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: the index names a \"{}\", not an image manifest", where, fetched.media_type));
  } else if (!is_manifest_media_type(fetched.media_type)) {
    return fail(ErrorKind::unsupported, fmt::format("{}: media type \"{}\" is not a container image (not supported)",
                                                    where, fetched.media_type));
  }
  if (fetched.digest.algorithm() != DigestAlgorithm::sha256)
    return fail(ErrorKind::unsupported, fmt::format("{}: only sha256 manifests are stored (not supported yet)", where));
  auto manifest = WARD_TRY(context(parse_manifest(fetched.body), "{}", where));
  for (const auto& layer : manifest.layers) {
    if (!layer_compression(layer.media_type))
      return fail(ErrorKind::invalid_input, fmt::format("{}: \"{}\" is not a layer media type (not a container image?)",
                                                        where, layer.media_type));
  }

  ImageRecord record;
  record.id = record.config_digest = manifest.config.digest;
  record.manifest_digest = fetched.digest;
  record.manifest_media_type =
      manifest.media_type.empty() ? std::string(media_type::kOciManifest) : manifest.media_type;
  if (!reference.tag.empty()) {
    Reference tagged = reference;
    tagged.digest.reset();
    record.repo_tags.push_back(tagged.string());
  }
  record.repo_digests.push_back(fmt::format("{}@{}", reference.name(), repo_digest.string()));

  // The image may be here already: then only its names are added.
  bool up_to_date = false;
  if (auto existing = store.image(record.id)) {
    up_to_date = std::ranges::all_of(record.repo_tags, [&](const auto& tag) {
      return std::ranges::find(existing->repo_tags, tag) != existing->repo_tags.end();
    });
  }

  if (!store.blobs().has_blob(fetched.digest)) {
    auto stored = WARD_TRY(store.blobs().put_blob(fetched.body));
    staged.push_back(stored);
  }
  WARD_TRY(ensure_blob(store, client, manifest.config, nullptr, staged));
  auto config_bytes = WARD_TRY(store.blobs().read_blob(manifest.config.digest));
  auto config =
      WARD_TRY(context(parse_image_config(config_bytes), "{}: config {}", where, manifest.config.digest.string()));
  if (config.rootfs.diff_ids.size() != manifest.layers.size())
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: the config names {} layers (rootfs.diff_ids), the manifest {}", where,
                            config.rootfs.diff_ids.size(), manifest.layers.size()));
  std::vector<Digest> chains;
  if (!manifest.layers.empty()) chains = WARD_TRY(chain_ids(config.rootfs.diff_ids));
  for (std::size_t i = 0; i < manifest.layers.size(); ++i) {
    const Descriptor& layer = manifest.layers[i];
    WARD_TRY(context(ensure_blob(store, client, layer, progress, staged), "{}", where));
    record.layers.push_back(
        ImageLayer{chains[i], config.rootfs.diff_ids[i], layer.digest, layer.media_type, layer.size});
  }
  record.created = config.created;
  WARD_TRY(context(install_image(store, record, options.load, staged), "{}", where));
  return PullResult{record.id, repo_digest, !up_to_date};
}

}  // namespace

Result<PullResult> pull_image(Store& store, const Reference& reference, const PullOptions& options) {
  std::vector<Digest> staged;
  auto pulled = pull(store, reference, options, staged);
  if (!pulled) (void)store.discard_unreferenced(staged, {});
  return pulled;
}

}  // namespace ward::image
