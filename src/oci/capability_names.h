// The capability names a config.json may use ("CAP_SYS_ADMIN"), and their
// numbers.  A table of the runtime-spec model: the parser checks names with
// it, and security/ turns the numbers into the sets the init applies.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace ward::oci {

// The highest capability number ward has a name for (CAP_CHECKPOINT_RESTORE).
inline constexpr int kHighestKnownCapability = 40;

// "CAP_SYS_ADMIN" (case-insensitive, "CAP_" prefix optional) -> 21.
[[nodiscard]] std::optional<int> capability_from_name(std::string_view name);
// 21 -> "CAP_SYS_ADMIN"; nullptr if unknown.
[[nodiscard]] const char* capability_name(int cap);
// Every capability name ward knows, in number order.
[[nodiscard]] std::vector<std::string_view> all_capability_names();

}  // namespace ward::oci
