// import.h.
#include "image/import.h"

#include <archive.h>

#include <chrono>
#include <ctime>
#include <memory>

#include <fmt/format.h>

#include "image/config_change.h"
#include "image/load_contents.h"
#include "image/platform.h"
#include "image/reference.h"
#include "image/spec.h"

namespace ward::image {

namespace {

struct ReadFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() % 1000000000;
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  return fmt::format("{}.{:09d}Z", text, nanos);
}

// The uncompressed tar, hashed into a blob as it is decompressed.
Result<std::pair<Digest, std::uint64_t>> store_uncompressed(BlobStore& blobs, int fd, const std::string& source,
                                                            Progress* progress) {
  std::unique_ptr<archive, ReadFree> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_fd(reader.get(), fd, 1 << 20) != ARCHIVE_OK)
    return fail(ErrorKind::invalid_input, fmt::format("{}: {}", source, archive_error_string(reader.get())));
  int header = archive_read_next_header(reader.get(), &entry);
  if (header == ARCHIVE_EOF) return fail(ErrorKind::invalid_input, fmt::format("{}: empty input, not a tar", source));
  if (header != ARCHIVE_OK)
    return fail(ErrorKind::invalid_input, fmt::format("{}: {}", source, archive_error_string(reader.get())));
  auto writer = WARD_TRY(blobs.create_writer());
  if (progress != nullptr) progress->begin(source, "Importing", 0);
  std::string buffer(1 << 20, '\0');
  for (;;) {
    la_ssize_t n = archive_read_data(reader.get(), buffer.data(), buffer.size());
    if (n < 0) return fail(ErrorKind::invalid_input, fmt::format("{}: {}", source, archive_error_string(reader.get())));
    if (n == 0) break;
    WARD_TRY(writer.write(std::string_view(buffer.data(), static_cast<std::size_t>(n))));
    if (progress != nullptr) progress->advance(source, writer.size());
  }
  std::uint64_t size = writer.size();
  auto digest = WARD_TRY(writer.commit_as_written());
  if (progress != nullptr) progress->end(source, "Imported");
  return std::pair{digest, size};
}

Result<ImageRecord> describe_image(Store& store, const Digest& layer, std::uint64_t layer_size,
                                   const std::string& source, const ImportOptions& options,
                                   std::vector<Digest>& staged) {
  ImageConfig config;
  config.created = now_rfc3339();
  config.platform = options.load.platform.os.empty() ? host_platform() : options.load.platform;
  for (const auto& change : options.changes) WARD_TRY(apply_config_change(config.config, change));
  config.rootfs.diff_ids = {layer};
  config.history.push_back(
      HistoryEntry{.created = config.created,
                   .created_by = "",
                   .author = "",
                   .comment = options.message.empty() ? "Imported from " + source : options.message,
                   .empty_layer = false});
  std::string config_json = write_image_config(config);
  Manifest manifest;
  manifest.media_type = media_type::kOciManifest;
  manifest.config = Descriptor{.media_type = std::string(media_type::kOciConfig),
                               .digest = WARD_TRY(store.blobs().put_blob(config_json)),
                               .size = static_cast<std::int64_t>(config_json.size())};
  staged.push_back(manifest.config.digest);
  manifest.layers.push_back(Descriptor{.media_type = std::string(media_type::kOciLayerTar),
                                       .digest = layer,
                                       .size = static_cast<std::int64_t>(layer_size)});
  ImageRecord record;
  record.id = record.config_digest = manifest.config.digest;
  record.manifest_digest = WARD_TRY(store.blobs().put_blob(write_manifest(manifest)));
  staged.push_back(record.manifest_digest);
  record.manifest_media_type = manifest.media_type;
  record.created = config.created;
  record.layers.push_back(
      ImageLayer{layer, layer, layer, std::string(media_type::kOciLayerTar), static_cast<std::int64_t>(layer_size)});
  if (!options.reference.empty()) {
    auto reference = WARD_TRY(parse_reference(options.reference));
    if (reference.digest)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: an import is named by a tag, not a digest", options.reference));
    record.repo_tags.push_back(reference.string());
  }
  return record;
}

}  // namespace

Result<LoadedImage> import_rootfs(Store& store, int fd, const std::string& source, const ImportOptions& options) {
  // The changes and the name are checked before anything is read or stored.
  ContainerConfig scratch;
  for (const auto& change : options.changes) WARD_TRY(apply_config_change(scratch, change));
  if (!options.reference.empty()) WARD_TRY(parse_reference(options.reference));
  std::vector<Digest> staged;
  auto imported = [&]() -> Result<LoadedImage> {
    auto [layer, size] = WARD_TRY(store_uncompressed(store.blobs(), fd, source, options.load.progress));
    staged.push_back(layer);
    auto record = WARD_TRY(describe_image(store, layer, size, source, options, staged));
    return install_image(store, std::move(record), options.load, staged);
  }();
  if (!imported) (void)store.discard_unreferenced(staged, {});
  return context(std::move(imported), "{}", source);
}

}  // namespace ward::image
