// apk's installed database from an image (audit/scan/packages.h).  Properties,
// for any bytes: parsing never crashes, and every package it returns has
// a name and a version without blanks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/scan/packages.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto packages = ward::audit::scan::parse_apk_installed(text, "installed");
  if (!packages) return 0;
  for (const auto& p : *packages) {
    WARD_FUZZ_CHECK(!p.name.empty() && !p.version.empty(), "a package without a name or version");
    WARD_FUZZ_CHECK(p.name.find_first_of(" \t\n") == std::string::npos, "a blank in name %s", p.name.c_str());
  }
  return 0;
}
