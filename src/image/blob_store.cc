// Content-addressed blobs (blob_store.h): written under tmp/, verified,
// flushed and renamed into blobs/sha256/.
#include "image/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "image/store_schema.h"
#include "util/sys.h"

namespace ward::image {

namespace {

Result<UniqueFd> open_existing_blob(const std::string& path, const Digest& digest) {
  auto fd = sys::open(path, O_RDONLY);
  if (!fd && fd.error().code == ENOENT) {
    return fail(ErrorKind::not_found, fmt::format("blob {} not found", digest.string()));
  }
  return context(std::move(fd), "blob {}", digest.string());
}

}  // namespace

Result<BlobStore> BlobStore::open(std::string root) {
  WARD_TRY(context(sys::mkdir_all(root + "/blobs/sha256", 0700), "open blob store"));
  WARD_TRY(context(sys::mkdir_all(root + "/tmp", 0700), "open blob store"));
  return BlobStore(std::move(root));
}

std::string BlobStore::blob_path(const Digest& digest) const {
  return fmt::format("{}/blobs/{}/{}", root_, digest_algorithm_name(digest.algorithm()), digest.hex());
}

bool BlobStore::has_blob(const Digest& digest) const {
  if (digest.empty()) return false;
  struct stat st {};
  return ::stat(blob_path(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<UniqueFd> BlobStore::open_blob(const Digest& digest) const {
  return open_existing_blob(blob_path(digest), digest);
}

Result<std::string> BlobStore::read_blob(const Digest& digest) const {
  auto fd = WARD_TRY(open_blob(digest));
  return context(sys::read_fd(fd.get()), "read blob {}", digest.string());
}

Result<std::uint64_t> BlobStore::blob_size(const Digest& digest) const {
  struct stat st {};
  if (::stat(blob_path(digest).c_str(), &st) < 0) {
    if (errno == ENOENT) return fail(ErrorKind::not_found, fmt::format("blob {} not found", digest.string()));
    return fail_errno(errno, fmt::format("stat blob {}", digest.string()));
  }
  return static_cast<std::uint64_t>(st.st_size);
}

Result<std::vector<Digest>> BlobStore::list_blobs() const {
  auto names = WARD_TRY(context(sys::list_directory(root_ + "/blobs/sha256"), "list blobs"));
  std::vector<Digest> blobs;
  blobs.reserve(names.size());
  for (const std::string& name : names) {
    // Anything else there is not a blob ward wrote; it is left alone.
    if (auto digest = Digest::from_hex(DigestAlgorithm::sha256, name)) blobs.push_back(std::move(*digest));
  }
  return blobs;
}

Result<BlobWriter> BlobStore::create_writer() const {
  auto hasher = WARD_TRY(DigestWriter::create());
  std::string path = root_ + "/tmp/" + store_detail::temp_name("blob");
  // O_EXCL: a name is never shared, even with a leftover of a reused pid.
  auto file = WARD_TRY(context(sys::open(path, O_WRONLY | O_CREAT | O_EXCL, 0600), "create blob"));
  return BlobWriter(root_, std::move(file), std::move(path), std::move(hasher));
}

Result<Digest> BlobStore::put_blob(std::string_view bytes) const {
  auto writer = WARD_TRY(create_writer());
  WARD_TRY(writer.write(bytes));
  return writer.commit_as_written();
}

// --- BlobWriter ---

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : store_root_(std::move(other.store_root_)),
      file_(std::move(other.file_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      hasher_(std::move(other.hasher_)) {}

BlobWriter::~BlobWriter() {
  discard();
}

void BlobWriter::discard() {
  file_.reset();
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

Result<> BlobWriter::write(std::string_view bytes) {
  if (temp_path_.empty()) return fail(ErrorKind::wrong_state, "write blob: the writer is done");
  WARD_TRY(hasher_.update(bytes));
  ssize_t written = sys::raw::write_all(file_.get(), bytes.data(), bytes.size());
  if (written < 0) return fail_errno(static_cast<int>(-written), "write " + temp_path_);
  return {};
}

Result<> BlobWriter::commit(const Digest& expected, std::optional<std::uint64_t> expected_size) {
  if (temp_path_.empty()) return fail(ErrorKind::wrong_state, "commit blob: the writer is done");
  if (expected.algorithm() != DigestAlgorithm::sha256) {
    discard();
    return fail(ErrorKind::unsupported,
                fmt::format("blob {}: not supported: the store keeps sha256 blobs only", expected.string()));
  }
  if (expected_size && *expected_size != hasher_.size()) {
    std::uint64_t got = hasher_.size();
    discard();
    return fail(ErrorKind::invalid_input, fmt::format("blob {}: size mismatch: expected {} bytes, got {}",
                                                      expected.string(), *expected_size, got));
  }
  if (auto verified = hasher_.verify(expected); !verified) {
    discard();
    return std::unexpected(std::move(verified.error().wrap(fmt::format("blob {}", expected.string()))));
  }
  return publish(expected);
}

Result<Digest> BlobWriter::commit_as_written() {
  if (temp_path_.empty()) return fail(ErrorKind::wrong_state, "commit blob: the writer is done");
  auto digest = hasher_.finish();
  if (!digest) {
    discard();
    return std::unexpected(std::move(digest.error()));
  }
  WARD_TRY(publish(*digest));
  return std::move(*digest);
}

Result<> BlobWriter::publish(const Digest& digest) {
  std::string target =
      fmt::format("{}/blobs/{}/{}", store_root_, digest_algorithm_name(digest.algorithm()), digest.hex());
  // Readers need no privilege; nothing opens a blob for writing again.
  if (::fchmod(file_.get(), 0644) < 0) {
    int code = errno;
    discard();
    return fail_errno(code, "chmod " + temp_path_);
  }
  if (sys::raw::retry([&] { return ::fdatasync(file_.get()); }) < 0) {
    int code = errno;
    discard();
    return fail_errno(code, "fdatasync " + temp_path_);
  }
  file_.reset();
  // Replacing a blob another writer put there first is harmless: the same
  // name means the same bytes.
  if (::rename(temp_path_.c_str(), target.c_str()) < 0) {
    int code = errno;
    discard();
    return fail_errno(code, fmt::format("rename {} to {}", temp_path_, target));
  }
  temp_path_.clear();
  return {};
}

}  // namespace ward::image
