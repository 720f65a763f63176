// Reading a tar archive front to back with libarchive, from an fd that may
// be a pipe: the outer archive a user hands to `ward load` (a layer's tar
// is read by layer_unpack, which needs more than this).  The archive may
// be compressed with any filter libarchive knows (docker load accepts
// gzip, bzip2 and xz; zstd comes free).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

struct archive;

namespace ward::image {

enum class TarMemberType : std::uint8_t { file, directory, symlink, hard_link, other };

struct TarMember {
  std::string path;  // as written in the archive
  TarMemberType type = TarMemberType::other;
  std::uint64_t size = 0;   // of a file's data
  std::string link_target;  // symlink or hard link
  std::uint32_t mode = 0;   // permission bits with setuid/setgid/sticky
  std::int64_t uid = 0, gid = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  bool sparse = false;     // read_data would lose its holes
};

class TarStream {
 public:
  // Reads from `fd` (not owned).  `name` is used in errors ("archive.tar").
  [[nodiscard]] static Result<TarStream> open(int fd, std::string name);

  TarStream(TarStream&&) noexcept;
  TarStream& operator=(TarStream&&) noexcept;
  ~TarStream();

  // The next member, or nullopt at the end.  A truncated or corrupt
  // archive is an error (invalid_input) naming the archive.
  [[nodiscard]] Result<std::optional<TarMember>> next();
  // The current member's data, in chunks, to `sink`; data not read before
  // the next next() is skipped.
  [[nodiscard]] Result<> read_data(const std::function<Result<>(std::string_view chunk)>& sink);
  // The whole current member, refused when larger than `limit` bytes.
  [[nodiscard]] Result<std::string> read_all(std::uint64_t limit);

 private:
  struct ArchiveFree {
    void operator()(archive* handle) const;
  };
  TarStream(std::unique_ptr<archive, ArchiveFree> handle, std::string name);
  [[nodiscard]] std::unexpected<Error> archive_error(std::string_view doing) const;

  std::unique_ptr<archive, ArchiveFree> handle_;
  std::string name_;
  std::string current_;  // the current member's path, for errors
};

}  // namespace ward::image
