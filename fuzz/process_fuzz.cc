// A process.json (ward-oci exec --process, oci::parse_process): written by
// whoever runs exec.  Properties, for any bytes: parsing never crashes; an
// accepted process holds the invariants config.json's process does
// (oci_checks.h); a refusal names process.json.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "oci/config.h"
#include "oci_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto process = ward::oci::parse_process(text);
  if (process) {
    ward::fuzz::check_process(*process);
  } else {
    std::string message = process.error().what();
    WARD_FUZZ_CHECK(message.starts_with("process.json"), "message \"%s\"", message.c_str());
  }
  return 0;
}
