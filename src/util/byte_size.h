// Sizes as users type them on a command line: "512", "100k", "100M",
// "1.5G", "2GiB", "64 mb".  The rules are those of runc's and Docker's
// size flags (go-units RAMInBytes): the unit letters k, m, g, t, p in either
// case are powers of 1024, optionally followed by "i" and/or "b"
// ("M", "MB", "MiB" are all 2^20); one space may separate number and unit;
// a decimal fraction is allowed and the product is truncated to bytes.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/error.h"

namespace ward {

// The size `text` names, in bytes.  Fails (naming the text) on anything else,
// on a negative number and on a size above INT64_MAX.
[[nodiscard]] Result<std::int64_t> parse_byte_size(std::string_view text);

}  // namespace ward
