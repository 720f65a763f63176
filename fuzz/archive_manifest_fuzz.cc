// docker save's manifest.json and the OCI layout file (image/archive_manifest.h):
// documents inside an archive a user hands to `ward load`.  Properties, for
// any bytes:
//   - parsing never crashes and nothing throws past the parser;
//   - every path of an accepted manifest names a member inside the archive
//     (normalize_member_path is not empty: no "..", not absolute);
//   - writing an accepted manifest back parses to an equal value;
//   - a refusal is invalid_input and names the document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "image/archive_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ward::image;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto images = parse_docker_archive_manifest(text)) {
    for (const auto& image : *images) {
      WARD_FUZZ_CHECK(!normalize_member_path(image.config).empty(), "config \"%s\"", image.config.c_str());
      for (const auto& layer : image.layers)
        WARD_FUZZ_CHECK(!normalize_member_path(layer).empty(), "layer \"%s\"", layer.c_str());
    }
    auto again = parse_docker_archive_manifest(write_docker_archive_manifest(*images));
    WARD_FUZZ_CHECK(again && *again == *images, "write/parse round trip differs");
  } else {
    std::string message = images.error().what();
    WARD_FUZZ_CHECK(images.error().is(ward::ErrorKind::invalid_input), "kind of \"%s\"", message.c_str());
    WARD_FUZZ_CHECK(message.starts_with("manifest.json"), "message \"%s\"", message.c_str());
  }
  if (auto layout = check_oci_layout_file(text); !layout) {
    std::string message = layout.error().what();
    WARD_FUZZ_CHECK(message.starts_with("oci-layout"), "message \"%s\"", message.c_str());
  }
  std::string path = normalize_member_path(text);
  WARD_FUZZ_CHECK(!path.starts_with('/'), "normalised path \"%s\" is absolute", path.c_str());
  for (std::size_t start = 0; start <= path.size() && !path.empty();) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part = std::string_view(path).substr(start, end - start);
    WARD_FUZZ_CHECK(part != ".." && part != "." && !part.empty(), "normalised path \"%s\"", path.c_str());
    start = end + 1;
  }
  return 0;
}
