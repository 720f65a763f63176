// rpm's BerkeleyDB Packages file from an image, read through librpm's
// bdb_ro backend (audit/scan/rpm_bdb.h).  The fuzzed bytes follow a valid
// hash metadata page's magic, so librpm's page reader is reached rather
// than the format check.  Properties, for any bytes: reading never crashes
// (ASan covers ward's side; librpm is not instrumented, but a crash in it
// is still a crash), nothing allocates gigabytes or spins (libFuzzer's
// malloc limit and -timeout; bdb_hash_shape.h), a refusal is invalid_input
// or, without librpm, unsupported, and every package returned has a name
// and a version.
#include <cstddef>
#include <cstdint>
#include <string>

#include "audit/scan/rpm_bdb.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() < 16) bytes.resize(16, '\0');
  // DB_HASHMAGIC, little-endian, at byte 12.
  bytes.replace(12, 4, std::string("\x61\x15\x06\x00", 4));
  // Half the inputs also get hash version 9 and 512-byte pages, so the
  // pages themselves reach the shape check and librpm; the others fuzz
  // the metadata page.
  if (bytes.size() >= 24 && (data[0] & 1) == 0) bytes.replace(16, 8, std::string("\x09\0\0\0\0\x02\0\0", 8));
  auto packages = ward::audit::scan::parse_rpmdb_berkeley(bytes, "/var/lib/rpm/Packages");
  if (!packages) {
    std::string message = packages.error().what();
    WARD_FUZZ_CHECK(
        packages.error().is(ward::ErrorKind::invalid_input) || packages.error().is(ward::ErrorKind::unsupported),
        "kind of \"%s\"", message.c_str());
    return 0;
  }
  for (const auto& p : *packages) WARD_FUZZ_CHECK(!p.name.empty() && !p.version.empty(), "a package without a name");
  return 0;
}
