// Checks on an image's configuration and history, with dockle's
// checkpoint IDs: the user it runs as (CIS-DI-0001), HEALTHCHECK
// (CIS-DI-0006), "apt-get update" alone (CIS-DI-0007), ADD (CIS-DI-0009),
// secrets in ENV (CIS-DI-0010), sudo (DKL-DI-0001), the latest tag
// (DKL-DI-0006) and EXPOSE 22 (WARD-SCAN-IMAGE-001).
#pragma once

#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "image/spec.h"

namespace ward::audit::scan {

// Where image findings point: the image's configuration.
inline constexpr std::string_view kImageConfigLocation = "image-config";

// `tag`: the tag the image was named by ("" when it was named by digest or
// ID, which pins it).
[[nodiscard]] std::vector<Finding> check_image_config(const image::ImageConfig& config, std::string_view tag);

}  // namespace ward::audit::scan
