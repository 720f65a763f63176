// The shape of a BerkeleyDB hash file, checked by ward before librpm's
// bdb_ro backend reads it (rpm_bdb.h).  bdb_ro trusts the file: it
// allocates the page size and every overflow item's length as written, and
// it follows page links without noticing a cycle, so a crafted `Packages`
// in an image could make `ward scan` allocate gigabytes or spin forever.
// This walk refuses exactly those shapes, none of which BerkeleyDB writes:
//   - a page size that is not a power of two from 512 to 65536;
//   - a hash page whose entry count runs past the page;
//   - a cycle in the hash pages' next links;
//   - an overflow item longer than the file, or whose chain revisits a
//     page, shares a page with another item, or holds an empty page.
// It reads the pages as bdb_ro does, in the byte order the metadata page's
// magic was written in.
#pragma once

#include <string_view>

#include "util/error.h"

namespace ward::audit::scan {

// Whether the bytes start with a BerkeleyDB hash metadata page: its magic
// at byte 12, in either byte order.
[[nodiscard]] bool has_bdb_hash_magic(std::string_view bytes);

// invalid_input naming `file` and the first bad page, or nothing when
// librpm can be given the bytes.
[[nodiscard]] Result<> check_bdb_hash_shape(std::string_view bytes, std::string_view file);

}  // namespace ward::audit::scan
