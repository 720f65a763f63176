// A user's secret rules file, --secret-config (audit/scan/secret_rules.h).
// Properties, for any bytes: loading never crashes; a refusal is one line
// that names the file; and rules that load run over the same bytes (their
// own patterns, and the built-ins with any allow rules the input adds)
// without crashing, each match inside the text and redacted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/scan/secret_rules.h"
#include "audit/scan/secrets.h"
#include "fuzz_check.h"

namespace {

const ward::audit::scan::SecretRules& builtin() {
  static const ward::audit::scan::SecretRules rules = [] {
    auto loaded = ward::audit::scan::builtin_secret_rules();
    WARD_FUZZ_CHECK(loaded.has_value(), "the built-in rules do not load: %s", loaded.error().what().c_str());
    return *loaded;
  }();
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ward::audit::scan;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string file = "fuzz-secret.yaml";
  auto rules = apply_secret_config(builtin(), text, file);
  if (!rules) {
    std::string what = rules.error().what();
    WARD_FUZZ_CHECK(what.starts_with(file + ": "), "a refusal that does not name the file: %s", what.c_str());
    WARD_FUZZ_CHECK(what.find('\n') == std::string::npos, "a refusal of more than one line: %s", what.c_str());
    return 0;
  }
  for (const SecretMatch& match : find_secrets(*rules, "/etc/fuzz.conf", text)) {
    WARD_FUZZ_CHECK(match.offset + match.secret.size() <= text.size(), "a match outside the text");
    WARD_FUZZ_CHECK(match.line >= 1 && match.column >= 1, "line %d column %d", match.line, match.column);
    std::string redacted = redact_secret(match.secret);
    WARD_FUZZ_CHECK(redacted.size() <= 9 && redacted.ends_with("*****"), "redacted as %s", redacted.c_str());
  }
  return 0;
}
