// The rules of `ward scan`: dockle's checkpoint IDs where dockle has one
// (CIS-DI-*, DKL-*), ward's own (WARD-SCAN-*) for the rest, one rule per
// vulnerability found (its OSV id), and the secret rules (WARD-SECRET-1xx,
// secret_rules.h), which come from data.  docs/SCAN.md lists them.
#pragma once

#include <string_view>
#include <vector>

#include "audit/finding.h"

namespace ward::audit::scan {

// Image configuration and history.
inline constexpr std::string_view kRootUser = "CIS-DI-0001";
inline constexpr std::string_view kNoHealthcheck = "CIS-DI-0006";
inline constexpr std::string_view kUpdateAlone = "CIS-DI-0007";
inline constexpr std::string_view kAddInHistory = "CIS-DI-0009";
inline constexpr std::string_view kSecretInEnv = "CIS-DI-0010";
inline constexpr std::string_view kSudo = "DKL-DI-0001";
inline constexpr std::string_view kLatestTag = "DKL-DI-0006";
inline constexpr std::string_view kSshPort = "WARD-SCAN-IMAGE-001";
// Files.
inline constexpr std::string_view kSetuid = "CIS-DI-0008";
inline constexpr std::string_view kCredentialFile = "CIS-DI-0010";  // one id for both, as dockle
inline constexpr std::string_view kLeftover = "DKL-LI-0003";
inline constexpr std::string_view kWorldWritable = "WARD-SCAN-FILE-001";
inline constexpr std::string_view kDeviceNode = "WARD-SCAN-FILE-002";
// Accounts.
inline constexpr std::string_view kEmptyPassword = "DKL-LI-0001";
inline constexpr std::string_view kDuplicateAccount = "DKL-LI-0002";
inline constexpr std::string_view kWeakPasswordHash = "WARD-SCAN-ACCOUNT-001";
inline constexpr std::string_view kGuessablePassword = "WARD-SCAN-ACCOUNT-002";
// Packages.
inline constexpr std::string_view kUnreadPackageDatabase = "WARD-SCAN-PKG-001";
// Secrets: a file the secret rules could not (fully) read.  The rules
// themselves are WARD-SECRET-101 and up (secret_builtin_rules.cc).
inline constexpr std::string_view kSecretNotScanned = "WARD-SECRET-100";

// Every rule above, with its title, severity and help.
[[nodiscard]] const std::vector<Rule>& scan_rules();

// The severity of a rule above (warning for an unknown id).
[[nodiscard]] Severity rule_severity(std::string_view id);

}  // namespace ward::audit::scan
