// A Report printed for people (a table, coloured only on a terminal) or for
// machines: hadolint's JSON records, SARIF 2.1.0, Checkstyle XML and
// GitLab Code Quality JSON.
#pragma once

#include <string>
#include <string_view>

#include "audit/finding.h"
#include "util/error.h"

namespace ward::audit {

enum class Format { table, json, sarif, checkstyle, gitlab };

// table|tty, json, sarif, checkstyle, gitlab (hadolint's codeclimate and
// gitlab_codeclimate names too).
[[nodiscard]] Result<Format> parse_format(std::string_view text);

// The whole document; `colour` only matters for the table.
[[nodiscard]] std::string render(const Report& report, Format format, bool colour, std::string_view version = "");

[[nodiscard]] std::string render_table(const Report& report, bool colour);
[[nodiscard]] std::string render_json(const Report& report);
[[nodiscard]] std::string render_sarif(const Report& report, std::string_view version);
[[nodiscard]] std::string render_checkstyle(const Report& report);
[[nodiscard]] std::string render_gitlab(const Report& report);

}  // namespace ward::audit
