// The first pass of a load from a tar (load_contents.h): one read of the
// archive, front to back, so that a pipe works and nothing is read twice.
#include <fmt/format.h>

#include <map>
#include <set>

#include "image/archive_manifest.h"
#include "image/load_contents.h"
#include "image/tar_stream.h"

namespace ward::image {

namespace {

// Members up to this size are kept in memory (documents, configs, the
// legacy docker-archive's per-layer json and VERSION files, tiny layers);
// larger ones go to the blob store as they are read.
constexpr std::uint64_t kSmallMember = 1 << 20;
// How many links deep an alias may go before it is taken for a loop.
constexpr int kMaxLinkDepth = 16;

// "blobs/sha256/<hex>" names the blob it must hold; nullopt otherwise.
std::optional<Digest> digest_of_blob_path(std::string_view path) {
  if (!path.starts_with("blobs/")) return std::nullopt;
  std::string_view rest = path.substr(6);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto digest = Digest::parse(fmt::format("{}:{}", rest.substr(0, slash), rest.substr(slash + 1)));
  if (!digest) return std::nullopt;
  return *digest;
}

class StagedTar final : public LoadContents {
 public:
  StagedTar(BlobStore& blobs, std::string name, Progress* progress, AddedBlobs& added)
      : blobs_(blobs), name_(std::move(name)), progress_(progress), added_(added) {}

  Result<> read(TarStream& stream);

  Result<std::optional<std::string>> document(std::string_view path) override {
    auto member = WARD_TRY(resolve(path));
    if (auto small = small_.find(member); small != small_.end()) return small->second;
    if (auto blob = stored_.find(member); blob != stored_.end()) return WARD_TRY(blobs_.read_blob(blob->second));
    return std::nullopt;
  }

  Result<> ensure_blob(const Digest& digest, std::optional<std::uint64_t> size) override {
    if (blobs_.has_blob(digest)) {
      std::uint64_t stored = WARD_TRY(blobs_.blob_size(digest));
      if (size && stored != *size)
        return fail(ErrorKind::invalid_input, fmt::format("{}: blob {} is {} bytes, its descriptor says {}", name_,
                                                          digest.string(), stored, *size));
      return {};
    }
    // A small blob was kept in memory under its path.
    std::string path = fmt::format("blobs/{}/{}", digest_algorithm_name(digest.algorithm()), digest.hex());
    if (auto small = small_.find(path); small != small_.end()) {
      auto stored = WARD_TRY(store_bytes(small->second));
      if (stored != digest)
        return fail(ErrorKind::invalid_input,
                    fmt::format("{}: {}: content digest mismatch: got {}", name_, path, stored.string()));
      return ensure_blob(digest, size);
    }
    return fail(ErrorKind::not_found,
                fmt::format("{}: blob {} is named but not in the archive", name_, digest.string()));
  }

  Result<Digest> member_blob(std::string_view path) override {
    auto member = WARD_TRY(resolve(path));
    if (auto blob = stored_.find(member); blob != stored_.end()) return blob->second;
    if (auto small = small_.find(member); small != small_.end()) return store_bytes(small->second);
    return fail(ErrorKind::not_found, fmt::format("{}: \"{}\" is named but not in the archive", name_, path));
  }

 private:
  Result<Digest> store_bytes(const std::string& bytes) {
    auto digest = WARD_TRY(digest_of(bytes));
    bool had = blobs_.has_blob(digest);
    WARD_TRY(blobs_.put_blob(bytes));
    if (!had) added_.push_back(digest);
    return digest;
  }

  // A member path through the archive's symlinks and hard links.
  Result<std::string> resolve(std::string_view path) {
    std::string member = normalize_member_path(path);
    for (int depth = 0; depth < kMaxLinkDepth; ++depth) {
      auto link = links_.find(member);
      if (link == links_.end()) return member;
      member = link->second;
    }
    return fail(ErrorKind::invalid_input, fmt::format("{}: \"{}\": too many levels of links", name_, path));
  }

  Result<> stage_member(TarStream& stream, const TarMember& member, const std::string& path);

  BlobStore& blobs_;
  std::string name_;
  Progress* progress_;
  AddedBlobs& added_;
  std::map<std::string, std::string> small_;  // member path -> bytes
  std::map<std::string, Digest> stored_;      // member path -> blob
  std::map<std::string, std::string> links_;  // member path -> the member it stands for
};

Result<> StagedTar::stage_member(TarStream& stream, const TarMember& member, const std::string& path) {
  auto named = digest_of_blob_path(path);
  if (named && blobs_.has_blob(*named)) {
    stored_[path] = *named;  // already stored: its data is skipped
    return {};
  }
  if (member.size <= kSmallMember) {
    small_[path] = WARD_TRY(stream.read_all(kSmallMember));
    return {};
  }
  std::string id = named ? short_id(*named) : path;
  if (progress_ != nullptr) progress_->begin(id, "Loading layer", member.size);
  auto writer = WARD_TRY(blobs_.create_writer());
  WARD_TRY(stream.read_data([&](std::string_view chunk) -> Result<> {
    WARD_TRY(writer.write(chunk));
    if (progress_ != nullptr) progress_->advance(id, writer.size());
    return {};
  }));
  Digest digest;
  if (named) {
    WARD_TRY(context(writer.commit(*named, member.size), "{}: member \"{}\"", name_, member.path));
    digest = *named;
  } else {
    digest = WARD_TRY(writer.commit_as_written());
  }
  added_.push_back(digest);
  stored_[path] = digest;
  if (progress_ != nullptr) progress_->end(id, "Loaded");
  return {};
}

Result<> StagedTar::read(TarStream& stream) {
  while (auto member = WARD_TRY(stream.next())) {
    std::string path = normalize_member_path(member->path);
    if (path.empty()) continue;  // "./", or a name climbing out: never looked up
    switch (member->type) {
      case TarMemberType::file: WARD_TRY(stage_member(stream, *member, path)); break;
      case TarMemberType::hard_link: links_[path] = normalize_member_path(member->link_target); break;
      case TarMemberType::symlink: {
        // Relative to the link's directory ("../<id>/layer.tar" in docker save).
        auto slash = path.rfind('/');
        std::string base = slash == std::string::npos ? "" : path.substr(0, slash + 1);
        links_[path] = normalize_member_path(base + member->link_target);
        break;
      }
      case TarMemberType::directory:
      case TarMemberType::other: break;
    }
  }
  return {};
}

}  // namespace

std::string short_id(const Digest& digest) {
  return digest.hex().substr(0, 12);
}

Result<std::unique_ptr<LoadContents>> stage_tar_archive(BlobStore& blobs, int fd, std::string name, Progress* progress,
                                                        AddedBlobs& added) {
  auto stream = WARD_TRY(TarStream::open(fd, name));
  auto staged = std::make_unique<StagedTar>(blobs, std::move(name), progress, added);
  WARD_TRY(staged->read(stream));
  return staged;
}

}  // namespace ward::image
