// Loading from a directory: an OCI image layout (what `skopeo copy
// oci:DIR` writes) or an unpacked docker-archive.  Blobs are copied into
// the store only when an image needs them, verified as they are copied.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "image/archive_manifest.h"
#include "image/load_contents.h"
#include "util/fd.h"

namespace ward::image {

namespace {

// A document bigger than this is not a manifest or config of any real image.
constexpr std::uint64_t kMaxDocument = 16 << 20;
constexpr std::size_t kCopyChunk = 1 << 20;

class ArchiveDirectory final : public LoadContents {
 public:
  ArchiveDirectory(BlobStore& blobs, std::string dir, UniqueFd dir_fd, Progress* progress, AddedBlobs& added)
      : blobs_(blobs), dir_(std::move(dir)), dir_fd_(std::move(dir_fd)), progress_(progress), added_(added) {}

  Result<std::optional<std::string>> document(std::string_view path) override {
    auto file = WARD_TRY(open_member(path));
    if (!file) return std::nullopt;
    struct stat info {};
    if (::fstat(file->get(), &info) != 0) return fail_errno(errno, fmt::format("{}/{}", dir_, path));
    if (static_cast<std::uint64_t>(info.st_size) > kMaxDocument)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}/{}: {} bytes is too large for an image document", dir_, path, info.st_size));
    std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::read(file->get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_errno(errno, fmt::format("read {}/{}", dir_, path));
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
  }

  Result<> ensure_blob(const Digest& digest, std::optional<std::uint64_t> size) override {
    if (blobs_.has_blob(digest)) return {};
    std::string path = fmt::format("blobs/{}/{}", digest_algorithm_name(digest.algorithm()), digest.hex());
    auto file = WARD_TRY(open_member(path));
    if (!file)
      return fail(ErrorKind::not_found,
                  fmt::format("{}: blob {} is named but {} does not exist", dir_, digest.string(), path));
    auto copied = WARD_TRY(copy_into_blob(blobs_, file->get(), &digest, size, short_id(digest), progress_));
    if (copied.added) added_.push_back(copied.digest);
    return {};
  }

  Result<Digest> member_blob(std::string_view path) override {
    auto file = WARD_TRY(open_member(path));
    if (!file) return fail(ErrorKind::not_found, fmt::format("{}: \"{}\" does not exist", dir_, path));
    auto copied = WARD_TRY(copy_into_blob(blobs_, file->get(), nullptr, std::nullopt, path, progress_));
    if (copied.added) added_.push_back(copied.digest);
    return copied.digest;
  }

 private:
  // A regular file under the directory; nullopt when absent.  Paths with
  // ".." or a leading "/" never reach here (normalize_member_path).
  Result<std::optional<UniqueFd>> open_member(std::string_view path) {
    std::string member = normalize_member_path(path);
    if (member.empty())
      return fail(ErrorKind::invalid_input, fmt::format("{}: \"{}\" is not a path inside it", dir_, path));
    UniqueFd file(::openat(dir_fd_.get(), member.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) {
      if (errno == ENOENT) return std::nullopt;
      return fail_errno(errno, fmt::format("open {}/{}", dir_, member));
    }
    struct stat info {};
    if (::fstat(file.get(), &info) != 0) return fail_errno(errno, fmt::format("{}/{}", dir_, member));
    if (!S_ISREG(info.st_mode))
      return fail(ErrorKind::invalid_input, fmt::format("{}/{}: not a regular file", dir_, member));
    return std::optional<UniqueFd>(std::move(file));
  }

  BlobStore& blobs_;
  std::string dir_;
  UniqueFd dir_fd_;
  Progress* progress_;
  AddedBlobs& added_;
};

}  // namespace

Result<CopiedBlob> copy_into_blob(BlobStore& blobs, int fd, const Digest* expected, std::optional<std::uint64_t> size,
                                  std::string_view id, Progress* progress) {
  struct stat info {};
  std::uint64_t total = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? static_cast<std::uint64_t>(info.st_size) : 0;
  if (progress != nullptr) progress->begin(id, "Copying blob", total);
  auto writer = WARD_TRY(blobs.create_writer());
  std::string buffer(kCopyChunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, fmt::format("read blob {}", id));
    if (n == 0) break;
    WARD_TRY(writer.write(std::string_view(buffer.data(), static_cast<std::size_t>(n))));
    if (progress != nullptr) progress->advance(id, writer.size());
  }
  CopiedBlob copied;
  if (expected != nullptr) {
    copied.added = !blobs.has_blob(*expected);
    WARD_TRY(writer.commit(*expected, size));
    copied.digest = *expected;
  } else {
    copied.digest = WARD_TRY(writer.commit_as_written());
    copied.added = true;  // possibly present before; the end of the load sorts that out
  }
  if (progress != nullptr) progress->end(id, "Copied");
  return copied;
}

Result<std::unique_ptr<LoadContents>> open_archive_directory(BlobStore& blobs, std::string dir, Progress* progress,
                                                             AddedBlobs& added) {
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return fail_errno(errno, fmt::format("open {}", dir));
  return std::make_unique<ArchiveDirectory>(blobs, std::move(dir), std::move(dir_fd), progress, added);
}

}  // namespace ward::image
