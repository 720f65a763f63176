// Software bills of materials of a scanned root filesystem: CycloneDX 1.5
// and SPDX 2.3 JSON, one component or package per installed package, each
// with its package URL.  Both validate against the official schemas
// (tests/schemas/).
#pragma once

#include <string>
#include <string_view>

#include "audit/scan/scan.h"
#include "util/error.h"

namespace ward::audit::scan {

enum class SbomFormat { cyclonedx, spdx };

// cyclonedx | spdx (also "cyclonedx-json", "spdx-json").
[[nodiscard]] Result<SbomFormat> parse_sbom_format(std::string_view text);

// The document for `result`; `subject` names what was scanned, `tool_version`
// is ward's version.  A fresh random serial number / namespace each call,
// as both specifications ask.
[[nodiscard]] Result<std::string> render_sbom(const ScanResult& result, SbomFormat format, std::string_view subject,
                                              std::string_view tool_version);

}  // namespace ward::audit::scan
