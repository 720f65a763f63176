#include "oci/landlock_rights.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace ward::oci {

namespace {

constexpr std::array<LandlockRight, 16> kFsRights = {{
    {"execute", 1ULL << 0, 1},    {"write_file", 1ULL << 1, 1}, {"read_file", 1ULL << 2, 1},
    {"read_dir", 1ULL << 3, 1},   {"remove_dir", 1ULL << 4, 1}, {"remove_file", 1ULL << 5, 1},
    {"make_char", 1ULL << 6, 1},  {"make_dir", 1ULL << 7, 1},   {"make_reg", 1ULL << 8, 1},
    {"make_sock", 1ULL << 9, 1},  {"make_fifo", 1ULL << 10, 1}, {"make_block", 1ULL << 11, 1},
    {"make_sym", 1ULL << 12, 1},  {"refer", 1ULL << 13, 2},     {"truncate", 1ULL << 14, 3},
    {"ioctl_dev", 1ULL << 15, 5},
}};

constexpr std::array<LandlockRight, 2> kNetRights = {{
    {"bind_tcp", 1ULL << 0, 4},
    {"connect_tcp", 1ULL << 1, 4},
}};

template <std::size_t N>
std::optional<LandlockRight> find_right(const std::array<LandlockRight, N>& table, std::string_view name) {
  auto found = std::find_if(table.begin(), table.end(), [&](const LandlockRight& r) { return r.name == name; });
  if (found == table.end()) return std::nullopt;
  return *found;
}

}  // namespace

std::optional<LandlockRight> landlock_fs_right(std::string_view name) { return find_right(kFsRights, name); }
std::optional<LandlockRight> landlock_net_right(std::string_view name) { return find_right(kNetRights, name); }

}  // namespace ward::oci
