// The health checks of a foreground `ward run`, which is its own monitor
// (ENGINE.md): a thread that runs `ward monitor-health ID` on the schedule
// a detached container's monitor keeps (engine/monitor/monitor.h): every
// interval, every start interval during the start period.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "image/spec.h"
#include "util/error.h"

namespace ward::engine {

class HealthProber {
 public:
  // `argv` runs one probe; `env` is its environment (prepared here, as
  // nothing may be allocated between fork and exec).
  [[nodiscard]] static Result<std::unique_ptr<HealthProber>> start(std::vector<std::string> argv,
                                                                   std::vector<std::string> env,
                                                                   const image::Healthcheck& check);
  // Stops the schedule and waits for a probe that runs.
  ~HealthProber();
  HealthProber(const HealthProber&) = delete;
  HealthProber& operator=(const HealthProber&) = delete;

 private:
  HealthProber(std::vector<std::string> argv, std::vector<std::string> env, const image::Healthcheck& check);
  void loop();
  void probe_once();

  std::vector<std::string> argv_, env_;
  std::chrono::nanoseconds interval_, start_interval_, start_period_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ward::engine
