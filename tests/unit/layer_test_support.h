// Layers in memory for the writer's and the unpacker's tests: a memfd
// holding what LayerWriter wrote, rewound, ready for unpack_layer.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "image/layer_write.h"
#include "util/fd.h"
#include "util/sys.h"

namespace ward::test_support {

struct LayerBlob {
  UniqueFd fd;  // at offset 0
  image::WrittenLayer written;
};

inline UniqueFd memory_file() {
  return UniqueFd(::memfd_create("ward-layer", MFD_CLOEXEC));
}

// The entries, through add() (or add_raw() for hostile layers).
inline Result<LayerBlob> write_layer(const std::vector<image::LayerEntry>& entries,
                                     image::LayerCompression compression = image::LayerCompression::none,
                                     bool raw = false) {
  LayerBlob blob{memory_file(), {}};
  if (!blob.fd) return fail_errno(errno, "memfd_create");
  auto writer = WARD_TRY(image::LayerWriter::create(blob.fd.get(), {.compression = compression}));
  for (const auto& entry : entries) WARD_TRY(raw ? writer.add_raw(entry) : writer.add(entry));
  blob.written = WARD_TRY(writer.finish());
  if (::lseek(blob.fd.get(), 0, SEEK_SET) < 0) return fail_errno(errno, "lseek");
  return blob;
}

// Everything in the fd from offset 0; the offset is put back to 0.
inline std::string contents(int fd) {
  ::lseek(fd, 0, SEEK_SET);
  auto data = sys::read_fd(fd);
  ::lseek(fd, 0, SEEK_SET);
  return data ? *data : std::string();
}

// A memfd holding `bytes`, at offset 0.
inline UniqueFd memory_file_with(const std::string& bytes) {
  UniqueFd fd = memory_file();
  (void)sys::raw::write_all(fd.get(), bytes.data(), bytes.size());
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

}  // namespace ward::test_support
