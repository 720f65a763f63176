// `ward-oci features`: what this runtime implements, in the shape of the
// runtime-spec's features document (features.md).  It must stay honest: a
// feature is listed only once ward-oci really applies it.
#pragma once

#include <string>

namespace ward::runtime {

[[nodiscard]] std::string features_json();

}  // namespace ward::runtime
