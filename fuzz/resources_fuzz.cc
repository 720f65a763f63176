// The resources object of ward-oci update --resources (oci::parse_resources)
// and the conversions that turn it into cgroup file contents
// (cgroups/convert.h).  Properties, for any bytes: parsing never crashes;
// every value of an accepted object converts to something its cgroup file
// takes (weights within 1..10000, limits "max" or a number, one line per
// device rule, unified keys that are file names); a refusal names
// "resources".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "oci/config.h"
#include "oci_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto resources = ward::oci::parse_resources(text);
  if (resources) {
    ward::fuzz::check_resources(*resources);
  } else {
    std::string message = resources.error().what();
    WARD_FUZZ_CHECK(message.starts_with("resources"), "message \"%s\"", message.c_str());
  }
  return 0;
}
