// Engine::commit: `ward commit`, a new image made of the container's
// image's layers and one more, its writable layer as an OCI layer tar:
// overlay whiteouts (char 0:0) become `.wh.NAME` entries and opaque
// directories (trusted.overlay.opaque) `.wh..wh..opq`; owners are shifted
// back from the container's host ids to its own; the runtime's mount
// points are left out.  The config is the container's (Cmd, Entrypoint,
// Env, WorkingDir, User, Labels over the image's), then the --change
// instructions; a history entry carries author and comment.
//
// The layer goes through the store as a load does: written under tmp/
// (removed with this process, or by the next Store::open if it dies),
// into a blob through its digest check, unpacked once, and the image row
// added in one transaction (image/load.h install_image).  A running
// container is frozen while its layer is read, unless asked not to be.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/container_events.h"
#include "engine/container_root.h"
#include "engine/engine.h"
#include "engine/file_tree.h"
#include "image/config_change.h"
#include "image/layer_write.h"
#include "image/load.h"
#include "image/reference.h"
#include "image/spec.h"
#include "util/clock.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

// Removes a directory tree when it goes out of scope.
class TempDirectory {
 public:
  explicit TempDirectory(std::string path) : path_(std::move(path)) {}
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  ~TempDirectory() { (void)sys::remove_all(path_); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct NewLayer {
  image::WrittenLayer written;
  UniqueFd file;  // the tar, under the temp directory
};

Result<NewLayer> write_layer(const std::string& upper, const std::optional<HostIds>& ids, const std::string& path) {
  NewLayer layer;
  layer.file = WARD_TRY(sys::open(path, O_RDWR | O_CREAT | O_EXCL, 0600));
  auto writer = WARD_TRY(image::LayerWriter::create(layer.file.get()));
  auto upper_fd = WARD_TRY(sys::open(upper, O_PATH | O_DIRECTORY));
  WalkOptions walk{.shift = ids, .xattrs = true, .overlay_whiteouts = true, .skip_mount_points = true};
  WARD_TRY(walk_tree(upper_fd.get(), "", "", walk,
                     [&](const image::LayerEntry& entry, const EntryContent& content) -> Result<> {
                       if (entry.type == image::LayerEntryType::file && content.fd >= 0)
                         return writer.add_streamed(entry, content.fd, content.size);
                       return writer.add(entry);
                     }));
  layer.written = WARD_TRY(writer.finish());
  return layer;
}

Result<> store_blob(image::BlobStore& blobs, const NewLayer& layer) {
  if (::lseek(layer.file.get(), 0, SEEK_SET) < 0) return fail_errno(errno, "rewind the layer");
  auto writer = WARD_TRY(blobs.create_writer());
  std::vector<char> buffer(1 << 20);
  for (;;) {
    ssize_t n = sys::raw::read_some(layer.file.get(), buffer.data(), buffer.size());
    if (n < 0) return fail_errno(static_cast<int>(-n), "read the layer");
    if (n == 0) break;
    WARD_TRY(writer.write(std::string_view(buffer.data(), static_cast<std::size_t>(n))));
  }
  return writer.commit(layer.written.blob_digest, layer.written.blob_size);
}

image::ImageConfig committed_config(image::ImageConfig config, const ContainerSpec& spec,
                                    const CommitRequest& request) {
  config.created = now_rfc3339();
  config.author = request.author;
  config.config.cmd = spec.cmd;
  config.config.entrypoint = spec.entrypoint;
  config.config.env = spec.env;
  config.config.working_dir = spec.working_dir;
  config.config.user = spec.user;
  config.config.labels = spec.labels;
  if (!spec.stop_signal.empty()) config.config.stop_signal = spec.stop_signal;
  return config;
}

}  // namespace

Result<image::Digest> Engine::commit(const ContainerRecord& container, const CommitRequest& request) {
  // The instructions and the name are checked before anything is done.
  image::ContainerConfig scratch;
  for (const auto& change : request.changes) WARD_TRY(image::apply_config_change(scratch, change));
  std::vector<std::string> tags;
  if (!request.reference.empty()) {
    auto reference = WARD_TRY(image::parse_reference(request.reference));
    if (reference.digest)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: a commit is named by a tag, not a digest", request.reference));
    tags.push_back(reference.string());
  }

  auto current = WARD_TRY(reconcile(container));
  bool running = current.status == ContainerStatus::running;
  UniqueFd lock;
  if (!running) lock = WARD_TRY(lock_writable_layer(layer_dir(current.id)));
  bool paused_here = false;
  if (running && request.pause && !current.paused) {
    WARD_TRY(pause(current));
    paused_here = true;
  }
  auto thaw = [&] {
    // Thawed by its fresh row: `current` still says it is not paused.
    if (auto paused = find_container(store_.database(), current.id); paused_here && paused) (void)unpause(*paused);
    paused_here = false;
  };
  auto ids = find_user_ids(store_.database(), current.id);
  if (!ids) return thaw(), std::unexpected(ids.error());
  auto temp = store_.make_temp_directory("commit");
  if (!temp) return thaw(), std::unexpected(temp.error());
  TempDirectory temp_dir(*temp);
  auto layer = context(write_layer(layer_dir(current.id) + "/upper", *ids, temp_dir.path() + "/layer.tar"), "commit {}",
                       current.name);
  thaw();
  lock.reset();
  if (!layer) return std::unexpected(layer.error());

  auto image = WARD_TRY(store_.image(WARD_TRY(image::Digest::parse(current.image_id))));
  auto base = WARD_TRY(image::parse_image_config(WARD_TRY(store_.blobs().read_blob(image.config_digest))));
  std::vector<image::Digest> staged;
  auto committed = [&]() -> Result<image::LoadedImage> {
    WARD_TRY(store_blob(store_.blobs(), *layer));
    staged.push_back(layer->written.blob_digest);
    auto config = committed_config(std::move(base), current.spec, request);
    for (const auto& change : request.changes) WARD_TRY(image::apply_config_change(config.config, change));
    config.rootfs.diff_ids.push_back(layer->written.diff_id);
    config.history.push_back(image::HistoryEntry{.created = config.created,
                                                 .created_by = fmt::format("{}", fmt::join(current.spec.cmd, " ")),
                                                 .author = request.author,
                                                 .comment = request.comment,
                                                 .empty_layer = false});
    bool docker = image.manifest_media_type == image::media_type::kDockerManifest;
    std::string layer_type(docker ? image::media_type::kDockerLayerTar : image::media_type::kOciLayerTar);
    std::string config_json = image::write_image_config(config);
    image::ImageRecord record;
    record.id = record.config_digest = WARD_TRY(store_.blobs().put_blob(config_json));
    staged.push_back(record.id);
    record.created = config.created;
    record.repo_tags = tags;
    record.layers = image.layers;
    auto chains = WARD_TRY(image::chain_ids(config.rootfs.diff_ids));
    record.layers.push_back(image::ImageLayer{chains.back(), layer->written.diff_id, layer->written.blob_digest,
                                              layer_type, static_cast<std::int64_t>(layer->written.blob_size)});
    // A manifest when every layer has its blob (an image ward made without
    // them has none to name).
    bool all_blobs = std::all_of(record.layers.begin(), record.layers.end(),
                                 [](const image::ImageLayer& l) { return !l.blob_digest.empty(); });
    if (all_blobs) {
      image::Manifest manifest;
      manifest.media_type = docker ? image::media_type::kDockerManifest : image::media_type::kOciManifest;
      manifest.config = image::Descriptor{
          .media_type = std::string(docker ? image::media_type::kDockerConfig : image::media_type::kOciConfig),
          .digest = record.config_digest,
          .size = static_cast<std::int64_t>(config_json.size())};
      for (const auto& l : record.layers)
        manifest.layers.push_back(
            image::Descriptor{.media_type = l.blob_media_type, .digest = l.blob_digest, .size = l.blob_size});
      record.manifest_digest = WARD_TRY(store_.blobs().put_blob(image::write_manifest(manifest)));
      record.manifest_media_type = manifest.media_type;
      staged.push_back(record.manifest_digest);
    }
    return image::install_image(store_, std::move(record), image::LoadOptions{}, staged);
  }();
  if (!committed) {
    (void)store_.discard_unreferenced(staged, {});
    auto error = committed.error();
    error.wrap(fmt::format("commit {}", current.name));
    return std::unexpected(std::move(error));
  }
  note_container_event(store_.database(), current, "commit",
                       {{"comment", request.comment},
                        {"imageID", committed->id.string()},
                        {"imageRef", request.reference.empty() ? "" : tags.front()}});
  return committed->id;
}

}  // namespace ward::engine
