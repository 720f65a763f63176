// The package databases of a root filesystem, found where each package
// manager keeps them and read with the parsers of packages.h, rpm.h and
// rpm_bdb.h.  A database ward cannot read (SUSE's NDB, a BerkeleyDB when
// librpm is missing) is an info finding (WARD-SCAN-PKG-001) rather than
// silence, since its packages are missing from the report.
#pragma once

#include <vector>

#include "audit/finding.h"
#include "audit/scan/packages.h"
#include "audit/scan/rootfs.h"
#include "util/error.h"

namespace ward::audit::scan {

// Package databases are small; anything larger is not one, and a hostile
// image cannot make the scan read gigabytes.
inline constexpr std::size_t kMaxPackageDatabase = 256 * 1024 * 1024;

// dpkg's status and status.d/, apk's installed, rpm's rpmdb.sqlite or else
// its BerkeleyDB Packages; `notes` gets a finding per database not read.
[[nodiscard]] Result<std::vector<Package>> read_packages(const Rootfs& rootfs, std::vector<Finding>& notes);

}  // namespace ward::audit::scan
