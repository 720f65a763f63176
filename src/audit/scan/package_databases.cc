#include "audit/scan/package_databases.h"

#include <fmt/format.h>

#include "audit/scan/rpm.h"
#include "audit/scan/rpm_bdb.h"
#include "audit/scan/rules.h"

namespace ward::audit::scan {

namespace {

void note_unread(std::vector<Finding>& notes, std::string_view path, std::string_view why) {
  notes.push_back(Finding{std::string(kUnreadPackageDatabase), rule_severity(kUnreadPackageDatabase),
                          Location{std::string(path), 0, 1},
                          fmt::format("{}: {}; its packages are not listed", path, why)});
}

// rpm before 4.16 (RHEL and CentOS 8 and before, Amazon Linux 2) keeps a
// BerkeleyDB `Packages`, SUSE an NDB `Packages.db`; told apart by content.
Result<std::optional<std::vector<Package>>> read_old_rpm_database(const Rootfs& rootfs, std::string_view path,
                                                                  std::vector<Finding>& notes) {
  auto bytes = WARD_TRY(rootfs.read(path, kMaxPackageDatabase));
  if (!bytes) return std::nullopt;
  switch (rpm_database_format(*bytes)) {
    case RpmDatabaseFormat::ndb:
      note_unread(notes, path, "rpm's NDB database cannot be read (Debian's librpm has no NDB backend)");
      return std::optional(std::vector<Package>{});
    case RpmDatabaseFormat::unknown:
      note_unread(notes, path, "neither a BerkeleyDB nor an NDB rpm database");
      return std::optional(std::vector<Package>{});
    case RpmDatabaseFormat::berkeley_hash: break;
  }
  auto packages = parse_rpmdb_berkeley(*bytes, path);
  if (packages) return std::optional(std::move(*packages));
  if (!packages.error().is(ErrorKind::unsupported)) return std::unexpected(std::move(packages.error()));
  // No librpm on this host: the database is there, but not read.
  note_unread(notes, path, fmt::format("rpm's BerkeleyDB database cannot be read: {}", packages.error().what()));
  return std::optional(std::vector<Package>{});
}

}  // namespace

Result<std::vector<Package>> read_packages(const Rootfs& rootfs, std::vector<Finding>& notes) {
  std::vector<Package> out;
  auto add = [&](std::vector<Package> more) { out.insert(out.end(), more.begin(), more.end()); };
  constexpr std::string_view kDpkg = "/var/lib/dpkg/status";
  if (auto text = WARD_TRY(rootfs.read(kDpkg, kMaxPackageDatabase))) add(WARD_TRY(parse_dpkg_status(*text, kDpkg)));
  // Distroless images keep one file per package here instead.
  for (const std::string& name : WARD_TRY(rootfs.list("/var/lib/dpkg/status.d"))) {
    if (name.ends_with(".md5sums")) continue;
    std::string path = "/var/lib/dpkg/status.d/" + name;
    if (auto text = WARD_TRY(rootfs.read(path, kMaxPackageDatabase))) add(WARD_TRY(parse_dpkg_status(*text, path)));
  }
  constexpr std::string_view kApk = "/lib/apk/db/installed";
  if (auto text = WARD_TRY(rootfs.read(kApk, kMaxPackageDatabase))) add(WARD_TRY(parse_apk_installed(*text, kApk)));
  // rpm 4.16 and later (RHEL 9, Fedora 33+); Fedora 36+ and openSUSE moved
  // it under /usr/lib/sysimage and left a symlink behind, which read()
  // follows inside the image: read the first only.
  for (std::string_view path : {"/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"})
    if (auto bytes = WARD_TRY(rootfs.read(path, kMaxPackageDatabase))) {
      add(WARD_TRY(parse_rpmdb_sqlite(*bytes, path)));
      return out;
    }
  for (std::string_view path : {"/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db", "/usr/lib/sysimage/rpm/Packages",
                                "/usr/lib/sysimage/rpm/Packages.db"})
    if (auto packages = WARD_TRY(read_old_rpm_database(rootfs, path, notes))) {
      add(std::move(*packages));
      break;
    }
  return out;
}

}  // namespace ward::audit::scan
