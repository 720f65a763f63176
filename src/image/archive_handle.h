// Owners for libarchive's handles, shared by the layer writer and the
// layer unpacker (not a public header: only src/image includes it).
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>

#include "image/spec.h"
#include "util/error.h"

namespace ward::image::detail {

struct ArchiveReadFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
struct ArchiveWriteFree {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;
using ArchiveEntry = std::unique_ptr<archive_entry, ArchiveEntryFree>;

// libarchive's last message for `handle`, or a fallback when it has none.
inline std::string archive_message(archive* handle) {
  const char* text = archive_error_string(handle);
  return text != nullptr ? std::string(text) : std::string("unknown libarchive error");
}

// Whether libarchive compresses `compression` in process.  Built without
// zlib or libzstd it would run the external gzip or zstd program instead,
// a fork from inside ward's library: refused rather than done.
inline Result<> require_in_process_codec(LayerCompression compression) {
  if (compression == LayerCompression::none) return {};
  bool gzip = compression == LayerCompression::gzip;
  // Null when libarchive was built without the library.  (Not
  // archive_version_details(): libarchive 3.6 leaks its buffer on each call.)
  const char* version = gzip ? archive_zlib_version() : archive_libzstd_version();
  if (version != nullptr) return {};
  return fail(ErrorKind::unsupported, fmt::format("{} layers: not supported by this libarchive, built without {}",
                                                  gzip ? "gzip" : "zstd", gzip ? "zlib" : "libzstd"));
}

}  // namespace ward::image::detail
