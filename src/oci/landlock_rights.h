// The Landlock access rights a config.json may name (process.landlock), with
// the kernel bit and the Landlock ABI version that introduced each.  A table
// of the runtime-spec model: the parser checks names with it, and
// security/landlock.h builds masks from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ward::oci {

// One access right: its name in config.json (the kernel's
// LANDLOCK_ACCESS_{FS,NET}_* in lower case), its bit and the Landlock ABI
// version that introduced it.
struct LandlockRight {
  std::string_view name;
  std::uint64_t bit = 0;
  int abi = 1;
};

[[nodiscard]] std::optional<LandlockRight> landlock_fs_right(std::string_view name);
[[nodiscard]] std::optional<LandlockRight> landlock_net_right(std::string_view name);

}  // namespace ward::oci
