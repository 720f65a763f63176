// --restart: Docker's policies and its backoff between restarts.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ward::monitor {

enum class RestartMode : std::uint8_t { no, on_failure, always, unless_stopped };

struct RestartPolicy {
  RestartMode mode = RestartMode::no;
  int maximum_retry_count = 0;  // on-failure:N; 0: no limit

  friend bool operator==(const RestartPolicy&, const RestartPolicy&) = default;
};

// "no", "on-failure", "on-failure:N", "always", "unless-stopped";
// invalid_input naming the value otherwise (a count only with on-failure).
[[nodiscard]] Result<RestartPolicy> parse_restart_policy(std::string_view text);
// Docker's HostConfig.RestartPolicy.Name: "no", "on-failure", "always",
// "unless-stopped".
[[nodiscard]] std::string_view restart_mode_name(RestartMode mode);
// The --restart text that parses back to `policy`.
[[nodiscard]] std::string restart_policy_text(const RestartPolicy& policy);

// Whether a container that exited with `exit_code` after `restart_count`
// restarts is started again.  A container the user stopped never is.
[[nodiscard]] bool should_restart(const RestartPolicy& policy, int exit_code, int restart_count, bool stop_requested);

// Docker's delay before a restart: 100 ms, doubled at every restart up to
// a minute, back to 100 ms once a run lasted 10 s.
class RestartBackoff {
 public:
  [[nodiscard]] std::chrono::milliseconds next(std::chrono::milliseconds last_run);

 private:
  std::chrono::milliseconds delay_{0};
};

}  // namespace ward::monitor
