// The content-addressed blobs of the store: <root>/blobs/<algorithm>/<hex>,
// one file per digest, written once and never changed: mode 0644, so a
// reader needs no privilege, and nothing ever opens one for writing.
//
// A blob becomes visible only whole and verified: a BlobWriter writes a
// temp file under <root>/tmp/ (named with its pid, so recovery can tell a
// dead writer's leftover from a live one's), hashes every byte as it is
// written, and commit() checks digest and size, fdatasyncs, and renames
// into place.  The fdatasync is the one flush per blob: ENGINE.md keeps
// fsync off the hot path, but a blob's name is a promise about its
// content, and a rename that reaches the disk before the data would leave
// a right name on wrong bytes after a power loss.  Rows that point at
// blobs are committed after the rename (docs/STORE.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image/digest.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::image {

class BlobWriter;

class BlobStore {
 public:
  // The blobs under `root` (the store root); creates blobs/sha256 and tmp
  // (mode 0700) if missing.
  [[nodiscard]] static Result<BlobStore> open(std::string root);

  [[nodiscard]] const std::string& root() const { return root_; }
  // <root>/blobs/sha256/<hex>, whether or not it exists.
  [[nodiscard]] std::string blob_path(const Digest& digest) const;
  [[nodiscard]] bool has_blob(const Digest& digest) const;
  // A read-only fd; not_found naming the digest when absent.
  [[nodiscard]] Result<UniqueFd> open_blob(const Digest& digest) const;
  [[nodiscard]] Result<std::string> read_blob(const Digest& digest) const;
  [[nodiscard]] Result<std::uint64_t> blob_size(const Digest& digest) const;
  // Every blob on disk (sha256 only: the only algorithm the store writes).
  [[nodiscard]] Result<std::vector<Digest>> list_blobs() const;

  // A writer for one new blob.
  [[nodiscard]] Result<BlobWriter> create_writer() const;
  // Stores `bytes` (a manifest, a config) and returns their digest.
  [[nodiscard]] Result<Digest> put_blob(std::string_view bytes) const;

 private:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

// One blob being written.  Destroyed uncommitted, it removes its temp file.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&&) = delete;
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  // Appends and hashes `bytes`.
  [[nodiscard]] Result<> write(std::string_view bytes);
  [[nodiscard]] std::uint64_t size() const { return hasher_.size(); }
  [[nodiscard]] const std::string& temp_path() const { return temp_path_; }

  // Verifies the content is `expected` (and `expected_size` bytes when
  // given), then makes it the blob `expected`.  On a mismatch the temp is
  // removed and the error (invalid_input) names both digests or sizes;
  // nothing is stored.  A blob already present (another writer won) is
  // fine: the content is the same by its name.
  [[nodiscard]] Result<> commit(const Digest& expected, std::optional<std::uint64_t> expected_size = {});
  // Stores the content under its own digest, for content ward made itself.
  [[nodiscard]] Result<Digest> commit_as_written();

 private:
  friend class BlobStore;
  BlobWriter(std::string store_root, UniqueFd file, std::string temp_path, DigestWriter hasher)
      : store_root_(std::move(store_root)),
        file_(std::move(file)),
        temp_path_(std::move(temp_path)),
        hasher_(std::move(hasher)) {}
  [[nodiscard]] Result<> publish(const Digest& digest);
  void discard();

  std::string store_root_;
  UniqueFd file_;
  std::string temp_path_;  // "" once committed or discarded
  DigestWriter hasher_;
};

}  // namespace ward::image
