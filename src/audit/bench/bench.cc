// The BenchReport's counting and its outputs.
#include "audit/bench/bench.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "audit/bench/catalog.h"

namespace ward::audit::bench {

namespace {

std::string_view colour_of(Level level) {
  switch (level) {
    case Level::pass: return "\033[1;32m";
    case Level::warn: return "\033[1;31m";
    case Level::info: return "\033[1;34m";
    case Level::note: return "\033[1;33m";
  }
  return "";
}

std::string tag(Level level, bool colour) {
  if (!colour) return fmt::format("[{}]", level_name(level));
  return fmt::format("{}[{}]\033[0m", colour_of(level), level_name(level));
}

Severity severity_of(Level level) {
  switch (level) {
    case Level::warn: return Severity::warning;
    case Level::info: return Severity::info;
    case Level::note: return Severity::style;
    case Level::pass: return Severity::ignore;
  }
  return Severity::ignore;
}

template <class Visit>
void each_result(const BenchReport& report, Visit&& visit) {
  for (const Section& section : report.sections)
    for (const CheckResult& result : section.results) visit(result);
}

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::pass: return "PASS";
    case Level::warn: return "WARN";
    case Level::info: return "INFO";
    case Level::note: return "NOTE";
  }
  return "INFO";
}

int check_count(const BenchReport& report) {
  int count = 0;
  each_result(report, [&](const CheckResult&) { ++count; });
  return count;
}

int score(const BenchReport& report) {
  int total = 0;
  each_result(report, [&](const CheckResult& r) {
    if (!r.scored) return;
    if (r.level == Level::pass) ++total;
    if (r.level == Level::warn) --total;
  });
  return total;
}

int count_level(const BenchReport& report, Level level) {
  int count = 0;
  each_result(report, [&](const CheckResult& r) { count += r.level == level ? 1 : 0; });
  return count;
}

const std::set<std::string>& known_check_ids() {
  static const std::set<std::string> ids = [] {
    std::set<std::string> out;
    for (const CheckInfo& info : check_catalog()) out.emplace(info.id);
    return out;
  }();
  return ids;
}

void remove_ignored(BenchReport& report, const std::set<std::string>& ignored) {
  for (Section& section : report.sections)
    std::erase_if(section.results, [&](const CheckResult& r) { return ignored.contains(r.id); });
}

Result<FailLevel> parse_fail_level(std::string_view text) {
  if (text == "none") return FailLevel{};
  if (text == "warn" || text == "WARN" || text == "warning") return FailLevel{Level::warn};
  if (text == "info" || text == "INFO") return FailLevel{Level::info};
  if (text == "note" || text == "NOTE") return FailLevel{Level::note};
  return fail(ErrorKind::invalid_input, fmt::format("unknown level \"{}\" (warn, info, note or none)", text));
}

bool fails(const BenchReport& report, FailLevel threshold) {
  if (!threshold) return false;
  // Levels in the order they fail: a WARN fails every threshold, a NOTE only "note".
  auto rank = [](Level level) {
    switch (level) {
      case Level::warn: return 0;
      case Level::info: return 1;
      case Level::note: return 2;
      case Level::pass: return 3;
    }
    return 3;
  };
  bool failed = false;
  each_result(report, [&](const CheckResult& r) { failed = failed || rank(r.level) <= rank(*threshold); });
  return failed;
}

std::string render_bench_table(const BenchReport& report, bool colour) {
  std::string out;
  for (const Section& section : report.sections) {
    out += fmt::format("{} {} - {}\n", tag(Level::info, colour), section.id, section.desc);
    if (!section.note.empty()) out += fmt::format("{}      * {}\n", tag(Level::info, colour), section.note);
    for (const CheckResult& r : section.results) {
      out += fmt::format("{} {:<6} - {}\n", tag(r.level, colour), r.id, r.desc);
      if (r.level == Level::pass) continue;
      if (!r.items.empty()) {
        for (const std::string& item : r.items) out += fmt::format("{}      * {}\n", tag(r.level, colour), item);
      } else if (!r.details.empty()) {
        out += fmt::format("{}      * {}\n", tag(r.level, colour), r.details);
      }
    }
    out += "\n";
  }
  out += fmt::format("{} Checks: {}\n", tag(Level::info, colour), check_count(report));
  out += fmt::format("{} Score: {}\n", tag(Level::info, colour), score(report));
  return out;
}

std::string render_bench_json(const BenchReport& report, std::string_view version) {
  using Json = nlohmann::ordered_json;
  Json tests = Json::array();
  for (const Section& section : report.sections) {
    Json results = Json::array();
    for (const CheckResult& r : section.results) {
      Json entry = {{"id", r.id}, {"desc", r.desc}, {"result", level_name(r.level)}};
      if (!r.details.empty()) entry["details"] = r.details;
      if (!r.items.empty()) entry["items"] = r.items;
      results.push_back(std::move(entry));
    }
    tests.push_back({{"id", section.id}, {"desc", section.desc}, {"results", std::move(results)}});
  }
  Json document = {{"dockerbenchsecurity", version}, {"start", report.start},  {"tests", std::move(tests)},
                   {"checks", check_count(report)},  {"score", score(report)}, {"end", report.end}};
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Report to_findings(const BenchReport& report) {
  Report out;
  out.tool = "ward audit";
  each_result(report, [&](const CheckResult& r) {
    if (r.level == Level::pass) return;
    if (find_rule(out, r.id) == nullptr)
      out.rules.push_back(Rule{r.id, r.desc, r.scored ? Severity::warning : Severity::info,
                               fmt::format("CIS Docker Benchmark {} (docs/AUDIT.md)", r.id)});
    std::string message = r.details.empty() ? r.desc : fmt::format("{}: {}", r.desc, r.details);
    out.findings.push_back(Finding{r.id, severity_of(r.level), Location{report.input, 0, 1}, std::move(message)});
  });
  return out;
}

}  // namespace ward::audit::bench
