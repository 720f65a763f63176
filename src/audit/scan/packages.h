// Installed packages read from a root filesystem's package databases:
// dpkg's status file (and distroless's status.d/) and apk's installed
// database.  The text comes from an image, so the parsers take anything:
// malformed input is an invalid_input error naming FILE:LINE, never a crash
// (fuzz/dpkg_status_fuzz.cc, fuzz/apk_installed_fuzz.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::audit::scan {

enum class PackageKind { deb, apk, rpm };

struct Package {
  PackageKind kind = PackageKind::deb;
  std::string name;
  std::string version;  // dpkg's and rpm's with the epoch: [epoch:]version-revision
  std::string architecture;
  std::string source;  // dpkg's Source (without its version), apk's origin, rpm's source rpm; "" when the same as name
  std::string source_version;  // dpkg's "Source: name (version)", rpm's; "" when the same as version
  std::string license;         // apk's L: field
  std::string database;        // the file it was read from, "/var/lib/dpkg/status"
};

// Stanzas of "Field: value" lines separated by blank lines; continuation
// lines start with a space or tab.  Only installed packages are kept
// (Status "... installed", or no Status field as in status.d files).
[[nodiscard]] Result<std::vector<Package>> parse_dpkg_status(std::string_view text, std::string_view file);

// Records of "X:value" lines separated by blank lines (P name, V version,
// A architecture, o origin, L license).
[[nodiscard]] Result<std::vector<Package>> parse_apk_installed(std::string_view text, std::string_view file);

// The package URL: pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12,
// pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1,
// pkg:rpm/redhat/openssl@3.0.7-18.el9?arch=x86_64&distro=rhel-9.2&epoch=1.  `distro_id` and
// `distro_version` come from /etc/os-release (ID, VERSION_ID).
[[nodiscard]] std::string package_url(const Package& package, std::string_view distro_id,
                                      std::string_view distro_version);

}  // namespace ward::audit::scan
