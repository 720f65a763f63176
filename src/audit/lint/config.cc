// hadolint's configuration: .hadolint.yaml and the HADOLINT_* environment.
// yaml-cpp throws; every call into it is caught here, at the edge.
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "audit/lint/lint.h"
#include "util/sys.h"

namespace ward::audit::lint {

namespace {

const std::vector<std::string_view>& label_types() {
  static const std::vector<std::string_view> types = {"text", "url", "email", "semver", "hash", "rfc3339", "spdx"};
  return types;
}

Result<> add_label(LintConfig& config, const std::string& label, const std::string& type, std::string_view where) {
  if (std::find(label_types().begin(), label_types().end(), type) == label_types().end())
    return fail(fmt::format("{}: label {}: unknown type \"{}\" (text, url, email, semver, hash, rfc3339 or spdx)",
                            where, label, type));
  config.label_schema[label] = type;
  return {};
}

Result<std::vector<std::string>> string_list(const YAML::Node& node, std::string_view key) {
  if (node.IsNull()) return std::vector<std::string>{};
  if (!node.IsSequence()) return fail(fmt::format("{}: expected a list", key));
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) return fail(fmt::format("{}: expected a list of strings", key));
    out.push_back(item.as<std::string>());
  }
  return out;
}

Result<bool> boolean(const YAML::Node& node, std::string_view key) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    return fail(fmt::format("{}: expected true or false", key));
  return value;
}

Result<> apply_node(LintConfig& config, const YAML::Node& root) {
  if (root.IsNull()) return {};
  if (!root.IsMap()) return fail("expected a mapping of hadolint settings");
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "ignored") {
      auto list = string_list(value, key);
      if (!list) return std::unexpected(list.error());
      config.ignored.insert(list->begin(), list->end());
    } else if (key == "trustedRegistries") {
      auto list = string_list(value, key);
      if (!list) return std::unexpected(list.error());
      config.trusted_registries.insert(config.trusted_registries.end(), list->begin(), list->end());
    } else if (key == "failure-threshold") {
      auto threshold = parse_threshold(value.IsScalar() ? value.as<std::string>() : "");
      if (!threshold) return std::unexpected(threshold.error().wrap(key));
      config.failure_threshold = *threshold;
    } else if (key == "no-fail") {
      auto b = boolean(value, key);
      if (!b) return std::unexpected(b.error());
      if (*b) config.failure_threshold = std::nullopt;
    } else if (key == "override") {
      if (!value.IsMap()) return fail("override: expected a mapping of severities to rule lists");
      for (const auto& level : value) {
        std::string name = level.first.as<std::string>();
        auto severity = parse_severity(name);
        if (!severity) return std::unexpected(severity.error().wrap("override"));
        auto list = string_list(level.second, "override." + name);
        if (!list) return std::unexpected(list.error());
        for (const std::string& id : *list) config.overrides[id] = *severity;
      }
    } else if (key == "label-schema") {
      if (!value.IsMap()) return fail("label-schema: expected a mapping of labels to types");
      for (const auto& label : value)
        WARD_TRY(add_label(config, label.first.as<std::string>(), label.second.as<std::string>(), key));
    } else if (key == "strict-labels") {
      auto b = boolean(value, key);
      if (!b) return std::unexpected(b.error());
      config.strict_labels = *b;
    } else if (key == "disable-ignore-pragma") {
      auto b = boolean(value, key);
      if (!b) return std::unexpected(b.error());
      config.disable_ignore_pragma = *b;
    } else if (key == "no-color") {
      auto b = boolean(value, key);
      if (!b) return std::unexpected(b.error());
      config.no_color = *b;
    } else if (key == "format") {
      auto format = value.IsScalar() ? value.as<std::string>() : "";
      config.format = format;
    } else {
      return fail(
          fmt::format("{}: not supported by ward lint (supported: ignored, failure-threshold, no-fail, "
                      "trustedRegistries, override, label-schema, strict-labels, disable-ignore-pragma, "
                      "no-color, format)",
                      key));
    }
  }
  return {};
}

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  for (char ch : text) {
    if (ch == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (ch != ' ' && ch != '\t') {
      item += ch;
    }
  }
  if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

Result<> apply_config_text(LintConfig& config, std::string_view yaml, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    auto applied = apply_node(config, root);
    if (!applied) return std::unexpected(applied.error().wrap(file));
    return {};
  } catch (const YAML::Exception& e) {
    return fail(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
  } catch (const std::exception& e) {
    return fail(fmt::format("{}: {}", file, e.what()));
  }
}

Result<> apply_config_file(LintConfig& config, const std::string& path) {
  auto text = sys::read_file(path);
  if (!text) return std::unexpected(text.error().wrap(fmt::format("read {}", path)));
  return apply_config_text(config, *text, path);
}

Result<> apply_environment(LintConfig& config, const std::map<std::string, std::string>& environment) {
  auto get = [&](const char* name) -> const std::string* {
    auto it = environment.find(name);
    return it == environment.end() ? nullptr : &it->second;
  };
  auto truthy = [](const std::string& v) { return v == "1" || v == "true" || v == "yes" || v == "on"; };
  if (const auto* v = get("HADOLINT_IGNORE"))
    for (const std::string& id : comma_list(*v)) config.ignored.insert(id);
  if (const auto* v = get("HADOLINT_TRUSTED_REGISTRIES"))
    for (const std::string& r : comma_list(*v)) config.trusted_registries.push_back(r);
  if (const auto* v = get("HADOLINT_FAILURE_THRESHOLD")) {
    auto threshold = parse_threshold(*v);
    if (!threshold) return std::unexpected(threshold.error().wrap("HADOLINT_FAILURE_THRESHOLD"));
    config.failure_threshold = *threshold;
  }
  if (const auto* v = get("HADOLINT_NO_FAIL"); v != nullptr && truthy(*v)) config.failure_threshold = std::nullopt;
  for (auto [name, severity] :
       {std::pair{"HADOLINT_OVERRIDE_ERROR", Severity::error},
        std::pair{"HADOLINT_OVERRIDE_WARNING", Severity::warning}, std::pair{"HADOLINT_OVERRIDE_INFO", Severity::info},
        std::pair{"HADOLINT_OVERRIDE_STYLE", Severity::style}})
    if (const auto* v = get(name))
      for (const std::string& id : comma_list(*v)) config.overrides[id] = severity;
  if (const auto* v = get("HADOLINT_DISABLE_IGNORE_PRAGMA")) config.disable_ignore_pragma = truthy(*v);
  if (const auto* v = get("HADOLINT_STRICT_LABELS")) config.strict_labels = truthy(*v);
  if (const auto* v = get("HADOLINT_NOCOLOR")) config.no_color = truthy(*v);
  if (const auto* v = get("HADOLINT_FORMAT")) config.format = *v;
  if (const auto* v = get("HADOLINT_REQUIRE_LABELS"))
    for (const std::string& pair : comma_list(*v)) {
      size_t colon = pair.find(':');
      if (colon == std::string::npos)
        return fail(fmt::format("HADOLINT_REQUIRE_LABELS: expected label:type, got \"{}\"", pair));
      WARD_TRY(add_label(config, pair.substr(0, colon), pair.substr(colon + 1), "HADOLINT_REQUIRE_LABELS"));
    }
  return {};
}

}  // namespace ward::audit::lint
