// The account databases of a root filesystem (/etc/passwd, /etc/shadow,
// /etc/group), checked as dockle does: empty passwords (DKL-LI-0001),
// duplicate UIDs, GIDs and names (DKL-LI-0002); and by ward: password
// hashes of broken algorithms (WARD-SCAN-ACCOUNT-001) and passwords a
// dictionary of a dozen words guesses (WARD-SCAN-ACCOUNT-002).  The text
// comes from an image: any bytes are read without a crash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"

namespace ward::audit::scan {

// One line of a colon-separated database, split into its fields.
struct AccountLine {
  int line = 0;  // 1-based
  std::vector<std::string> fields;
};

// Lines with at least one field; comments ("#") and blank lines skipped.
[[nodiscard]] std::vector<AccountLine> parse_account_lines(std::string_view text);

// The text of each file, "" when the rootfs has none.
struct AccountFiles {
  std::string passwd;
  std::string shadow;
  std::string group;
};

// Findings about the accounts, in file then line order.  Guesses are
// tried only against hashes whose cost parameters are at most a
// distribution's default (a planted expensive hash cannot stall the scan),
// and against at most 64 hashes.
[[nodiscard]] std::vector<Finding> check_accounts(const AccountFiles& files);

// Whether `hash` (a crypt(3) string) is `password`'s; false for locked or
// unreadable hashes.
[[nodiscard]] bool password_matches(std::string_view password, std::string_view hash);

}  // namespace ward::audit::scan
