// The TOML front of the profile generator.  Accepted keys (anything else is
// an error naming the key and the file):
//
//   name = "web"                         # required; the profile's name
//   capabilities = ["chown", "setuid"]   # optional; absent: all the container has
//   [filesystem]
//   read_only = ["/etc/**"]              # writes denied
//   writable = ["/var/cache/web/**"]     # non-empty: the only writable paths
//   [exec]
//   allow = ["/usr/sbin/nginx"]          # non-empty: the only programs
//   deny = ["/usr/bin/curl"]             # never run
//   [network]
//   raw = false                          # raw sockets (ping); default false
//   packet = false                       # AF_PACKET sockets; default false
//
// toml++ throws on a syntax error; it is caught here, at the module's edge.
#include <initializer_list>

#include <stdexcept>

#include <fmt/format.h>

// toml++ 3.3 asserts on some malformed input instead of reporting it
// (fuzz/registries_conf_fuzz.cc found "[[|x[y"); where its checks are
// compiled in (builds without NDEBUG), a failed one throws instead, and the
// parse's caller reports the file as invalid.  Identical in every file
// that includes toml++, so its inline functions stay one definition.
// Some of toml++'s checks sit in noexcept functions, where the throw below
// ends in std::terminate, as the check's own abort would; GCC says so with
// -Wterminate in builds that keep assertions (Debug, the sanitizer build).
// Elsewhere the throw becomes a parse error.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wterminate"
#endif
#define TOML_ASSERT(expr) ((expr) ? static_cast<void>(0) : throw std::logic_error("toml++ check failed: " #expr))
#include <toml++/toml.h>

#include "security/apparmor.h"
#include "util/sys.h"

namespace ward::security {

namespace {

std::string where(const std::string& file, const toml::source_region& region) {
  return fmt::format("{}:{}", file, region.begin.line);
}

Result<std::string> read_string(const toml::node& node, const std::string& file, const std::string& key) {
  const auto* value = node.as_string();
  if (value == nullptr) return fail(fmt::format("{}: {}: must be a string", where(file, node.source()), key));
  return value->get();
}

Result<bool> read_bool(const toml::node& node, const std::string& file, const std::string& key) {
  const auto* value = node.as_boolean();
  if (value == nullptr) return fail(fmt::format("{}: {}: must be true or false", where(file, node.source()), key));
  return value->get();
}

Result<std::vector<std::string>> read_strings(const toml::node& node, const std::string& file,
                                              const std::string& key) {
  const auto* array = node.as_array();
  if (array == nullptr)
    return fail(fmt::format("{}: {}: must be an array of strings", where(file, node.source()), key));
  std::vector<std::string> out;
  for (size_t i = 0; i < array->size(); ++i) {
    auto text = WARD_TRY(read_string((*array)[i], file, fmt::format("{}[{}]", key, i)));
    out.push_back(std::move(text));
  }
  return out;
}

Result<const toml::table*> read_table(const toml::node& node, const std::string& file, const std::string& key) {
  const auto* table = node.as_table();
  if (table == nullptr) return fail(fmt::format("{}: {}: must be a table", where(file, node.source()), key));
  return table;
}

Result<> unknown_key(const std::string& file, const toml::key& key, const std::string& qualified) {
  return fail(fmt::format("{}: unknown key \"{}\"", where(file, key.source()), qualified));
}

// Runs `check` on a path list and says where the list was.
Result<> check_list(const std::vector<std::string>& paths, const toml::node& node, const std::string& file,
                    const std::string& key) {
  for (size_t i = 0; i < paths.size(); ++i) {
    if (auto r = validate_profile_path(paths[i]); !r)
      return std::unexpected(r.error().wrap(fmt::format("{}: {}[{}]", where(file, node.source()), key, i)));
  }
  return {};
}

// A table of path lists, "[filesystem] read_only = [...]": each key must be
// one of `targets`, each list valid paths.
Result<> read_path_lists(const toml::node& node, const std::string& file, const std::string& name,
                         std::initializer_list<std::pair<std::string_view, std::vector<std::string>*>> targets) {
  auto table = WARD_TRY(read_table(node, file, name));
  for (const auto& [sub_key, sub] : *table) {
    const std::string sub_name(sub_key.str());
    std::string qualified = name + "." + sub_name;
    std::vector<std::string>* target = nullptr;
    for (const auto& [target_name, list] : targets)
      if (target_name == sub_name) target = list;
    if (target == nullptr) return std::unexpected(unknown_key(file, sub_key, qualified).error());
    *target = WARD_TRY(read_strings(sub, file, qualified));
    WARD_TRY(check_list(*target, sub, file, qualified));
  }
  return {};
}

Result<AppArmorModel> read_model(const toml::table& root, const std::string& file) {
  AppArmorModel model;
  bool has_name = false;
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    if (name == "name") {
      auto value = WARD_TRY(read_string(node, file, name));
      if (auto r = validate_profile_name(value); !r)
        return std::unexpected(r.error().wrap(fmt::format("{}: name", where(file, node.source()))));
      model.name = std::move(value);
      has_name = true;
    } else if (name == "capabilities") {
      model.capabilities = WARD_TRY(read_strings(node, file, name));
    } else if (name == "filesystem") {
      WARD_TRY(read_path_lists(node, file, name, {{"read_only", &model.read_only}, {"writable", &model.writable}}));
    } else if (name == "exec") {
      WARD_TRY(read_path_lists(node, file, name, {{"allow", &model.allow_exec}, {"deny", &model.deny_exec}}));
    } else if (name == "network") {
      auto table = WARD_TRY(read_table(node, file, name));
      for (const auto& [sub_key, sub] : *table) {
        const std::string sub_name(sub_key.str());
        std::string qualified = name + "." + sub_name;
        bool* target = sub_name == "raw" ? &model.network_raw : sub_name == "packet" ? &model.network_packet : nullptr;
        if (target == nullptr) return std::unexpected(unknown_key(file, sub_key, qualified).error());
        auto value = WARD_TRY(read_bool(sub, file, qualified));
        *target = value;
      }
    } else {
      return std::unexpected(unknown_key(file, key, name).error());
    }
  }
  if (!has_name) return fail(fmt::format("{}: name: required", file));
  return model;
}

}  // namespace

Result<AppArmorModel> parse_apparmor_toml(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("{}:{}:{}: invalid TOML: {}", file, e.source().begin.line, e.source().begin.column,
                            e.description()));
  } catch (const std::logic_error& e) {
    return fail(fmt::format("{}: invalid TOML ({})", file, e.what()));
  }
  return read_model(root, file);
}

Result<AppArmorModel> load_apparmor_toml(const std::string& file) {
  auto text = WARD_TRY(sys::read_file(file));
  return parse_apparmor_toml(text, file);
}

}  // namespace ward::security
