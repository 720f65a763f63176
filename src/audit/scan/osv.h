// An offline vulnerability database: a directory of OSV JSON records
// (https://ossf.github.io/osv-schema/), one per file (or an array of them),
// searched recursively.  Installed packages match an `affected` entry by
// ecosystem ("Debian:12" or "Debian", "Alpine:v3.19" or "Alpine") and name
// (a deb also by its source package), and by version: an ECOSYSTEM range's
// introduced/fixed/last_affected events ordered by the package manager's
// own rules (version.h), or the `versions` list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/scan/packages.h"
#include "util/error.h"

namespace ward::audit::scan {

struct OsvEvent {
  enum class Kind { introduced, fixed, last_affected } kind = Kind::introduced;
  std::string version;
};

struct OsvRange {
  std::vector<OsvEvent> events;
};

struct OsvAffected {
  std::string ecosystem;  // "Debian:12"
  std::string name;
  std::vector<OsvRange> ranges;  // ECOSYSTEM ranges only
  std::vector<std::string> versions;
  std::string severity;  // ecosystem_specific / database_specific "severity", as written
};

struct OsvRecord {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  std::string severity;                   // top-level database_specific.severity
  std::vector<std::string> cvss_vectors;  // severity[].score of CVSS_V3 entries
  std::vector<OsvAffected> affected;
  std::string file;
};

struct VulnerabilityDatabase {
  std::vector<OsvRecord> records;
};

// One installed package's vulnerability.
struct Vulnerability {
  std::string id;  // the OSV id ("CVE-2023-4911", "DSA-5514-1")
  std::vector<std::string> aliases;
  std::string package;
  std::string installed_version;
  std::string fixed_version;  // "" when no fix is known
  std::string severity;       // "CRITICAL".."UNKNOWN"
  std::string summary;
};

// Reads every *.json file under `directory`; a file that is not an OSV
// record is an error naming it (a database that half loads would hide
// vulnerabilities).
[[nodiscard]] Result<VulnerabilityDatabase> load_osv_database(const std::string& directory);
// One document (an object or an array of objects); `file` names errors.
[[nodiscard]] Result<std::vector<OsvRecord>> parse_osv(std::string_view json, std::string_view file);

// The OSV ecosystem of the rootfs's distribution: "Debian:12",
// "Ubuntu:22.04", "Alpine:v3.19"; "" when unknown.
[[nodiscard]] std::string osv_ecosystem(PackageKind kind, std::string_view distro_id, std::string_view version_id);

// The vulnerabilities of `packages`, in package order.
[[nodiscard]] std::vector<Vulnerability> match_vulnerabilities(const VulnerabilityDatabase& database,
                                                               const std::vector<Package>& packages,
                                                               std::string_view ecosystem);

// CVSS v3.x base score of a vector ("CVSS:3.1/AV:N/AC:L/..."); -1 when it
// does not parse.
[[nodiscard]] double cvss3_base_score(std::string_view vector);

}  // namespace ward::audit::scan
