// `ward selftest`'s runs (docs/SELFTEST.md): ward-probe, bound read-only
// into containers made from the built-in busybox image, once under ward's
// defaults, once with every protection removed, once per protection layer
// (layers.h) with only that layer removed, once with every layer removed
// and once per layer with only that layer kept.  The containers are the
// engine's own, named ward-selftest-<pid>-<run>, and each is removed when
// its run ends, also on an error or an interruption (SIGINT, SIGTERM,
// SIGHUP); leftovers of a selftest that was killed outright are removed
// by the next one.
#pragma once

#include <string>

#include "audit/selftest/report.h"
#include "engine/engine.h"
#include "util/error.h"

namespace ward::audit::selftest {

inline constexpr std::string_view kNamePrefix = "ward-selftest-";

struct Options {
  std::string probe_program;  // ward-probe on the host
  std::string image = "busybox";
};

// ward-probe beside this program (as ward-monitor is found); not_found
// naming the path when it is not there.
[[nodiscard]] Result<std::string> find_probe_program();

// Runs every container and attributes the results.  On SIGINT, SIGTERM or
// SIGHUP the run in progress ends, its container is removed and the
// result is a failure; interrupting_signal() then names the signal.
[[nodiscard]] Result<Report> run_selftest(engine::Engine& engine, const Options& options);
[[nodiscard]] int interrupting_signal();

}  // namespace ward::audit::selftest
