#include "engine/monitor/restart_policy.h"

#include <charconv>

#include <fmt/format.h>

namespace ward::monitor {

Result<RestartPolicy> parse_restart_policy(std::string_view text) {
  std::string_view name = text.substr(0, text.find(':'));
  bool has_count = name.size() != text.size();
  RestartPolicy policy;
  if (name == "no" || name.empty()) {
    policy.mode = RestartMode::no;
  } else if (name == "on-failure") {
    policy.mode = RestartMode::on_failure;
  } else if (name == "always") {
    policy.mode = RestartMode::always;
  } else if (name == "unless-stopped") {
    policy.mode = RestartMode::unless_stopped;
  } else {
    return fail(ErrorKind::invalid_input, fmt::format("invalid restart policy {}", text));
  }
  if (has_count) {
    if (policy.mode != RestartMode::on_failure)
      return fail(
          ErrorKind::invalid_input,
          fmt::format("invalid restart policy {}: maximum retry count can only be used with 'on-failure'", text));
    std::string_view count = text.substr(name.size() + 1);
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), policy.maximum_retry_count);
    if (ec != std::errc() || end != count.data() + count.size() || policy.maximum_retry_count < 0)
      return fail(ErrorKind::invalid_input, fmt::format("invalid restart policy {}: bad maximum retry count", text));
  }
  return policy;
}

std::string_view restart_mode_name(RestartMode mode) {
  switch (mode) {
    case RestartMode::no: return "no";
    case RestartMode::on_failure: return "on-failure";
    case RestartMode::always: return "always";
    case RestartMode::unless_stopped: return "unless-stopped";
  }
  return "no";
}

std::string restart_policy_text(const RestartPolicy& policy) {
  std::string text(restart_mode_name(policy.mode));
  if (policy.mode == RestartMode::on_failure && policy.maximum_retry_count > 0)
    text += fmt::format(":{}", policy.maximum_retry_count);
  return text;
}

bool should_restart(const RestartPolicy& policy, int exit_code, int restart_count, bool stop_requested) {
  if (stop_requested) return false;
  switch (policy.mode) {
    case RestartMode::no: return false;
    case RestartMode::always:
    case RestartMode::unless_stopped: return true;
    case RestartMode::on_failure:
      return exit_code != 0 && (policy.maximum_retry_count == 0 || restart_count < policy.maximum_retry_count);
  }
  return false;
}

std::chrono::milliseconds RestartBackoff::next(std::chrono::milliseconds last_run) {
  using std::chrono::milliseconds;
  if (last_run >= std::chrono::seconds(10) || delay_ == milliseconds(0))
    delay_ = milliseconds(100);
  else
    delay_ = std::min<milliseconds>(delay_ * 2, std::chrono::minutes(1));
  return delay_;
}

}  // namespace ward::monitor
