// `ward push` (push.h).
#include "image/push.h"

#include <fmt/format.h>

#include "image/load_contents.h"
#include "image/spec.h"

namespace ward::image {

namespace {

// A repository of the same registry that an image in the store came from
// and that holds `blob`: where a cross-repository mount can take it.
Result<std::string> mount_source(Store& store, const Reference& target, const Digest& blob) {
  auto images = WARD_TRY(store.list_images());
  for (const auto& image : images) {
    bool has_blob =
        std::ranges::any_of(image.layers, [&](const ImageLayer& layer) { return layer.blob_digest == blob; });
    if (!has_blob) continue;
    for (const auto& text : image.repo_digests) {
      auto reference = parse_reference(text);
      if (reference && reference->domain == target.domain && reference->path != target.path) return reference->path;
    }
  }
  return std::string();
}

Result<> push_blob(Store& store, RegistryClient& client, const Reference& target, const Digest& digest,
                   const PushOptions& options, bool is_layer) {
  std::string id = short_id(digest);
  auto say = [&](std::string_view status) {
    if (is_layer && options.report) options.report(id, status);
  };
  if (WARD_TRY(client.blob_exists(digest))) {
    say("Layer already exists");
    return {};
  }
  if (is_layer) {
    auto from = WARD_TRY(mount_source(store, target, digest));
    if (!from.empty() && WARD_TRY(client.mount_blob(digest, from))) {
      say(fmt::format("Mounted from {}", from));
      return {};
    }
  }
  auto fd = WARD_TRY(store.blobs().open_blob(digest));
  auto size = WARD_TRY(store.blobs().blob_size(digest));
  if (is_layer && options.progress != nullptr) options.progress->begin(id, "Pushing", size);
  WARD_TRY(client.upload_blob(digest, fd.get(), size, is_layer ? options.progress : nullptr, id));
  if (is_layer && options.progress != nullptr) options.progress->end(id, "Pushed");
  say("Pushed");
  return {};
}

}  // namespace

Result<PushResult> push_image(Store& store, const ImageRecord& image, const Reference& reference,
                              const PushOptions& options) {
  std::string name = reference.name();
  if (image.manifest_digest.empty())
    return fail(ErrorKind::unsupported,
                fmt::format("push {}: image {} has no stored manifest (an imported image): not supported yet", name,
                            image.id.string()));
  auto manifest_bytes = WARD_TRY(store.blobs().read_blob(image.manifest_digest));
  auto manifest =
      WARD_TRY(context(parse_manifest(manifest_bytes), "push {}: manifest {}", name, image.manifest_digest.string()));
  RegistryOptions registry = options.registry;
  registry.push = true;
  auto client = WARD_TRY(context(RegistryClient::connect(reference.domain, reference.path, registry), "push {}", name));
  for (const auto& layer : manifest.layers)
    WARD_TRY(context(push_blob(store, client, reference, layer.digest, options, true), "push {}", name));
  WARD_TRY(context(push_blob(store, client, reference, manifest.config.digest, options, false), "push {}", name));
  std::string tag = reference.tag.empty() ? std::string(kDefaultTag) : reference.tag;
  std::string type = manifest.media_type.empty() ? image.manifest_media_type : manifest.media_type;
  auto digest = WARD_TRY(client.put_manifest(tag, type, manifest_bytes));
  // The image now has a digest in that repository: record it, as Docker does.
  ImageRecord named = image;
  named.repo_tags.clear();
  named.repo_digests = {fmt::format("{}@{}", name, digest.string())};
  WARD_TRY(context(store.add_image(named), "push {}: record the repo digest", name));
  return PushResult{tag, digest, manifest_bytes.size()};
}

}  // namespace ward::image
