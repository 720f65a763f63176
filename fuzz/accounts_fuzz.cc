// /etc/passwd, /etc/shadow and /etc/group from an image
// (audit/scan/accounts.h).  Properties, for any bytes: the checks never
// crash, and every finding points at a line that exists.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/scan/accounts.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  ward::audit::scan::AccountFiles files{text, text, text};
  for (const auto& finding : ward::audit::scan::check_accounts(files))
    WARD_FUZZ_CHECK(finding.location.line >= 1 && finding.location.line <= lines, "line %d of %d",
                    finding.location.line, lines);
  return 0;
}
