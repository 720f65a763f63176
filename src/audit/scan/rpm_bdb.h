// Installed packages from rpm's older databases: the BerkeleyDB `Packages`
// hash file (RHEL and CentOS 7 and 8, Amazon Linux 2) and SUSE's NDB
// `Packages.db`.  BerkeleyDB is read through librpm's read-only `bdb_ro`
// backend (rpm_library.h): from a private copy of the file, with every
// macro it needs set here and no rpm configuration read, so neither the
// host's /var/lib/rpm nor its rpmrc and macros take part; each header librpm
// returns is exported and read again by ward's own checked parser
// (parse_rpm_header), so the packages are the ones the rpmdb.sqlite path
// gives.  Debian's librpm has no NDB backend: such a file is recognised and
// reported as not readable.
#pragma once

#include <string_view>
#include <vector>

#include "audit/scan/packages.h"
#include "util/error.h"

namespace ward::audit::scan {

enum class RpmDatabaseFormat { berkeley_hash, ndb, unknown };

// What the first bytes of a `Packages` or `Packages.db` file say it is.
[[nodiscard]] RpmDatabaseFormat rpm_database_format(std::string_view bytes);

// Every package of a BerkeleyDB `Packages` file's bytes; `file` names it
// in errors.  unsupported when librpm cannot be loaded; invalid_input when
// librpm or ward's header parser finds the database damaged.
[[nodiscard]] Result<std::vector<Package>> parse_rpmdb_berkeley(std::string_view bytes, std::string_view file);

}  // namespace ward::audit::scan
