#include "audit/output.h"

#include <fmt/format.h>

namespace ward::audit {

namespace {

std::string_view colour_of(Severity severity) {
  switch (severity) {
    case Severity::error: return "\033[1;31m";
    case Severity::warning: return "\033[33m";
    case Severity::info: return "\033[36m";
    case Severity::style: return "\033[35m";
    case Severity::ignore: return "";
  }
  return "";
}

}  // namespace

Result<Format> parse_format(std::string_view text) {
  if (text == "table" || text == "tty") return Format::table;
  if (text == "json") return Format::json;
  if (text == "sarif") return Format::sarif;
  if (text == "checkstyle") return Format::checkstyle;
  if (text == "gitlab" || text == "gitlab_codeclimate" || text == "codeclimate") return Format::gitlab;
  return fail(fmt::format("unknown format \"{}\" (table, json, sarif, checkstyle or gitlab)", text));
}

// One line per finding, as hadolint's tty output: FILE:LINE RULE severity: message.
std::string render_table(const Report& report, bool colour) {
  std::string out;
  for (const Finding& f : report.findings) {
    std::string where = f.location.line > 0 ? fmt::format("{}:{}", f.location.file, f.location.line) : f.location.file;
    std::string level(severity_name(f.severity));
    if (colour) level = fmt::format("{}{}\033[0m", colour_of(f.severity), level);
    out += fmt::format("{} {} {}: {}\n", where, f.rule, level, f.message);
  }
  return out;
}

std::string render(const Report& report, Format format, bool colour, std::string_view version) {
  switch (format) {
    case Format::table: return render_table(report, colour);
    case Format::json: return render_json(report);
    case Format::sarif: return render_sarif(report, version);
    case Format::checkstyle: return render_checkstyle(report);
    case Format::gitlab: return render_gitlab(report);
  }
  return {};
}

}  // namespace ward::audit
