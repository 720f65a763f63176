// Writing an image archive (`ward save`): a plain tar whose members are
// documents held in memory and blobs streamed from the store.  Members get
// fixed owners (0:0), mode 0644 (dirs 0755) and the time the caller gives,
// so saving the same image twice writes the same bytes.  Layer tars are
// written by layer_write.h; this is the outer archive.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "util/error.h"
#include "util/progress.h"

struct archive;

namespace ward::image {

class TarWriter {
 public:
  // Writes to `fd` (not owned).  `name` is used in errors.
  [[nodiscard]] static Result<TarWriter> create(int fd, std::string name, std::time_t mtime = 0);

  TarWriter(TarWriter&&) noexcept;
  TarWriter& operator=(TarWriter&&) noexcept;
  ~TarWriter();

  [[nodiscard]] Result<> add_directory(const std::string& path);
  [[nodiscard]] Result<> add_bytes(const std::string& path, std::string_view bytes);
  // `size` bytes read from `source_fd` (from its offset), with progress
  // under `id` when `progress` is given.  Fewer bytes than `size` is an error.
  [[nodiscard]] Result<> add_file(const std::string& path, int source_fd, std::uint64_t size, std::string_view id,
                                  Progress* progress);
  // Ends the archive (the two zero blocks) and flushes it.
  [[nodiscard]] Result<> finish();

 private:
  struct ArchiveFree {
    void operator()(archive* handle) const;
  };
  TarWriter(std::unique_ptr<archive, ArchiveFree> handle, std::string name, std::time_t mtime);
  [[nodiscard]] Result<> header(const std::string& path, bool directory, std::uint64_t size);
  [[nodiscard]] std::unexpected<Error> archive_error(std::string_view doing) const;

  std::unique_ptr<archive, ArchiveFree> handle_;
  std::string name_;
  std::time_t mtime_;
};

}  // namespace ward::image
