// The protection layers `ward selftest` removes one at a time, each with
// the `ward run` flag that removes it, and the run with all of them (and
// everything --privileged adds) removed.  A layer is only what `ward run`
// can remove on its own: masked and read-only paths, the read-only /sys
// and the device cgroup go only with --privileged, so they are part of the
// unprotected run but not a layer of their own; the "open" run removes
// every layer and nothing else, and the "only" runs every layer but one.
#pragma once

#include <span>
#include <string_view>

#include "engine/container_spec.h"

namespace ward::audit::selftest {

struct Layer {
  std::string_view id;          // "seccomp"
  std::string_view title;       // "the seccomp filter"
  std::string_view removed_by;  // "--security-opt seccomp=unconfined"
  void (*remove)(engine::ContainerSpec& spec);
};

[[nodiscard]] std::span<const Layer> protection_layers();

// The flags of the unprotected run, as `ward run` would take them.
inline constexpr std::string_view kUnprotectedFlags =
    "--privileged --security-opt seccomp=unconfined --cap-add ALL --userns host "
    "--security-opt no-new-privileges=false";
void remove_every_protection(engine::ContainerSpec& spec);
// Every layer of protection_layers() removed, or every one but `kept`
// (nothing else: no --privileged).
void remove_layers_but(engine::ContainerSpec& spec, std::string_view kept = "");

}  // namespace ward::audit::selftest
