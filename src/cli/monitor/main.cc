// ward-monitor: the monitor of one detached container (engine/monitor/
// monitor.h).  `ward` starts it with the container's pipes and sockets as
// inherited fds; a user never does.  One flag per MonitorSetup field:
//   ward-monitor --id ID --store DIR --run DIR --ward PATH
//                [--log-driver json-file|none] [--log-opt KEY=VALUE]...
//                --ready-fd N --starter-fd N
//                --starter-pid PID [--stdout-fd N] [--stderr-fd N]
//                [--stdin-read-fd N] [--stdin-write-fd N] [--console-fd N]
//                [--attach-fd N]
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "engine/monitor/monitor.h"

namespace {

bool parse_int(std::string_view text, int& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

int usage(std::string_view why) {
  std::fprintf(stderr, "ward-monitor: %.*s (ward-monitor is started by ward run -d and ward start)\n",
               static_cast<int>(why.size()), why.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  ward::monitor::MonitorSetup setup;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) return usage(std::string(flag) + ": a value is missing");
    std::string_view value = argv[++i];
    int number = -1;
    bool numeric = parse_int(value, number);
    auto fd_flag = [&](int& field) {
      field = number;
      return numeric && number >= 0;
    };
    bool ok = true;
    if (flag == "--id") {
      setup.id = value;
    } else if (flag == "--store") {
      setup.store_root = value;
    } else if (flag == "--run") {
      setup.run_root = value;
    } else if (flag == "--ward") {
      setup.ward_path = value;
    } else if (flag == "--log-driver") {
      setup.log_driver = value;
    } else if (flag == "--log-opt") {
      auto equals = value.find('=');
      ok = equals != std::string_view::npos;
      if (ok) setup.log_options[std::string(value.substr(0, equals))] = std::string(value.substr(equals + 1));
    } else if (flag == "--ready-fd") {
      ok = fd_flag(setup.ready_fd);
    } else if (flag == "--starter-fd") {
      ok = fd_flag(setup.starter_fd);
    } else if (flag == "--starter-pid") {
      ok = numeric && number > 0;
      setup.starter_pid = number;
    } else if (flag == "--stdout-fd") {
      ok = fd_flag(setup.stdout_fd);
    } else if (flag == "--stderr-fd") {
      ok = fd_flag(setup.stderr_fd);
    } else if (flag == "--stdin-read-fd") {
      ok = fd_flag(setup.stdin_read_fd);
    } else if (flag == "--stdin-write-fd") {
      ok = fd_flag(setup.stdin_write_fd);
    } else if (flag == "--console-fd") {
      ok = fd_flag(setup.console_fd);
    } else if (flag == "--attach-fd") {
      ok = fd_flag(setup.attach_fd);
    } else if (flag == "--health-interval-ms") {
      ok = numeric && number > 0;
      setup.health_interval_ms = number;
    } else if (flag == "--health-start-interval-ms") {
      ok = numeric && number >= 0;
      setup.health_start_interval_ms = number;
    } else if (flag == "--health-start-period-ms") {
      ok = numeric && number >= 0;
      setup.health_start_period_ms = number;
    } else {
      return usage("unknown flag " + std::string(flag));
    }
    if (!ok) return usage(std::string(flag) + ": bad value " + std::string(value));
  }
  if (setup.id.empty() || setup.store_root.empty() || setup.run_root.empty() || setup.ward_path.empty() ||
      setup.starter_fd < 0 || setup.starter_pid <= 0)
    return usage("--id, --store, --run, --ward, --starter-fd and --starter-pid are required");
  return ward::monitor::run_monitor(setup);
}
