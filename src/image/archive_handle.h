// Owners for libarchive's handles, shared by the layer writer and the
// layer unpacker (not a public header: only src/image includes it).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

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

}  // namespace ward::image::detail
