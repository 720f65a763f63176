// A layer cache file of ward scan (audit/scan/layer_cache.h).  The fuzzed
// bytes are the body of a file whose header and checksum are made right
// around them, so the parser itself is reached, not only the checksum.
// Properties, for any bytes: parsing never crashes (ASan), a refusal is
// invalid_input, and what it accepts is written back to a file that parses
// to the same result.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/scan/layer_cache.h"
#include "fuzz_check.h"
#include "image/digest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string body = "ward-scan-layer 1\nkey k\n";
  body.append(reinterpret_cast<const char*>(data), size);
  auto digest = ward::image::digest_of(body);
  if (!digest) return 0;
  std::string file = body + "sha256 " + digest->hex() + "\n";
  auto parsed = ward::audit::scan::parse_layer_result(file, "k");
  if (!parsed) {
    std::string message = parsed.error().what();
    WARD_FUZZ_CHECK(parsed.error().is(ward::ErrorKind::invalid_input), "kind of \"%s\"", message.c_str());
    return 0;
  }
  auto written = ward::audit::scan::serialize_layer_result(*parsed, "k");
  WARD_FUZZ_CHECK(written.has_value(), "an accepted result is not written back");
  auto again = ward::audit::scan::parse_layer_result(*written, "k");
  WARD_FUZZ_CHECK(again.has_value() && *again == *parsed, "written back, it parses to another result");
  return 0;
}
