// What `ward audit` reads from a user: docker/podman inspect output, an OCI
// config.json and a Docker API top answer (audit/bench).  Properties, for
// any bytes: parsing never crashes, and whatever parses runs through every
// section 5 check, which gives one result per check, each a known ID.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/bench/catalog.h"
#include "audit/bench/docker_api.h"
#include "audit/bench/docker_inspect.h"
#include "audit/bench/oci_config.h"
#include "audit/bench/runtime_checks.h"
#include "fuzz_check.h"

namespace {

void check_section(const ward::audit::bench::RuntimeInput& input) {
  auto section = ward::audit::bench::runtime_section(input);
  WARD_FUZZ_CHECK(!section.results.empty(), "no results");
  for (const auto& result : section.results)
    WARD_FUZZ_CHECK(ward::audit::bench::known_check_ids().contains(result.id), "unknown id %s", result.id.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto containers = ward::audit::bench::parse_docker_inspect(text)) {
    WARD_FUZZ_CHECK(!containers->empty(), "an inspect document with no container parsed");
    check_section({*containers, std::nullopt});
  }
  if (auto config = ward::audit::bench::parse_oci_config(text, "config.json")) check_section({{*config}, true});
  (void)ward::audit::bench::parse_top(text);
  return 0;
}
