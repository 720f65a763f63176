// Writing a layer tar (uncompressed, gzip or zstd) to an fd, so that the
// same input always gives the same bytes: owners and mtimes can be fixed,
// a directory tree is written in byte-sorted order, no user or group names,
// atimes, ctimes or gzip timestamps are recorded.  The built-in busybox
// image relies on it for a digest that is the same on every machine.
//
// The writer hashes as it writes: the blob's digest (the bytes written to
// the fd) and the uncompressed tar's (the diff_id).  Tests use add_raw() to
// craft hostile archives (names with "../", absolute names, links out)
// that add() refuses.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "image/digest.h"
#include "image/spec.h"
#include "util/error.h"

namespace ward::image {

enum class LayerEntryType : std::uint8_t { file, directory, symlink, hard_link, char_device, block_device, fifo };

struct LayerEntry {
  std::string path;  // "usr/bin/x"; add() wants a relative path without ".."
  LayerEntryType type = LayerEntryType::file;
  mode_t mode = 0644;  // permission bits with setuid/setgid/sticky; no type bits
  uid_t uid = 0;
  gid_t gid = 0;
  std::int64_t mtime = 0;   // seconds since the epoch
  std::string content;      // file: its bytes
  std::string link_target;  // symlink: its target; hard link: the path it links to
  unsigned device_major = 0;
  unsigned device_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;  // name, value

  // The common shapes, for tests and the built-in image.
  [[nodiscard]] static LayerEntry file_with(std::string path, std::string content, mode_t mode = 0644);
  [[nodiscard]] static LayerEntry directory_at(std::string path, mode_t mode = 0755);
  [[nodiscard]] static LayerEntry symlink_to(std::string path, std::string target);
  [[nodiscard]] static LayerEntry hard_link_to(std::string path, std::string target);
};

struct LayerWriterOptions {
  // none, gzip or zstd.
  LayerCompression compression = LayerCompression::none;
  // When set, every entry gets this owner / mtime instead of its own (or,
  // from add_tree, the file's).
  std::optional<std::pair<uid_t, gid_t>> fixed_owner;
  std::optional<std::int64_t> fixed_mtime;
};

struct WrittenLayer {
  Digest blob_digest;  // of the bytes written to the fd
  Digest diff_id;      // of the uncompressed tar
  std::uint64_t blob_size = 0;
  std::uint64_t tar_size = 0;
};

class LayerWriter {
 public:
  // Writes to `output_fd` (not owned; it must stay open until finish()).
  [[nodiscard]] static Result<LayerWriter> create(int output_fd, LayerWriterOptions options = {});

  LayerWriter(LayerWriter&&) noexcept;
  LayerWriter& operator=(LayerWriter&&) noexcept;
  ~LayerWriter();

  // One entry, written now (entries are in the order added).  The path must
  // be relative, without "." or ".." components or empty components.
  [[nodiscard]] Result<> add(const LayerEntry& entry);
  // A file whose `size` bytes are read from `content_fd` (from its
  // offset), streamed; the entry's checks are add()'s.
  [[nodiscard]] Result<> add_streamed(const LayerEntry& entry, int content_fd, std::uint64_t size);
  // The same without any check of the path or the link target: the name
  // goes into the tar exactly as given.  For tests that craft hostile layers.
  [[nodiscard]] Result<> add_raw(const LayerEntry& entry);
  // Every file, directory, symlink, device and fifo under the directory
  // `dir_fd`, depth first in byte order of the names (a directory before
  // its children), named `prefix` + their path ("" puts them at the top).
  // Files that share an inode become a file and hard links to it.  Sockets
  // are skipped (a tar cannot hold them).
  [[nodiscard]] Result<> add_tree(int dir_fd, const std::string& prefix = "");
  // Ends the tar, flushes the compressor and returns the digests.  Nothing
  // can be added afterwards.
  [[nodiscard]] Result<WrittenLayer> finish();

 private:
  struct State;
  explicit LayerWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ward::image
