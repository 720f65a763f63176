// Installed packages from rpm's database (Red Hat Enterprise Linux 9,
// Fedora 33 and later, openSUSE: `rpmdb.sqlite`).  Each row of its
// Packages table is one package's header: the header blob rpm writes,
//   be32 index count, be32 data size,
//   index entries of 4 x be32 (tag, type, offset into the data, count),
//   the data,
// read here with every count, offset and string checked against the blob,
// since the blob comes from an image (fuzz/rpm_header_fuzz.cc).  rpm's
// older BerkeleyDB `Packages` and SUSE's NDB `Packages.db` are not read.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "audit/scan/packages.h"
#include "util/error.h"

namespace ward::audit::scan {

// One package from a header blob; nullopt for the `gpg-pubkey` entries rpm
// keeps for imported signing keys, which are not packages.  `where` names
// the blob in errors ("/var/lib/rpm/rpmdb.sqlite row 12").
[[nodiscard]] Result<std::optional<Package>> parse_rpm_header(std::string_view blob, std::string_view where);

// Every package in an rpmdb.sqlite file's bytes; `file` names it.
[[nodiscard]] Result<std::vector<Package>> parse_rpmdb_sqlite(std::string_view bytes, std::string_view file);

}  // namespace ward::audit::scan
