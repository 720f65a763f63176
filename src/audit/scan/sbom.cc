// CycloneDX 1.5 and SPDX 2.3 JSON from a ScanResult's packages.
#include "audit/scan/sbom.h"

#include <array>
#include <cctype>
#include <set>
#include <cerrno>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/clock.h"
#include "util/sys.h"

namespace ward::audit::scan {

namespace {

using Json = nlohmann::ordered_json;

// A random (version 4) UUID, as CycloneDX's serialNumber and SPDX's
// documentNamespace want one per document.
Result<std::string> random_uuid() {
  std::array<std::uint8_t, 16> bytes{};
  WARD_TRY(sys::random_bytes(bytes));
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", bytes[i]);
  }
  return hex;
}

// "2026-12-06T21:30:00Z": both formats take whole seconds.
std::string now_seconds() {
  std::string now = now_rfc3339();
  std::size_t dot = now.find('.');
  return dot == std::string::npos ? now : now.substr(0, dot) + "Z";
}

std::string source_of(const Package& p) {
  if (p.source.empty() && p.source_version.empty()) return "";
  return fmt::format("{} {}", p.source.empty() ? p.name : p.source,
                     p.source_version.empty() ? p.version : p.source_version);
}

Result<std::string> cyclonedx(const ScanResult& result, std::string_view subject, std::string_view tool_version) {
  Json components = Json::array();
  std::set<std::string> refs;
  for (const Package& p : result.packages) {
    std::string purl = package_url(p, result.distro_id, result.distro_version);
    // bom-refs are unique in a BOM; a package listed twice gets a suffix.
    std::string ref = purl;
    for (int n = 2; !refs.insert(ref).second; ++n) ref = fmt::format("{}#{}", purl, n);
    Json component = {{"bom-ref", ref}, {"type", "library"}, {"name", p.name}, {"version", p.version}, {"purl", purl}};
    if (!p.license.empty()) component["licenses"] = Json::array({{{"license", {{"name", p.license}}}}});
    Json properties = Json::array({{{"name", "ward:package:database"}, {"value", p.database}}});
    if (std::string source = source_of(p); !source.empty())
      properties.push_back({{"name", "ward:package:source"}, {"value", source}});
    component["properties"] = std::move(properties);
    components.push_back(std::move(component));
  }
  Json subject_component = {{"bom-ref", "ward-scan-subject"}, {"type", "container"}, {"name", subject}};
  if (!result.distro_id.empty())
    subject_component["properties"] =
        Json::array({{{"name", "ward:os"}, {"value", fmt::format("{} {}", result.distro_id, result.distro_version)}}});
  std::string serial = WARD_TRY(random_uuid());
  Json bom = {
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"serialNumber", "urn:uuid:" + serial},
      {"version", 1},
      {"metadata",
       {{"timestamp", now_seconds()},
        {"tools",
         {{"components", Json::array({{{"type", "application"}, {"name", "ward"}, {"version", tool_version}}})}}},
        {"component", subject_component}}},
      {"components", components},
  };
  Json depends = Json::array();
  for (const auto& c : components) depends.push_back(c["bom-ref"]);
  bom["dependencies"] = Json::array({{{"ref", "ward-scan-subject"}, {"dependsOn", depends}}});
  return bom.dump(2) + "\n";
}

// SPDX identifiers allow letters, digits, '.' and '-' only.
std::string spdx_id(std::size_t index, std::string_view name) {
  std::string id = fmt::format("SPDXRef-Package-{}-", index);
  for (char c : name) id += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-') ? c : '-';
  return id;
}

Result<std::string> spdx(const ScanResult& result, std::string_view subject, std::string_view tool_version) {
  Json packages = Json::array();
  Json relationships = Json::array();
  constexpr std::string_view kRoot = "SPDXRef-Subject";
  packages.push_back({{"name", subject},
                      {"SPDXID", kRoot},
                      {"downloadLocation", "NOASSERTION"},
                      {"filesAnalyzed", false},
                      {"primaryPackagePurpose", "CONTAINER"}});
  relationships.push_back(
      {{"spdxElementId", "SPDXRef-DOCUMENT"}, {"relationshipType", "DESCRIBES"}, {"relatedSpdxElement", kRoot}});
  for (std::size_t i = 0; i < result.packages.size(); ++i) {
    const Package& p = result.packages[i];
    std::string id = spdx_id(i + 1, p.name);
    Json package = {{"name", p.name},
                    {"SPDXID", id},
                    {"versionInfo", p.version},
                    {"downloadLocation", "NOASSERTION"},
                    {"filesAnalyzed", false},
                    {"licenseConcluded", "NOASSERTION"},
                    // apk's L: field is free text, not always an SPDX expression.
                    {"licenseDeclared", "NOASSERTION"},
                    {"copyrightText", "NOASSERTION"},
                    {"externalRefs",
                     Json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                   {"referenceType", "purl"},
                                   {"referenceLocator", package_url(p, result.distro_id, result.distro_version)}}})},
                    {"primaryPackagePurpose", "LIBRARY"}};
    if (!p.license.empty()) package["licenseComments"] = fmt::format("declared by the package database: {}", p.license);
    if (std::string source = source_of(p); !source.empty()) package["sourceInfo"] = "built from " + source;
    packages.push_back(std::move(package));
    relationships.push_back({{"spdxElementId", kRoot}, {"relationshipType", "CONTAINS"}, {"relatedSpdxElement", id}});
  }
  std::string namespace_id = WARD_TRY(random_uuid());
  Json document = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", subject},
      {"documentNamespace", fmt::format("https://ward.invalid/spdx/{}", namespace_id)},
      {"creationInfo",
       {{"created", now_seconds()}, {"creators", Json::array({fmt::format("Tool: ward-{}", tool_version)})}}},
      {"packages", packages},
      {"relationships", relationships},
  };
  return document.dump(2) + "\n";
}

}  // namespace

Result<SbomFormat> parse_sbom_format(std::string_view text) {
  if (text == "cyclonedx" || text == "cyclonedx-json") return SbomFormat::cyclonedx;
  if (text == "spdx" || text == "spdx-json") return SbomFormat::spdx;
  return fail(ErrorKind::invalid_input, fmt::format("unknown SBOM format \"{}\" (cyclonedx or spdx)", text));
}

Result<std::string> render_sbom(const ScanResult& result, SbomFormat format, std::string_view subject,
                                std::string_view tool_version) {
  return format == SbomFormat::cyclonedx ? cyclonedx(result, subject, tool_version)
                                         : spdx(result, subject, tool_version);
}

}  // namespace ward::audit::scan
