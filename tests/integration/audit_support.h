// Reading `ward audit --format json` (docker-bench-security's JSON shape)
// in the audit tests.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ward::test {

// Check ID -> its result object; only section `section` when given.
inline std::map<std::string, nlohmann::json> audit_results(const nlohmann::json& document,
                                                           std::string_view section = "") {
  std::map<std::string, nlohmann::json> out;
  for (const auto& part : document.at("tests"))
    if (section.empty() || part.at("id") == section)
      for (const auto& result : part.at("results")) out[result.at("id").get<std::string>()] = result;
  return out;
}

// Whether the result's items name `name` ("name" or "name: why").
inline bool audit_names(const nlohmann::json& result, const std::string& name) {
  if (!result.contains("items")) return false;
  for (const auto& item : result["items"]) {
    std::string text = item.get<std::string>();
    if (text == name || text.rfind(name + ":", 0) == 0) return true;
  }
  return false;
}

}  // namespace ward::test
