// Signal names as runc and kill(1) accept them: "KILL", "SIGKILL", "9",
// "SIGRTMIN+3", "RTMAX-1".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ward::oci {

[[nodiscard]] std::optional<int> parse_signal(std::string_view text);
// "SIGTERM" for 15, "SIGRTMIN+3" for real-time signals.
[[nodiscard]] std::string signal_name(int signal);

}  // namespace ward::oci
