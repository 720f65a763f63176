// One package header from rpm's database in an image (audit/scan/rpm.h).
// Properties, for any bytes: parsing never crashes or reads outside the
// blob (ASan), a package it returns has a name and a version without
// blanks or control characters, and a refusal is invalid_input naming
// where the blob came from.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/scan/rpm.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  auto package = ward::audit::scan::parse_rpm_header(blob, "rpmdb.sqlite row 1");
  if (!package) {
    std::string message = package.error().what();
    WARD_FUZZ_CHECK(package.error().is(ward::ErrorKind::invalid_input), "kind of \"%s\"", message.c_str());
    WARD_FUZZ_CHECK(message.starts_with("rpmdb.sqlite row 1: "), "message \"%s\"", message.c_str());
    return 0;
  }
  if (!*package) return 0;
  const auto& p = **package;
  WARD_FUZZ_CHECK(!p.name.empty() && !p.version.empty(), "a package without a name or version");
  for (const std::string* text : {&p.name, &p.version})
    for (char c : *text)
      WARD_FUZZ_CHECK(c != ' ' && static_cast<unsigned char>(c) >= 0x20, "a blank or control in \"%s\"", text->c_str());
  return 0;
}
