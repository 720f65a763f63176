// The JSON outputs: hadolint's records, GitLab Code Quality, SARIF 2.1.0.
#include <nlohmann/json.hpp>

#include "audit/output.h"

namespace ward::audit {

namespace {

using Json = nlohmann::ordered_json;

// A stable identity for a finding across runs (GitLab compares reports by
// it): FNV-1a over rule, file, line and message, as 16 hex digits.
std::string fingerprint(const Finding& f) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xff;
    hash *= 0x100000001b3ULL;
  };
  mix(f.rule);
  mix(f.location.file);
  mix(std::to_string(f.location.line));
  mix(f.message);
  return fmt::format("{:016x}", hash);
}

std::string_view gitlab_severity(Severity severity) {
  switch (severity) {
    case Severity::error: return "critical";
    case Severity::warning: return "major";
    case Severity::info: return "info";
    case Severity::style: return "minor";
    case Severity::ignore: return "info";
  }
  return "info";
}

// SARIF knows error, warning, note and none.
std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info:
    case Severity::style: return "note";
    case Severity::ignore: return "none";
  }
  return "none";
}

std::string dump(const Json& document) {
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render_json(const Report& report) {
  Json records = Json::array();
  for (const Finding& f : report.findings)
    records.push_back({{"code", f.rule},
                       {"column", f.location.column},
                       {"file", f.location.file},
                       {"level", severity_name(f.severity)},
                       {"line", f.location.line},
                       {"message", f.message}});
  return dump(records);
}

std::string render_gitlab(const Report& report) {
  Json issues = Json::array();
  for (const Finding& f : report.findings)
    issues.push_back({{"type", "issue"},
                      {"check_name", f.rule},
                      {"description", f.message},
                      {"categories", Json::array({"Style"})},
                      {"fingerprint", fingerprint(f)},
                      {"severity", gitlab_severity(f.severity)},
                      {"location", {{"path", f.location.file}, {"lines", {{"begin", std::max(f.location.line, 1)}}}}}});
  return dump(issues);
}

std::string render_sarif(const Report& report, std::string_view version) {
  // Only the rules the findings name, in first-use order, so ruleIndex is
  // the position in that list.
  std::vector<const Rule*> used;
  auto index_of = [&](const std::string& id) -> int {
    for (size_t i = 0; i < used.size(); ++i)
      if (used[i]->id == id) return static_cast<int>(i);
    const Rule* rule = find_rule(report, id);
    if (rule == nullptr) return -1;
    used.push_back(rule);
    return static_cast<int>(used.size() - 1);
  };
  Json results = Json::array();
  for (const Finding& f : report.findings) {
    Json result = {{"ruleId", f.rule}};
    if (int index = index_of(f.rule); index >= 0) result["ruleIndex"] = index;
    result["level"] = sarif_level(f.severity);
    result["message"] = {{"text", f.message}};
    Json region = {{"startLine", std::max(f.location.line, 1)}, {"startColumn", std::max(f.location.column, 1)}};
    result["locations"] =
        Json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", f.location.file}}}, {"region", region}}}}});
    results.push_back(std::move(result));
  }
  Json rules = Json::array();
  for (const Rule* rule : used) {
    Json entry = {{"id", rule->id},
                  {"shortDescription", {{"text", rule->title}}},
                  {"fullDescription", {{"text", rule->title}}},
                  {"help", {{"text", rule->help.empty() ? rule->title : rule->help}}},
                  {"defaultConfiguration", {{"level", sarif_level(rule->severity)}}}};
    rules.push_back(std::move(entry));
  }
  Json driver = {{"name", report.tool}};
  if (!version.empty()) driver["version"] = version;
  driver["rules"] = std::move(rules);
  Json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}}})}};
  return dump(log);
}

}  // namespace ward::audit
