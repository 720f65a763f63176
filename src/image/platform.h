// Platforms as containerd's platforms package treats them: names are
// normalised (x86_64 -> amd64, aarch64 -> arm64, armhf -> arm/v7, arm with
// no variant -> arm/v7, arm64/v8 -> arm64), and a host runs, in order of
// preference, its own platform and the older ones it is compatible with
// (arm64 also runs arm/v8 to arm/v5; amd64/v3 also amd64/v2 and amd64).
// An index is resolved to the first of those it has a manifest for.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "image/spec.h"
#include "util/error.h"

namespace ward::image {

// The canonical spelling of a platform (os lower-cased, architecture and
// variant as above; os.version and os.features kept).
[[nodiscard]] Platform normalize_platform(Platform platform);

// The platform a uname(2) machine name stands for, on Linux: "x86_64" ->
// linux/amd64, "aarch64" -> linux/arm64, "armv7l" -> linux/arm/v7.
[[nodiscard]] Platform platform_of_machine(std::string_view machine);
// This host's platform (uname).
[[nodiscard]] Platform host_platform();

// "linux/arm/v7", "linux/amd64".
[[nodiscard]] std::string platform_string(const Platform& platform);
// The reverse, normalised, for --platform: "linux/amd64", "linux/arm/v7",
// "linux/arm64/v8"; invalid_input naming `text` for anything else.
[[nodiscard]] Result<Platform> parse_platform(std::string_view text);

// The platforms a host of `wanted` runs, most preferred first, normalised.
[[nodiscard]] std::vector<Platform> compatible_platforms(const Platform& wanted);

// The manifest of `index` for `wanted`: the first of compatible_platforms
// that an entry with a platform matches (os, architecture and variant after
// normalisation).  not_found, naming what the index offers, when none does.
[[nodiscard]] Result<Descriptor> select_manifest(const Index& index, const Platform& wanted = host_platform());

}  // namespace ward::image
