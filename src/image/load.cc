// `ward load` (load.h): stage the archive's blobs, assemble image rows,
// unpack each layer once, add the rows; on any failure, remove what this
// load stored and nothing references.
#include "image/load.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "image/layer_unpack.h"
#include "image/load_contents.h"
#include "util/fd.h"

namespace ward::image {

namespace {

// Unpacks layer `index` of `image` unless its chain ID is stored already.
Result<LayerRecord> ensure_layer(Store& store, const ImageRecord& image, std::size_t index, const LoadOptions& options,
                                 std::vector<Digest>& added_layers) {
  const ImageLayer& layer = image.layers[index];
  std::string id = short_id(layer.blob_digest);
  if (auto stored = WARD_TRY(store.find_layer(layer.chain_id))) {
    if (options.progress != nullptr) options.progress->end(id, "Already exists");
    return *stored;
  }
  auto pending = WARD_TRY(store.begin_layer(layer.chain_id));
  UniqueFd dir(::open(pending.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_errno(errno, fmt::format("open {}", pending.path()));
  auto blob = WARD_TRY(store.blobs().open_blob(layer.blob_digest));
  if (options.progress != nullptr)
    options.progress->begin(id, "Unpacking layer", static_cast<std::uint64_t>(layer.blob_size));
  UnpackOptions unpack{.compression = layer_compression(layer.blob_media_type),
                       .expected_blob_digest = layer.blob_digest,
                       .expected_diff_id = layer.diff_id,
                       .whiteouts = WhiteoutMode::overlay,
                       .rootless = options.rootless};
  auto unpacked =
      WARD_TRY(context(unpack_layer(blob.get(), dir.get(), unpack), "layer {}", layer.blob_digest.string()));
  LayerRecord record{.chain_id = layer.chain_id,
                     .diff_id = layer.diff_id,
                     .parent = index == 0 ? Digest() : image.layers[index - 1].chain_id,
                     .size = static_cast<std::int64_t>(unpacked.unpacked_size),
                     .blob_digest = layer.blob_digest,
                     .blob_media_type = layer.blob_media_type};
  auto committed = WARD_TRY(pending.commit(record));
  added_layers.push_back(layer.chain_id);
  if (options.progress != nullptr) options.progress->end(id, "Loaded");
  return committed;
}

Result<LoadedImage> commit_image(Store& store, ImageRecord image, const LoadOptions& options,
                                 std::vector<Digest>& added_layers) {
  image.size = 0;
  for (std::size_t i = 0; i < image.layers.size(); ++i)
    image.size += WARD_TRY(ensure_layer(store, image, i, options, added_layers)).size;
  WARD_TRY(store.add_image(image));
  return LoadedImage{image.id, image.repo_tags};
}

Result<std::unique_ptr<LoadContents>> open_input(Store& store, const std::string& input, const LoadOptions& options,
                                                 AddedBlobs& added, UniqueFd& file) {
  if (input == "-") return stage_tar_archive(store.blobs(), STDIN_FILENO, "stdin", options.progress, added);
  struct stat info {};
  if (::stat(input.c_str(), &info) != 0) return fail_errno(errno, input);
  if (S_ISDIR(info.st_mode)) return open_archive_directory(store.blobs(), input, options.progress, added);
  file = UniqueFd(::open(input.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file) return fail_errno(errno, fmt::format("open {}", input));
  return stage_tar_archive(store.blobs(), file.get(), input, options.progress, added);
}

}  // namespace

Result<LoadedImage> install_image(Store& store, ImageRecord image, const LoadOptions& options,
                                  std::span<const Digest> staged) {
  std::vector<Digest> added_layers;
  auto installed = commit_image(store, std::move(image), options, added_layers);
  if (!installed) (void)store.discard_unreferenced(staged, added_layers);
  return installed;
}

Result<std::vector<LoadedImage>> load_images(Store& store, const std::string& input, const LoadOptions& options) {
  AddedBlobs added_blobs;
  std::vector<Digest> added_layers;
  auto loaded = [&]() -> Result<std::vector<LoadedImage>> {
    UniqueFd file;
    auto contents = WARD_TRY(open_input(store, input, options, added_blobs, file));
    auto images = WARD_TRY(assemble_images(*contents, store.blobs(), options.platform, added_blobs));
    std::vector<LoadedImage> done;
    for (auto& image : images) done.push_back(WARD_TRY(commit_image(store, std::move(image), options, added_layers)));
    return done;
  }();
  // Whatever this load stored that no image row names: all of it after a
  // failure (no row was added, or the rows added stay whole), and the
  // blobs of index entries for other platforms after a success.
  auto discarded = store.discard_unreferenced(added_blobs, added_layers);
  // The archive's name leads the message, once: the tar reader names it
  // itself (it also reads stdin, "stdin").
  if (!loaded && !loaded.error().what().starts_with(input + ":")) return context(std::move(loaded), "{}", input);
  if (!loaded) return loaded;
  WARD_TRY(discarded);
  return loaded;
}

}  // namespace ward::image
