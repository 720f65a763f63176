// User-namespace ranges (ENGINE.md "User namespaces"): every container
// gets 65536 ids of its own, a slot of the `ward` entry in /etc/subuid
// and /etc/subgid, allocated in the store's database (userns_ranges) so
// that no two containers share ids.  The entry is added on first use, as
// Docker's --userns-remap=default adds `dockremap`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db/database.h"
#include "util/error.h"

namespace ward::engine {

inline constexpr std::uint32_t kIdsPerContainer = 65536;
// The size of the entry ward adds: 8192 containers' ranges.
inline constexpr std::uint32_t kWardEntrySlots = 8192;
inline constexpr std::string_view kWardUser = "ward";

struct SubordinateRange {
  std::uint32_t start = 0;
  std::uint32_t count = 0;
  friend bool operator==(const SubordinateRange&, const SubordinateRange&) = default;
};

// The first range of `user` in a subuid/subgid text ("name:start:count"
// lines).  nullopt when there is none.
[[nodiscard]] std::optional<SubordinateRange> find_subordinate_range(std::string_view text, std::string_view user);
// Where a new entry of `count` ids may start: past every range in the
// text, at least 100000, aligned to 65536.  unsupported when that leaves
// no room below 2^32 - 1.
[[nodiscard]] Result<std::uint32_t> free_subordinate_start(std::string_view text, std::uint64_t count);

struct WardRanges {
  SubordinateRange uids, gids;
};
// The `ward` entries of `subuid_path` and `subgid_path`, each added (under
// a lock on its directory, written to a temp file and renamed) when it is
// missing.  An entry too small for one container is refused.
[[nodiscard]] Result<WardRanges> ensure_ward_ranges(const std::string& subuid_path, const std::string& subgid_path);

// The host ids a container's id 0 maps to; 65536 from there are its.
struct HostIds {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  friend bool operator==(const HostIds&, const HostIds&) = default;
};

// The lowest slot of `ranges` no container holds, recorded for
// `container_id` with its host ids (call inside the transaction that
// inserts the container).  in_use when every slot is taken.
[[nodiscard]] Result<HostIds> allocate_user_ids(db::Database& database, const std::string& container_id,
                                                const WardRanges& ranges);
// The ids `container_id` holds; nullopt when it has none (--userns host).
[[nodiscard]] Result<std::optional<HostIds>> find_user_ids(db::Database& database, const std::string& container_id);

}  // namespace ward::engine
