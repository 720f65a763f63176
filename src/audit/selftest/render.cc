// `ward selftest`'s outputs: the table for people, the JSON document
// (docs/SELFTEST.md) and findings for the shared machine formats.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "audit/selftest/layers.h"
#include "audit/selftest/report.h"

namespace ward::audit::selftest {

namespace {

std::string_view result_word(bool escaped) {
  return escaped ? "ESCAPED" : "blocked";
}

std::string_view holding_name(Holding holding) {
  switch (holding) {
    case Holding::escaped: return "escaped";
    case Holding::held: return "held";
    case Holding::several: return "several";
    case Holding::not_reachable: return "not_reachable";
  }
  return "";
}

// The HELD BY column.
std::string held_by_text(const Verdict& verdict) {
  switch (holding(verdict)) {
    case Holding::escaped: return "NOTHING";
    case Holding::held: return fmt::format("{}", fmt::join(verdict.held_by, ", "));
    case Holding::several:
      // Blocked with every layer removed, through with --privileged too.
      if (!verdict.open_escaped) return "several layers, incl. masked/read-only paths";
      if (verdict.enough_alone.empty()) return "several layers";
      return fmt::format("several layers; alone: {}", fmt::join(verdict.enough_alone, ", "));
    case Holding::not_reachable: return "- (blocked even unprotected)";
  }
  return "";
}

std::string paint(std::string_view text, std::string_view code, bool colour) {
  return colour ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
}

// Pads to `width` visible characters (colour codes take none).
std::string cell(std::string_view text, std::size_t width, std::string_view code, bool colour) {
  std::string padding(width > text.size() ? width - text.size() : 0, ' ');
  return paint(text, code, colour && !code.empty()) + padding;
}

nlohmann::ordered_json result_json(const ProbeResult& result) {
  return {{"result", result.escaped ? "escaped" : "blocked"}, {"detail", result.detail}};
}

}  // namespace

std::string render_table(const Report& report, bool colour) {
  std::size_t name_width = 5;
  for (const auto& verdict : report.verdicts) name_width = std::max(name_width, verdict.name.size());
  std::string out =
      fmt::format("{:<{}}  {:<8}  {:<11}  {}\n", "PROBE", name_width, "DEFAULTS", "UNPROTECTED", "HELD BY");
  for (const auto& verdict : report.verdicts) {
    bool escaped = verdict.defaults.escaped;
    std::string_view open = verdict.unprotected ? result_word(verdict.unprotected->escaped) : "-";
    out += fmt::format("{:<{}}  {}  {:<11}  {}\n", verdict.name, name_width,
                       cell(result_word(escaped), 8, escaped ? "1;31" : "32", colour), open,
                       paint(held_by_text(verdict), escaped ? "1;31" : "", colour && escaped));
  }
  auto escaped = escaped_probes(report);
  out += "\n";
  if (escaped.empty()) {
    out += paint(fmt::format("All {} probes blocked under ward's defaults", report.verdicts.size()), "1;32", colour);
  } else {
    out += paint(fmt::format("{} of {} probes ESCAPED under ward's defaults: {}", escaped.size(),
                             report.verdicts.size(), fmt::join(escaped, ", ")),
                 "1;31", colour);
  }
  out += fmt::format(" (kernel {}).\n", report.kernel);
  std::vector<std::string> layers;
  for (const auto& layer : protection_layers()) layers.push_back(fmt::format("{}: {}", layer.id, layer.removed_by));
  out += fmt::format(
      "UNPROTECTED: {}.\nHELD BY: the layers whose removal alone let the probe through ({}); \"alone\": the layers "
      "that stop it on their own (every other layer removed).\n",
      kUnprotectedFlags, fmt::join(layers, "; "));
  return out;
}

std::string render_json(const Report& report, std::string_view version) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& layer : protection_layers())
    layers.push_back({{"id", layer.id}, {"title", layer.title}, {"removed_by", layer.removed_by}});
  nlohmann::ordered_json probes = nlohmann::ordered_json::array();
  for (const auto& verdict : report.verdicts) {
    nlohmann::ordered_json without = nlohmann::ordered_json::object(), only = nlohmann::ordered_json::object();
    for (const auto& [layer, escaped] : verdict.without) without[layer] = escaped ? "escaped" : "blocked";
    for (const auto& [layer, escaped] : verdict.only) only[layer] = escaped ? "escaped" : "blocked";
    probes.push_back({{"name", verdict.name},
                      {"title", probe_title(verdict.name)},
                      {"defaults", result_json(verdict.defaults)},
                      {"unprotected", verdict.unprotected ? result_json(*verdict.unprotected) : nullptr},
                      {"without", without},
                      {"open", verdict.open_escaped ? "escaped" : "blocked"},
                      {"only", only},
                      {"held_by", verdict.held_by},
                      {"enough_alone", verdict.enough_alone},
                      {"holding", holding_name(holding(verdict))}});
  }
  auto escaped = escaped_probes(report);
  nlohmann::ordered_json document = {
      {"ward", version},
      {"kernel", report.kernel},
      {"probe_program", report.probe_program},
      {"unprotected_flags", kUnprotectedFlags},
      {"layers", layers},
      {"probes", probes},
      {"escaped", escaped},
      {"passed", escaped.empty()},
  };
  return document.dump(2) + "\n";
}

audit::Report to_findings(const Report& report, const std::string& location) {
  audit::Report findings;
  findings.tool = "ward selftest";
  for (const auto& verdict : report.verdicts) {
    if (!verdict.defaults.escaped) continue;
    std::string rule = "WARD-ESCAPE-" + verdict.name;
    findings.rules.push_back({rule, fmt::format("a container can {}", probe_title(verdict.name)), Severity::error,
                              "ward's defaults did not hold on this host: check the kernel's version and settings "
                              "and the container's flags (docs/SELFTEST.md)"});
    // Filled field by field: GCC 12 at -O3 warns (maybe-uninitialized) on
    // a braced temporary here.
    Finding& finding = findings.findings.emplace_back();
    finding.rule = rule;
    finding.severity = Severity::error;
    finding.location.file = location;
    finding.location.line = 0;
    finding.location.column = 1;
    finding.message =
        fmt::format("escape.{} got through under ward's defaults: {}", verdict.name, verdict.defaults.detail);
  }
  return findings;
}

}  // namespace ward::audit::selftest
