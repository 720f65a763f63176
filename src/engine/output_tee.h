// Internal to src/engine: a foreground container's output, relayed to
// ward's own stdout and stderr and kept in its json-file log, so that
// `ward logs` shows what a `ward run` printed, as Docker's does.  The
// container writes into two pipes (its stdout and stderr while the tee is
// installed); a thread relays them until every writer is gone.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "engine/monitor/json_log.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::engine {

class OutputTee {
 public:
  // Pipes in place of ward's stdout and stderr (the originals kept for
  // the relay) and the log at `log_path`.  A stream not relayed (run -a)
  // goes to the log only.
  [[nodiscard]] static Result<std::unique_ptr<OutputTee>> install(const std::string& log_path,
                                                                  const monitor::JsonLogOptions& options,
                                                                  bool relay_stdout = true, bool relay_stderr = true);
  OutputTee(const OutputTee&) = delete;
  OutputTee& operator=(const OutputTee&) = delete;
  // Puts ward's stdout and stderr back and waits for the relay to end.
  ~OutputTee();

 private:
  OutputTee() = default;
  void relay();

  UniqueFd saved_out_, saved_err_;  // ward's own stdout and stderr
  UniqueFd out_read_, err_read_;
  bool relay_stdout_ = true, relay_stderr_ = true;
  std::optional<monitor::JsonLogWriter> log_;
  std::thread thread_;
};

}  // namespace ward::engine
