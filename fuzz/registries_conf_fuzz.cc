// registries.conf (image::parse_registries_conf, toml++ underneath): a
// file any user may write for their own pulls.  Properties, for any bytes:
//   - parsing never crashes and no toml++ exception escapes;
//   - a refusal is invalid_input, one line, starting "fuzz.conf:";
//   - an accepted file's registries each have a prefix; a location is empty
//     only for a "*." prefix; mirrors each have a location; every
//     unqualified-search registry, alias target and location makes a
//     qualified reference;
//   - merging it over itself changes nothing, and resolving a short name or
//     choosing endpoints for a reference never crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "image/reference.h"
#include "image/registries_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto conf = ward::image::parse_registries_conf(text, "fuzz.conf");
  if (!conf) {
    std::string message = conf.error().what();
    WARD_FUZZ_CHECK(conf.error().is(ward::ErrorKind::invalid_input), "kind of \"%s\"", message.c_str());
    WARD_FUZZ_CHECK(message.starts_with("fuzz.conf:"), "message \"%s\"", message.c_str());
    WARD_FUZZ_CHECK(message.find('\n') == std::string::npos, "message on two lines \"%s\"", message.c_str());
    return 0;
  }
  for (const auto& entry : conf->registries) {
    WARD_FUZZ_CHECK(!entry.prefix.empty(), "a registry without a prefix at %s", entry.origin.c_str());
    WARD_FUZZ_CHECK(!entry.location.empty() || entry.prefix.starts_with("*."), "no location at %s",
                    entry.origin.c_str());
    for (const auto& mirror : entry.mirrors)
      WARD_FUZZ_CHECK(!mirror.location.empty(), "a mirror without a location at %s", entry.origin.c_str());
  }
  for (const auto& host : conf->search) {
    auto qualified = ward::image::parse_reference(host + "/x");
    WARD_FUZZ_CHECK(qualified && !qualified->short_name, "search registry \"%s\"", host.c_str());
  }
  for (const auto& [name, target] : conf->aliases) {
    if (target.empty()) continue;
    auto qualified = ward::image::parse_reference(target);
    WARD_FUZZ_CHECK(qualified && !qualified->short_name, "alias \"%s\" = \"%s\"", name.c_str(), target.c_str());
  }
  auto merged = *conf;
  ward::image::merge_registries_conf(merged, *conf);
  WARD_FUZZ_CHECK(merged.registries.size() == conf->registries.size(), "merge over itself added registries");
  WARD_FUZZ_CHECK(merged.search == conf->search, "merge over itself changed the search list");
  for (const char* name : {"busybox", "user/app:1", "quay.io/a/b:2",
                           "localhost:5000/x@sha256:"
                           "0000000000000000000000000000000000000000000000"
                           "000000000000000000"}) {
    auto reference = ward::image::parse_reference(name);
    if (!reference) continue;
    (void)ward::image::short_name_candidates(*conf, *reference, name);
    (void)ward::image::pull_endpoints(*conf, *reference);
    (void)ward::image::push_endpoint(*conf, *reference);
  }
  return 0;
}
