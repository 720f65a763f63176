// `ward pull` (pull.h).
#include "image/pull.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "image/load_contents.h"
#include "image/platform.h"
#include "image/spec.h"

namespace ward::image {

namespace {

// At most this many layers download at once, as Docker does.
constexpr std::size_t kParallelDownloads = 3;

// Progress from several downloading threads, one at a time to the front end.
class SerializedProgress final : public Progress {
 public:
  explicit SerializedProgress(Progress& out) : out_(out) {}
  void begin(std::string_view id, std::string_view action, std::uint64_t total) override {
    std::lock_guard lock(mutex_);
    out_.begin(id, action, total);
  }
  void advance(std::string_view id, std::uint64_t done) override {
    std::lock_guard lock(mutex_);
    out_.advance(id, done);
  }
  void end(std::string_view id, std::string_view status) override {
    std::lock_guard lock(mutex_);
    out_.end(id, status);
  }

 private:
  Progress& out_;
  std::mutex mutex_;
};

// Stores blob `descriptor` unless the store has it; records it in `staged`
// (under `staged_mutex` when given: downloads run in parallel).
Result<> ensure_blob(Store& store, RegistryClient& client, const Descriptor& descriptor, Progress* progress,
                     std::vector<Digest>& staged, std::mutex* staged_mutex = nullptr,
                     const std::atomic<bool>* cancel = nullptr) {
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
  WARD_TRY(client.fetch_blob(descriptor.digest, size, writer, progress, id, cancel));
  if (staged_mutex != nullptr) {
    std::lock_guard lock(*staged_mutex);
    staged.push_back(descriptor.digest);
  } else {
    staged.push_back(descriptor.digest);
  }
  if (progress != nullptr) progress->end(id, "Download complete");
  return {};
}

// The layers, up to kParallelDownloads at a time, each worker with its own
// copy of the client (its own connections and token).  The first failure
// cancels the others and is returned once all have stopped; what they had
// half-written is removed with their writers, what they stored is in
// `staged` for the caller to discard.
Result<> fetch_layers(Store& store, const RegistryClient& client, const std::vector<Descriptor>& layers,
                      Progress* progress, std::vector<Digest>& staged) {
  std::optional<SerializedProgress> serialized;
  if (progress != nullptr) progress = &serialized.emplace(*progress);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancel{false};
  std::mutex mutex;  // staged and first_error
  std::optional<Error> first_error;
  auto work = [&] {
    RegistryClient own = client;
    while (!cancel.load()) {
      std::size_t i = next.fetch_add(1);
      if (i >= layers.size()) return;
      auto done = ensure_blob(store, own, layers[i], progress, staged, &mutex, &cancel);
      if (!done) {
        std::lock_guard lock(mutex);
        if (!first_error && !cancel.load()) first_error = std::move(done.error());
        cancel.store(true);
        return;
      }
    }
  };
  std::vector<std::thread> workers;
  std::size_t wanted = std::min(kParallelDownloads, layers.size());
  for (std::size_t i = 1; i < wanted; ++i) {
    try {
      workers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // fewer threads: the ones running take the rest
    }
  }
  work();
  for (auto& worker : workers) worker.join();
  if (first_error) return std::unexpected(std::move(*first_error));
  return {};
}

Result<PullResult> pull(Store& store, const Reference& reference, const PullOptions& options,
                        std::vector<Digest>& staged) {
  Progress* progress = options.load.progress;
  std::vector<RegistryEndpoint> endpoints = {{reference, false, false}};
  if (options.registries != nullptr) endpoints = WARD_TRY(pull_endpoints(*options.registries, reference));
  std::string wanted = reference.digest ? reference.digest->string() : reference.tag;
  // The first endpoint that answers with the manifest serves the pull.
  std::optional<RegistryClient> found;
  FetchedManifest fetched;
  std::string mirror_errors;
  for (const auto& endpoint : endpoints) {
    RegistryOptions registry = options.registry;
    if (endpoint.insecure) registry.tls_verify = false;
    auto attempt = [&]() -> Result<> {
      auto client = WARD_TRY(RegistryClient::connect(endpoint.reference.domain, endpoint.reference.path, registry));
      fetched = WARD_TRY(client.get_manifest(wanted));
      found.emplace(std::move(client));
      return {};
    };
    auto tried = attempt();
    if (tried) break;
    if (!endpoint.mirror) {
      if (!mirror_errors.empty()) tried.error().message += fmt::format(" (mirrors tried first: {})", mirror_errors);
      return std::unexpected(std::move(tried.error()));
    }
    mirror_errors +=
        fmt::format("{}{}: {}", mirror_errors.empty() ? "" : "; ", endpoint.reference.name(), tried.error().message);
  }
  RegistryClient& client = *found;
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
  WARD_TRY(context(fetch_layers(store, client, manifest.layers, progress, staged), "{}", where));
  for (std::size_t i = 0; i < manifest.layers.size(); ++i) {
    const Descriptor& layer = manifest.layers[i];
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
