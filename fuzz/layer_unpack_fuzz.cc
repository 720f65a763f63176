// Layer blobs (image::unpack_layer): bytes a registry or an image archive
// controls, unpacked into a fresh directory that is removed afterwards.
// Each input is unpacked once as an overlay lower layer, rootless (no
// device nodes, no ownership changes on the fuzzing host).  Properties,
// for any bytes:
//   - unpacking never crashes and nothing throws past it;
//   - nothing is created beside the layer directory (a sibling stays
//     empty, the parent holds only the two);
//   - an accepted blob has the size and the sha256 of the input;
//   - a refusal carries a message.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "image/digest.h"
#include "image/layer_unpack.h"
#include "util/fd.h"
#include "util/sys.h"

namespace {

// /tmp/ward-layer-fuzz-XXXXXX, made once per process, with an empty
// "sibling" that must stay empty.
const std::string& base_directory() {
  static const std::string base = [] {
    std::string pattern = "/tmp/ward-layer-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    if (::mkdir((pattern + "/sibling").c_str(), 0755) < 0) std::abort();
    return pattern;
  }();
  static const bool cleanup_registered = [] {
    std::atexit([] { (void)ward::sys::remove_all(base); });
    return true;
  }();
  (void)cleanup_registered;
  return base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string& base = base_directory();
  std::string layer = base + "/layer";
  (void)ward::sys::remove_all(layer);
  WARD_FUZZ_CHECK(::mkdir(layer.c_str(), 0755) == 0, "mkdir %s", layer.c_str());

  ward::UniqueFd blob(::memfd_create("layer", MFD_CLOEXEC));
  WARD_FUZZ_CHECK(blob.valid(), "memfd_create");
  WARD_FUZZ_CHECK(ward::sys::raw::write_all(blob.get(), bytes.data(), bytes.size()) >= 0, "write the blob");
  ::lseek(blob.get(), 0, SEEK_SET);
  ward::UniqueFd root(::open(layer.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  WARD_FUZZ_CHECK(root.valid(), "open %s", layer.c_str());

  auto unpacked = ward::image::unpack_layer(blob.get(), root.get(), {.rootless = true});
  if (unpacked) {
    WARD_FUZZ_CHECK(unpacked->blob_size == size, "blob_size %llu of %zu bytes",
                    static_cast<unsigned long long>(unpacked->blob_size), size);
    auto digest = ward::image::digest_of(bytes);
    WARD_FUZZ_CHECK(digest && *digest == unpacked->blob_digest, "blob digest %s",
                    unpacked->blob_digest.string().c_str());
  } else {
    WARD_FUZZ_CHECK(!unpacked.error().what().empty(), "a refusal without a message");
  }

  auto sibling = ward::sys::list_directory(base + "/sibling");
  WARD_FUZZ_CHECK(sibling && sibling->empty(), "something was written beside the layer");
  auto top = ward::sys::list_directory(base);
  WARD_FUZZ_CHECK(top && top->size() == 2, "the parent holds more than the layer and its sibling");
  root.reset();
  (void)ward::sys::remove_all(layer);
  return 0;
}
