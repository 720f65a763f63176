#include "audit/scan/osv.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "audit/scan/version.h"
#include "util/sys.h"

namespace ward::audit::scan {

namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string severity_in(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return {};
  return string_at(*it, "severity");
}

Result<OsvRecord> parse_record(const json& doc, std::string_view file) {
  if (!doc.is_object()) return fail(ErrorKind::invalid_input, fmt::format("{}: an OSV record must be an object", file));
  OsvRecord record;
  record.file = std::string(file);
  record.id = string_at(doc, "id");
  if (record.id.empty()) return fail(ErrorKind::invalid_input, fmt::format("{}: OSV record without an \"id\"", file));
  record.summary = string_at(doc, "summary");
  if (record.summary.empty()) {
    std::string details = string_at(doc, "details");
    record.summary = details.substr(0, details.find('\n'));
  }
  record.severity = severity_in(doc, "database_specific");
  if (auto it = doc.find("aliases"); it != doc.end() && it->is_array())
    for (const auto& alias : *it)
      if (alias.is_string()) record.aliases.push_back(alias.get<std::string>());
  if (auto it = doc.find("severity"); it != doc.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_object() && string_at(s, "type").starts_with("CVSS_V3"))
        record.cvss_vectors.push_back(string_at(s, "score"));
  auto affected = doc.find("affected");
  if (affected == doc.end()) return record;
  if (!affected->is_array())
    return fail(ErrorKind::invalid_input, fmt::format("{}: {}: \"affected\" must be an array", file, record.id));
  for (const auto& a : *affected) {
    if (!a.is_object()) continue;
    OsvAffected out;
    if (auto p = a.find("package"); p != a.end() && p->is_object()) {
      out.ecosystem = string_at(*p, "ecosystem");
      out.name = string_at(*p, "name");
    }
    if (out.ecosystem.empty() || out.name.empty()) continue;
    out.severity = severity_in(a, "ecosystem_specific");
    if (out.severity.empty()) out.severity = severity_in(a, "database_specific");
    if (auto v = a.find("versions"); v != a.end() && v->is_array())
      for (const auto& version : *v)
        if (version.is_string()) out.versions.push_back(version.get<std::string>());
    if (auto r = a.find("ranges"); r != a.end() && r->is_array()) {
      for (const auto& range : *r) {
        if (!range.is_object() || string_at(range, "type") != "ECOSYSTEM") continue;
        OsvRange parsed;
        auto events = range.find("events");
        if (events == range.end() || !events->is_array())
          return fail(ErrorKind::invalid_input, fmt::format("{}: {}: a range without \"events\"", file, record.id));
        for (const auto& event : *events) {
          if (!event.is_object()) continue;
          for (auto [key, kind] :
               {std::pair{"introduced", OsvEvent::Kind::introduced}, std::pair{"fixed", OsvEvent::Kind::fixed},
                std::pair{"last_affected", OsvEvent::Kind::last_affected}}) {
            std::string version = string_at(event, key);
            if (!version.empty()) parsed.events.push_back({kind, version});
          }
        }
        out.ranges.push_back(std::move(parsed));
      }
    }
    record.affected.push_back(std::move(out));
  }
  return record;
}

int compare_versions(PackageKind kind, std::string_view a, std::string_view b) {
  if (a == "0" && b != "0") return -1;  // OSV's "introduced: 0" is before everything
  if (b == "0" && a != "0") return 1;
  switch (kind) {
    case PackageKind::deb: return compare_debian_versions(a, b);
    case PackageKind::apk: return compare_apk_versions(a, b);
    case PackageKind::rpm: return compare_rpm_versions(a, b);
  }
  return 0;
}

// Whether `version` is in the range, and the fix that ends it.
bool in_range(PackageKind kind, const OsvRange& range, const std::string& version, std::string& fixed) {
  std::vector<OsvEvent> events = range.events;
  std::stable_sort(events.begin(), events.end(), [&](const OsvEvent& a, const OsvEvent& b) {
    return compare_versions(kind, a.version, b.version) < 0;
  });
  bool affected = false;
  for (const OsvEvent& event : events) {
    int c = compare_versions(kind, version, event.version);
    switch (event.kind) {
      case OsvEvent::Kind::introduced:
        if (c < 0) return affected;
        affected = true;
        break;
      case OsvEvent::Kind::fixed:
        if (c < 0) {
          if (affected) fixed = event.version;
          return affected;
        }
        affected = false;
        break;
      case OsvEvent::Kind::last_affected:
        if (c <= 0) return affected;
        affected = false;
        break;
    }
  }
  return affected;
}

std::string upper(std::string text) {
  for (char& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

// A database's grade as one of CRITICAL, HIGH, MEDIUM, LOW; "" when unknown.
std::string grade(const std::string& text) {
  std::string u = upper(text);
  if (u == "CRITICAL") return "CRITICAL";
  if (u == "HIGH" || u == "IMPORTANT") return "HIGH";
  if (u == "MEDIUM" || u == "MODERATE") return "MEDIUM";
  if (u == "LOW" || u == "NEGLIGIBLE" || u == "UNIMPORTANT") return "LOW";
  return {};
}

std::string grade_score(double score) {
  if (score >= 9.0) return "CRITICAL";
  if (score >= 7.0) return "HIGH";
  if (score >= 4.0) return "MEDIUM";
  if (score > 0.0) return "LOW";
  return {};
}

std::string severity_of(const OsvRecord& record, const OsvAffected& affected) {
  if (auto g = grade(affected.severity); !g.empty()) return g;
  if (auto g = grade(record.severity); !g.empty()) return g;
  double best = -1;
  for (const auto& vector : record.cvss_vectors) best = std::max(best, cvss3_base_score(vector));
  if (auto g = grade_score(best); !g.empty()) return g;
  return "UNKNOWN";
}

bool ecosystem_matches(std::string_view wanted, std::string_view candidate) {
  if (wanted.empty()) return false;
  if (candidate == wanted) return true;
  // "Debian" covers every release; "Ubuntu:22.04:LTS" is release 22.04.
  std::string_view base = wanted.substr(0, wanted.find(':'));
  if (candidate == base) return true;
  return candidate.starts_with(std::string(wanted) + ":");
}

}  // namespace

Result<std::vector<OsvRecord>> parse_osv(std::string_view text, std::string_view file) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return fail(ErrorKind::invalid_input, fmt::format("{}: not JSON", file));
  std::vector<OsvRecord> records;
  if (doc.is_array()) {
    for (const auto& item : doc) records.push_back(WARD_TRY(parse_record(item, file)));
  } else {
    records.push_back(WARD_TRY(parse_record(doc, file)));
  }
  return records;
}

Result<VulnerabilityDatabase> load_osv_database(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    return fail(ErrorKind::not_found, fmt::format("vulnerability database {}: not a directory", directory));
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(directory, fs::directory_options::none, ec);
  if (ec) return fail(fmt::format("read {}: {}", directory, ec.message()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return fail(fmt::format("read {}: {}", directory, ec.message()));
    if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path().string());
  }
  if (ec) return fail(fmt::format("read {}: {}", directory, ec.message()));
  std::sort(files.begin(), files.end());
  VulnerabilityDatabase database;
  for (const auto& file : files) {
    std::string text = WARD_TRY(sys::read_file(file));
    auto records = WARD_TRY(parse_osv(text, file));
    for (auto& record : records) database.records.push_back(std::move(record));
  }
  return database;
}

std::string osv_ecosystem(PackageKind kind, std::string_view distro_id, std::string_view version_id) {
  if (kind == PackageKind::apk) {
    if (distro_id != "alpine" && !distro_id.empty()) return {};
    // "3.19.1" -> "Alpine:v3.19"
    std::size_t first = version_id.find('.');
    std::size_t second = first == std::string_view::npos ? first : version_id.find('.', first + 1);
    if (version_id.empty()) return "Alpine";
    return fmt::format("Alpine:v{}", version_id.substr(0, second));
  }
  if (kind == PackageKind::rpm) {
    // OSV's rpm ecosystems: "Red Hat:enterprise_linux:9::baseos",
    // "Rocky Linux:9", "AlmaLinux:9".  Others (Fedora, SUSE) have none.
    std::string_view major = version_id.substr(0, version_id.find('.'));
    if (major.empty()) return {};
    if (distro_id == "rhel") return fmt::format("Red Hat:enterprise_linux:{}", major);
    if (distro_id == "rocky") return fmt::format("Rocky Linux:{}", major);
    if (distro_id == "almalinux") return fmt::format("AlmaLinux:{}", major);
    return {};
  }
  if (distro_id == "debian" || distro_id.empty()) {
    if (version_id.empty()) return "Debian";
    return fmt::format("Debian:{}", version_id.substr(0, version_id.find('.')));
  }
  if (distro_id == "ubuntu") return version_id.empty() ? "Ubuntu" : fmt::format("Ubuntu:{}", version_id);
  return {};
}

std::vector<Vulnerability> match_vulnerabilities(const VulnerabilityDatabase& database,
                                                 const std::vector<Package>& packages, std::string_view ecosystem) {
  // name -> (record, affected) for a quick look-up.
  std::multimap<std::string, std::pair<const OsvRecord*, const OsvAffected*>> by_name;
  for (const auto& record : database.records)
    for (const auto& affected : record.affected)
      if (ecosystem_matches(ecosystem, affected.ecosystem))
        by_name.emplace(affected.name, std::pair{&record, &affected});
  std::vector<Vulnerability> out;
  for (const Package& package : packages) {
    std::vector<std::string> seen;
    for (const std::string* name : {&package.name, &package.source}) {
      if (name->empty()) continue;
      auto [begin, end] = by_name.equal_range(*name);
      for (auto it = begin; it != end; ++it) {
        const auto& [record, affected] = it->second;
        if (std::find(seen.begin(), seen.end(), record->id) != seen.end()) continue;
        std::string fixed;
        bool hit = std::find(affected->versions.begin(), affected->versions.end(), package.version) !=
                   affected->versions.end();
        for (const auto& range : affected->ranges) {
          std::string range_fix;
          if (in_range(package.kind, range, package.version, range_fix)) {
            hit = true;
            if (fixed.empty()) fixed = range_fix;
          }
        }
        if (!hit) continue;
        seen.push_back(record->id);
        out.push_back({record->id, record->aliases, package.name, package.version, fixed,
                       severity_of(*record, *affected), record->summary});
      }
    }
  }
  return out;
}

double cvss3_base_score(std::string_view vector) {
  if (!vector.starts_with("CVSS:3.")) return -1;
  std::map<std::string, std::string, std::less<>> metrics;
  std::size_t i = vector.find('/');
  while (i != std::string_view::npos) {
    std::size_t end = vector.find('/', i + 1);
    std::string_view part = vector.substr(i + 1, end == std::string_view::npos ? end : end - i - 1);
    std::size_t colon = part.find(':');
    if (colon == std::string_view::npos) return -1;
    metrics[std::string(part.substr(0, colon))] = std::string(part.substr(colon + 1));
    i = end;
  }
  auto pick = [&](const char* key, std::initializer_list<std::pair<const char*, double>> values) -> double {
    auto it = metrics.find(key);
    if (it == metrics.end()) return -1;
    for (const auto& [name, value] : values)
      if (it->second == name) return value;
    return -1;
  };
  bool changed = metrics.contains("S") && metrics["S"] == "C";
  if (!metrics.contains("S") || (metrics["S"] != "C" && metrics["S"] != "U")) return -1;
  double av = pick("AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}});
  double ac = pick("AC", {{"L", 0.77}, {"H", 0.44}});
  double pr = pick("PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}});
  double ui = pick("UI", {{"N", 0.85}, {"R", 0.62}});
  double c = pick("C", {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}});
  double in = pick("I", {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}});
  double a = pick("A", {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}});
  for (double v : {av, ac, pr, ui, c, in, a})
    if (v < 0) return -1;
  double iss = 1 - (1 - c) * (1 - in) * (1 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  // CVSS 3.1's Roundup: the smallest one-decimal number >= raw.
  auto scaled = static_cast<long long>(std::llround(raw * 100000));
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return (std::floor(static_cast<double>(scaled) / 10000.0) + 1) / 10.0;
}

}  // namespace ward::audit::scan
