// Version ordering of the package managers ward reads: dpkg's (Debian,
// Ubuntu), apk's (Alpine) and rpm's (Red Hat, Fedora, SUSE).  All take
// untrusted text from an image and never fail: a version a format cannot
// read still sorts, by dpkg's or rpm's rules, or as a plain string after
// every valid one (apk).
#pragma once

#include <string_view>

namespace ward::audit::scan {

// dpkg's order (deb-version(7)): [epoch:]upstream[-revision], compared part
// by part; in each part non-digit runs compare with `~` before everything
// (even the end), letters before other characters, and digit runs compare
// as numbers.  <0, 0 or >0 as strcmp.
[[nodiscard]] int compare_debian_versions(std::string_view a, std::string_view b);

// apk's order (apk-package(5)): numbers[.numbers...][letter][_suffix[N]...][-rN],
// with _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p.
[[nodiscard]] int compare_apk_versions(std::string_view a, std::string_view b);
// Whether `text` is a version apk reads.
[[nodiscard]] bool valid_apk_version(std::string_view text);

// rpm's order of [epoch:]version[-release]: a missing epoch is 0, a
// missing release empty; epochs, versions, then releases compared by
// rpmvercmp, where `~` sorts before everything and `^` after the end.
[[nodiscard]] int compare_rpm_versions(std::string_view a, std::string_view b);

}  // namespace ward::audit::scan
