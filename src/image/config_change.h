// `--change` for `ward import` (and `commit` later): Dockerfile
// instructions that set an image config's fields, as Docker accepts them:
// CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
// WORKDIR.  CMD and ENTRYPOINT take the JSON form or the shell form (run by
// /bin/sh -c); ENV and LABEL take key=value pairs (values may be quoted) or
// ENV's older "KEY value"; VOLUME a JSON list or words.
#pragma once

#include <string_view>

#include "image/spec.h"
#include "util/error.h"

namespace ward::image {

// Applies one instruction ("CMD [\"sh\"]", "ENV A=1 B=2") to `config`.
// An instruction Docker does not accept here, or a malformed argument, is
// invalid_input naming the instruction.
[[nodiscard]] Result<> apply_config_change(ContainerConfig& config, std::string_view change);

}  // namespace ward::image
