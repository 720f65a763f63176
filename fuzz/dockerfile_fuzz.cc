// libFuzzer target for the Dockerfile parser and the lint rules, which read
// untrusted input (`ward lint` on any file a user is handed).  Any input
// must give a Dockerfile or an error naming a line: no crash, no hang, no
// undefined behaviour.
// ShellCheck stays off so the target runs no program.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/lint/lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ward::audit::lint::LintConfig config;
  config.shellcheck_program.clear();
  auto outcome = ward::audit::lint::lint_text(text, "Dockerfile", config);
  if (outcome) {
    for (const auto& finding : outcome->findings)
      if (finding.location.line < 0) __builtin_trap();  // a finding always points into the file
  }
  return 0;
}
