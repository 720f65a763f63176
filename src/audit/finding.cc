#include "audit/finding.h"

#include <algorithm>

namespace ward::audit {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
    case Severity::style: return "style";
    case Severity::ignore: return "ignore";
  }
  return "ignore";
}

Result<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::error, Severity::warning, Severity::info, Severity::style, Severity::ignore})
    if (text == severity_name(s)) return s;
  return fail(ErrorKind::invalid_input,
              fmt::format("unknown severity \"{}\" (error, warning, info, style or ignore)", text));
}

const Rule* find_rule(const Report& report, std::string_view id) {
  auto it = std::find_if(report.rules.begin(), report.rules.end(), [&](const Rule& r) { return r.id == id; });
  return it == report.rules.end() ? nullptr : &*it;
}

Result<Threshold> parse_threshold(std::string_view text) {
  if (text == "none") return Threshold{};
  auto severity = parse_severity(text);
  if (!severity)
    return fail(ErrorKind::invalid_input,
                fmt::format("unknown threshold \"{}\" (error, warning, info, style, ignore or none)", text));
  return Threshold{*severity};
}

bool fails(const std::vector<Finding>& findings, Threshold threshold) {
  if (!threshold) return false;
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity <= *threshold; });
}

}  // namespace ward::audit
