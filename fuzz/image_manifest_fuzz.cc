// Image manifests, indexes and configs (image::parse_manifest, parse_index,
// parse_image_config): JSON a registry or an image archive controls.  Each
// input is given to all three.  Properties, for any bytes:
//   - parsing never crashes and nothing throws past the parser;
//   - an accepted document has schemaVersion 2 (manifest, index), sizes
//     that are not negative and well-formed digests;
//   - what is written back from an accepted document parses to an equal
//     value (parse(write(parse(x))) == parse(x));
//   - a refusal is invalid_input and names the document kind.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "image/platform.h"
#include "image/spec.h"

namespace {

using namespace ward::image;

void check_descriptor(const Descriptor& descriptor) {
  WARD_FUZZ_CHECK(descriptor.size >= 0, "size %lld", static_cast<long long>(descriptor.size));
  WARD_FUZZ_CHECK(!descriptor.digest.empty() && Digest::parse(descriptor.digest.string()),
                  "digest \"%s\" not well formed", descriptor.digest.string().c_str());
}

void check_refusal(const ward::Error& error, const char* kind) {
  std::string message = error.what();
  WARD_FUZZ_CHECK(error.is(ward::ErrorKind::invalid_input), "kind of \"%s\"", message.c_str());
  WARD_FUZZ_CHECK(message.starts_with(kind), "message \"%s\"", message.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto manifest = parse_manifest(text)) {
    WARD_FUZZ_CHECK(manifest->schema_version == 2, "schemaVersion %d", manifest->schema_version);
    check_descriptor(manifest->config);
    for (const auto& layer : manifest->layers) check_descriptor(layer);
    auto again = parse_manifest(write_manifest(*manifest));
    WARD_FUZZ_CHECK(again && *again == *manifest, "manifest does not round-trip: %s",
                    again ? "differs" : again.error().what().c_str());
  } else {
    check_refusal(manifest.error(), "image manifest");
  }

  if (auto index = parse_index(text)) {
    WARD_FUZZ_CHECK(index->schema_version == 2, "schemaVersion %d", index->schema_version);
    for (const auto& entry : index->manifests) check_descriptor(entry);
    auto again = parse_index(write_index(*index));
    WARD_FUZZ_CHECK(again && *again == *index, "index does not round-trip: %s",
                    again ? "differs" : again.error().what().c_str());
    // Choosing a platform never fails other than with not_found.
    auto chosen = select_manifest(*index, host_platform());
    WARD_FUZZ_CHECK(chosen || chosen.error().is(ward::ErrorKind::not_found), "select_manifest: %s",
                    chosen.error().what().c_str());
  } else {
    check_refusal(index.error(), "image index");
  }

  if (auto config = parse_image_config(text)) {
    for (const auto& diff_id : config->rootfs.diff_ids) WARD_FUZZ_CHECK(!diff_id.empty(), "empty diff_id");
    auto again = parse_image_config(write_image_config(*config));
    WARD_FUZZ_CHECK(again && *again == *config, "image config does not round-trip: %s",
                    again ? "differs" : again.error().what().c_str());
  } else {
    check_refusal(config.error(), "image config");
  }
  return 0;
}
