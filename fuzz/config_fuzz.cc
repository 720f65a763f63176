// config.json (oci::parse_config), the bundle a user or a higher-level
// engine hands to ward-oci create/run.  Properties, for any bytes:
//   - parsing never crashes and nothing throws past the parser;
//   - an accepted config holds the invariants of oci_checks.h (absolute
//     paths, ranges, no duplicates, weights that convert into range, ...);
//   - a refusal is one message that starts with "config.json";
//   - the outcome does not depend on formatting: the same document
//     re-serialized is accepted or refused alike.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "oci/config.h"
#include "oci_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = ward::oci::parse_config(text);
  if (config) {
    ward::fuzz::check_config(*config);
  } else {
    std::string message = config.error().what();
    WARD_FUZZ_CHECK(message.starts_with("config.json"), "message \"%s\"", message.c_str());
  }

  auto document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  auto again = ward::oci::parse_config(document.dump(2));
  WARD_FUZZ_CHECK(again.has_value() == config.has_value(), "re-serialized config %s", again ? "accepted" : "refused");
  return 0;
}
