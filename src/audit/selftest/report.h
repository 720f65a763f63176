// `ward selftest`'s model (docs/SELFTEST.md): what ward-probe printed in
// each container, and which protection held each probe.  The probes run
// under ward's defaults, with every protection removed (to show they can
// succeed on this host), and once per protection layer with only that
// layer removed; a probe is "held by" the layers whose removal alone let it
// through, and each layer is "enough alone" for a probe when the probe
// gets through with every layer removed but not with only that layer kept.
// Pure data and logic: running the containers is selftest.h's.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "util/error.h"

namespace ward::audit::selftest {

// One probe's line: "escape.NAME=blocked <how>" or "escape.NAME=ESCAPED <how>".
struct ProbeResult {
  std::string name;
  bool escaped = false;
  std::string detail;  // <how>: the errno, or what got through
};

// ward-probe's output, in its order; invalid_input naming the line for a
// malformed escape line, or when there is no probe line at all.  Other
// lines are ignored.
[[nodiscard]] Result<std::vector<ProbeResult>> parse_probe_output(std::string_view text);

// What one probe is for: a title for people and SARIF's rule.
struct ProbeInfo {
  std::string_view name;   // "keyctl"
  std::string_view title;  // "reach the kernel keyring"
};
// Every probe ward-probe runs, in its order.
[[nodiscard]] std::span<const ProbeInfo> probe_catalog();
// The title of `name`, or `name` itself for a probe the catalog lacks.
[[nodiscard]] std::string_view probe_title(std::string_view name);

// The results of one container's run of ward-probe.
struct ProbeRun {
  std::string layer;  // the layer removed or kept; "" for the runs of no one layer
  std::vector<ProbeResult> results;
};

// Every run of a selftest.
struct Runs {
  ProbeRun defaults;
  ProbeRun unprotected;           // every protection removed (--privileged and the rest)
  std::vector<ProbeRun> without;  // per layer: only that layer removed
  ProbeRun open;                  // every layer removed, without --privileged
  std::vector<ProbeRun> only;     // per layer: every other layer removed
};

// A probe across the runs.
struct Verdict {
  std::string name;
  ProbeResult defaults;
  std::optional<ProbeResult> unprotected;  // nullopt: the run did not print it
  // Per layer, in layer order: escaped with only that layer removed, and
  // escaped with only that layer kept.
  std::vector<std::pair<std::string, bool>> without, only;
  bool open_escaped = false;  // escaped with every layer removed
  // The layers whose removal alone let the probe through.
  std::vector<std::string> held_by;
  // The layers that stop it on their own: it gets through with every
  // layer removed, but not when only this one is kept.
  std::vector<std::string> enough_alone;
};

enum class Holding {
  escaped,        // got through under ward's defaults: a failure
  held,           // blocked, and one layer's removal alone lets it through (held_by)
  several,        // blocked; escapes unprotected, but no single removal lets it through
  not_reachable,  // blocked even with every protection removed: nothing to hold here
};
[[nodiscard]] Holding holding(const Verdict& verdict);

struct Report {
  std::string kernel;  // uname -r
  std::string probe_program;
  std::vector<Verdict> verdicts;  // in the defaults run's order
};

// The verdicts of the runs: `defaults` gives the probes and their order.
[[nodiscard]] std::vector<Verdict> attribute(const Runs& runs);

// Leaves out the probes named in `ignored`.
void remove_ignored(Report& report, std::span<const std::string> ignored);

// The probes that escaped under ward's defaults.
[[nodiscard]] std::vector<std::string> escaped_probes(const Report& report);

// Outputs (render.cc): the table for people, the JSON document, and the
// shared finding model (one error finding per escape under the defaults)
// for SARIF and the other machine formats.
[[nodiscard]] std::string render_table(const Report& report, bool colour);
[[nodiscard]] std::string render_json(const Report& report, std::string_view version);
[[nodiscard]] audit::Report to_findings(const Report& report, const std::string& location);

}  // namespace ward::audit::selftest
