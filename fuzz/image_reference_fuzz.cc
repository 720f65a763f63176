// Image references (image::parse_reference): what a user types after
// `ward pull` or writes in a FROM line.  Properties, for any bytes:
//   - parsing never crashes;
//   - an accepted reference has a domain, a lower-case path, a tag or a
//     digest, and a full name of at most 255 characters;
//   - its full and its familiar forms both parse back to the same reference,
//     and the full form is not a short name;
//   - is_short_name agrees with the parse;
//   - a refusal is invalid_input and starts with "invalid reference".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "image/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto reference = ward::image::parse_reference(text);
  if (!reference) {
    std::string message = reference.error().what();
    WARD_FUZZ_CHECK(reference.error().is(ward::ErrorKind::invalid_input), "kind of \"%s\"", message.c_str());
    WARD_FUZZ_CHECK(message.starts_with("invalid reference"), "message \"%s\"", message.c_str());
    return 0;
  }
  std::string full = reference->string();
  WARD_FUZZ_CHECK(!reference->domain.empty() && !reference->path.empty(), "\"%s\"", full.c_str());
  WARD_FUZZ_CHECK(!reference->tag.empty() || reference->digest, "\"%s\" has neither tag nor digest", full.c_str());
  WARD_FUZZ_CHECK(reference->name().size() <= 255, "\"%s\" too long", full.c_str());
  for (char c : reference->path) WARD_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "\"%s\" path not lower-case", full.c_str());
  WARD_FUZZ_CHECK(reference->short_name == ward::image::is_short_name(text), "short name of \"%s\"", full.c_str());

  auto again = ward::image::parse_reference(full);
  WARD_FUZZ_CHECK(again && *again == *reference, "full form \"%s\" does not re-parse alike", full.c_str());
  WARD_FUZZ_CHECK(!again->short_name, "full form \"%s\" is a short name", full.c_str());
  WARD_FUZZ_CHECK(again->string() == full, "full form \"%s\" prints differently", full.c_str());
  std::string familiar = reference->familiar();
  auto from_familiar = ward::image::parse_reference(familiar);
  WARD_FUZZ_CHECK(from_familiar && *from_familiar == *reference, "familiar \"%s\" of \"%s\" differs", familiar.c_str(),
                  full.c_str());
  return 0;
}
