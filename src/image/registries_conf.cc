// registries.conf (registries_conf.h).
#include "image/registries_conf.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

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

#include "util/sys.h"

namespace ward::image {

namespace {

std::string where(const std::string& file, const toml::source_region& region) {
  return fmt::format("{}:{}", file, region.begin.line);
}

// A message stays one line whatever a quoted key or value holds.
std::string one_line(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text;
}

std::unexpected<Error> bad(const std::string& file, const toml::source_region& region, std::string_view key,
                           std::string_view why) {
  return fail(ErrorKind::invalid_input, one_line(fmt::format("{}: {}: {}", where(file, region), key, why)));
}

Result<std::string> read_string(const toml::node& node, const std::string& file, std::string_view key) {
  const auto* value = node.as_string();
  if (value == nullptr) return bad(file, node.source(), key, "must be a string");
  return value->get();
}

Result<bool> read_bool(const toml::node& node, const std::string& file, std::string_view key) {
  const auto* value = node.as_boolean();
  if (value == nullptr) return bad(file, node.source(), key, "must be true or false");
  return value->get();
}

// A registry host[:port] as a search registry names it.
bool valid_host(std::string_view text) {
  if (text.empty() || text.find_first_of("/@") != std::string_view::npos) return false;
  auto parsed = parse_reference(std::string(text) + "/x");
  return parsed && !parsed->short_name;
}

// A prefix or location: host[:port][/path][:tag|@digest].
bool valid_location(std::string_view text) {
  if (text.find('/') == std::string_view::npos) return valid_host(text);
  auto parsed = parse_reference(text);
  return parsed && !parsed->short_name;
}

bool names_tag_or_digest(std::string_view text) {
  if (text.find('@') != std::string_view::npos) return true;
  auto slash = text.rfind('/');
  return text.find(':', slash == std::string_view::npos ? 0 : slash) != std::string_view::npos;
}

Result<MirrorUse> read_mirror_use(const toml::node& node, const std::string& file, std::string_view key) {
  auto text = WARD_TRY(read_string(node, file, key));
  if (text == "all" || text.empty()) return MirrorUse::all;
  if (text == "digest-only") return MirrorUse::digest_only;
  if (text == "tag-only") return MirrorUse::tag_only;
  return bad(file, node.source(), key, fmt::format("\"{}\" is not all, digest-only or tag-only", text));
}

Result<RegistryMirror> read_mirror(const toml::node& node, const std::string& file) {
  const auto* table = node.as_table();
  if (table == nullptr) return bad(file, node.source(), "registry.mirror", "must be a table ([[registry.mirror]])");
  RegistryMirror mirror;
  for (const auto& [key, value] : *table) {
    std::string name = "registry.mirror." + std::string(key.str());
    if (key.str() == "location") {
      mirror.location = WARD_TRY(read_string(value, file, name));
      if (!valid_location(mirror.location))
        return bad(file, value.source(), name, fmt::format("\"{}\" is not host[:port][/path]", mirror.location));
    } else if (key.str() == "insecure") {
      mirror.insecure = WARD_TRY(read_bool(value, file, name));
    } else if (key.str() == "pull-from-mirror") {
      mirror.use = WARD_TRY(read_mirror_use(value, file, name));
    } else {
      return bad(file, key.source(), name, "unknown key (not supported by ward)");
    }
  }
  if (mirror.location.empty()) return bad(file, node.source(), "registry.mirror.location", "required");
  return mirror;
}

Result<RegistryEntry> read_registry(const toml::node& node, const std::string& file) {
  const auto* table = node.as_table();
  if (table == nullptr) return bad(file, node.source(), "registry", "must be an array of tables ([[registry]])");
  RegistryEntry entry;
  entry.origin = where(file, node.source());
  std::optional<toml::source_region> prefix_at;
  for (const auto& [key, value] : *table) {
    std::string name = "registry." + std::string(key.str());
    if (key.str() == "prefix") {
      entry.prefix = WARD_TRY(read_string(value, file, name));
      prefix_at = value.source();
    } else if (key.str() == "location") {
      entry.location = WARD_TRY(read_string(value, file, name));
      if (!valid_location(entry.location))
        return bad(file, value.source(), name, fmt::format("\"{}\" is not host[:port][/path]", entry.location));
    } else if (key.str() == "insecure") {
      entry.insecure = WARD_TRY(read_bool(value, file, name));
    } else if (key.str() == "blocked") {
      entry.blocked = WARD_TRY(read_bool(value, file, name));
    } else if (key.str() == "mirror-by-digest-only") {
      entry.mirror_by_digest_only = WARD_TRY(read_bool(value, file, name));
    } else if (key.str() == "mirror") {
      const auto* mirrors = value.as_array();
      if (mirrors == nullptr)
        return bad(file, value.source(), name, "must be an array of tables ([[registry.mirror]])");
      for (const auto& mirror : *mirrors) entry.mirrors.push_back(WARD_TRY(read_mirror(mirror, file)));
    } else {
      return bad(file, key.source(), name, "unknown key (not supported by ward)");
    }
  }
  if (entry.prefix.empty() && entry.location.empty())
    return bad(file, node.source(), "registry", "needs a prefix or a location");
  if (entry.prefix.starts_with("*.")) {
    if (!valid_host(entry.prefix.substr(2)))
      return bad(file, *prefix_at, "registry.prefix", fmt::format("\"{}\" is not *.host", entry.prefix));
    if (!entry.location.empty())
      return bad(file, *prefix_at, "registry.prefix",
                 fmt::format("a wildcard prefix (\"{}\") cannot have a location", entry.prefix));
  } else if (entry.prefix.empty()) {
    entry.prefix = entry.location;
  } else {
    if (!valid_location(entry.prefix))
      return bad(file, *prefix_at, "registry.prefix", fmt::format("\"{}\" is not host[:port][/path]", entry.prefix));
    if (entry.location.empty()) entry.location = entry.prefix;
  }
  return entry;
}

Result<> read_aliases(const toml::node& node, const std::string& file, RegistriesConf& conf) {
  const auto* table = node.as_table();
  if (table == nullptr) return bad(file, node.source(), "aliases", "must be a table");
  for (const auto& [key, value] : *table) {
    std::string short_name(key.str());
    std::string name = fmt::format("aliases.\"{}\"", short_name);
    auto parsed = parse_reference(short_name);
    if (!parsed || !parsed->short_name || names_tag_or_digest(short_name))
      return bad(file, key.source(), name, "must be a short name without tag or digest");
    auto target = WARD_TRY(read_string(value, file, name));
    if (!target.empty()) {
      auto qualified = parse_reference(target);
      if (!qualified || qualified->short_name || names_tag_or_digest(target))
        return bad(file, value.source(), name,
                   fmt::format("\"{}\" must be a fully qualified name without tag or digest", target));
    }
    conf.aliases[short_name] = target;
    conf.alias_origins[short_name] = file;
  }
  return {};
}

Result<RegistriesConf> read_conf(const toml::table& root, const std::string& file) {
  RegistriesConf conf;
  conf.files.push_back(file);
  bool search_set = false;
  for (const auto& [key, node] : root) {
    std::string name(key.str());
    if (name == "unqualified-search-registries") {
      const auto* array = node.as_array();
      if (array == nullptr) return bad(file, node.source(), name, "must be an array of strings");
      for (const auto& item : *array) {
        auto host = WARD_TRY(read_string(item, file, name));
        if (!valid_host(host)) return bad(file, item.source(), name, fmt::format("\"{}\" is not host[:port]", host));
        conf.search.push_back(std::move(host));
      }
      search_set = true;
    } else if (name == "short-name-mode") {
      auto mode = WARD_TRY(read_string(node, file, name));
      if (mode == "enforcing")
        conf.short_name_mode = ShortNameMode::enforcing;
      else if (mode == "permissive" || mode.empty())
        conf.short_name_mode = ShortNameMode::permissive;
      else if (mode == "disabled")
        conf.short_name_mode = ShortNameMode::disabled;
      else
        return bad(file, node.source(), name, fmt::format("\"{}\" is not enforcing, permissive or disabled", mode));
      conf.short_name_mode_origin = file;
    } else if (name == "aliases") {
      WARD_TRY(read_aliases(node, file, conf));
    } else if (name == "registry") {
      const auto* entries = node.as_array();
      if (entries == nullptr) return bad(file, node.source(), name, "must be an array of tables ([[registry]])");
      for (const auto& item : *entries) {
        auto entry = WARD_TRY(read_registry(item, file));
        for (const auto& other : conf.registries)
          if (other.prefix == entry.prefix)
            return bad(file, item.source(), "registry.prefix",
                       fmt::format("\"{}\" is already configured at {}", entry.prefix, other.origin));
        conf.registries.push_back(std::move(entry));
      }
    } else if (name == "registries") {
      return bad(file, key.source(), name,
                 "the version 1 format ([registries.search] ...) is not supported: use version 2 "
                 "(unqualified-search-registries, [[registry]])");
    } else if (name == "credential-helpers" || name == "additional-layer-store-auth-helper") {
      return bad(file, key.source(), name, "not supported by ward");
    } else {
      return bad(file, key.source(), name, "unknown key");
    }
  }
  conf.search_set = search_set;
  return conf;
}

// "busybox" from "busybox:1@sha256:...", "user/app" from "user/app:2".
std::string short_path(std::string_view text) {
  text = text.substr(0, text.find('@'));
  auto slash = text.rfind('/');
  if (auto colon = text.find(':', slash == std::string_view::npos ? 0 : slash); colon != std::string_view::npos)
    text = text.substr(0, colon);
  return std::string(text);
}

// The tag or digest part of a reference: ":1", "@sha256:...".
std::string reference_suffix(const Reference& reference) {
  if (reference.digest) return "@" + reference.digest->string();
  return reference.tag.empty() ? "" : ":" + reference.tag;
}

std::string reference_text(const Reference& reference) {
  return reference.name() + reference_suffix(reference);
}

Result<Reference> rewrite(const RegistryEntry& entry, std::string_view location, const Reference& reference) {
  if (entry.prefix.starts_with("*.") || location.empty()) return reference;
  std::string text = reference_text(reference);
  std::string rewritten = std::string(location) + text.substr(entry.prefix.size());
  auto parsed = parse_reference(rewritten);
  if (!parsed)
    return std::unexpected(parsed.error().wrap(
        fmt::format("{}: prefix \"{}\" rewritten to \"{}\"", entry.origin, entry.prefix, rewritten)));
  return *parsed;
}

std::string mode_name(ShortNameMode mode) {
  switch (mode) {
    case ShortNameMode::enforcing: return "enforcing";
    case ShortNameMode::permissive: return "permissive";
    case ShortNameMode::disabled: return "disabled";
  }
  return "?";
}

std::vector<std::string> conf_files_in(const std::string& dir) {
  std::vector<std::string> out;
  auto names = sys::list_directory(dir);
  if (!names) return out;
  std::sort(names->begin(), names->end());
  for (const auto& name : *names)
    if (name.ends_with(".conf") && !name.starts_with(".")) out.push_back(dir + "/" + name);
  return out;
}

}  // namespace

Result<RegistriesConf> parse_registries_conf(std::string_view text, const std::string& file) {
  // toml++ 3.3 reaches __builtin_unreachable on some non-ASCII characters
  // (is_non_ascii_horizontal_whitespace, found by the fuzz target), and
  // every value registries.conf holds is ASCII: refuse any other byte,
  // comments included, before toml++ sees it.
  std::size_t line = 1;
  for (char c : text) {
    if (c == '\n') ++line;
    if (static_cast<unsigned char>(c) >= 0x80)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}:{}: a non-ASCII character: ward reads registries.conf as ASCII only", file, line));
  }
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::invalid_input,
                one_line(fmt::format("{}:{}: invalid TOML: {}", file, e.source().begin.line, e.description())));
  } catch (const std::logic_error& e) {
    return fail(ErrorKind::invalid_input, one_line(fmt::format("{}: invalid TOML ({})", file, e.what())));
  }
  return read_conf(root, file);
}

void merge_registries_conf(RegistriesConf& into, RegistriesConf later) {
  if (later.search_set) {
    into.search = std::move(later.search);
    into.search_set = true;
  }
  if (!later.short_name_mode_origin.empty()) {
    into.short_name_mode = later.short_name_mode;
    into.short_name_mode_origin = later.short_name_mode_origin;
  }
  for (auto& [name, target] : later.aliases) {
    if (target.empty()) {
      into.aliases.erase(name);
      into.alias_origins.erase(name);
    } else {
      into.aliases[name] = target;
      into.alias_origins[name] = later.alias_origins[name];
    }
  }
  for (auto& entry : later.registries) {
    auto same = std::ranges::find_if(into.registries, [&](const auto& e) { return e.prefix == entry.prefix; });
    if (same != into.registries.end())
      *same = std::move(entry);
    else
      into.registries.push_back(std::move(entry));
  }
  into.files.insert(into.files.end(), later.files.begin(), later.files.end());
}

Result<std::vector<std::string>> registries_conf_files() {
  if (const char* file = std::getenv("CONTAINERS_REGISTRIES_CONF"); file != nullptr && *file != '\0') {
    if (!sys::path_exists(file))
      return fail(ErrorKind::not_found, fmt::format("CONTAINERS_REGISTRIES_CONF names {}, which does not exist", file));
    return std::vector<std::string>{file};
  }
  std::vector<std::string> files;
  std::string user_dir;
  const char* home = std::getenv("HOME");
  if (::geteuid() != 0 && home != nullptr && *home != '\0') user_dir = std::string(home) + "/.config/containers";
  bool user_main = !user_dir.empty() && sys::path_exists(user_dir + "/registries.conf");
  if (user_main) {
    files.push_back(user_dir + "/registries.conf");
  } else {
    if (sys::path_exists("/etc/containers/registries.conf")) files.emplace_back("/etc/containers/registries.conf");
    auto drop_ins = conf_files_in("/etc/containers/registries.conf.d");
    files.insert(files.end(), drop_ins.begin(), drop_ins.end());
  }
  if (!user_dir.empty()) {
    auto drop_ins = conf_files_in(user_dir + "/registries.conf.d");
    files.insert(files.end(), drop_ins.begin(), drop_ins.end());
  }
  return files;
}

Result<RegistriesConf> load_registries_conf() {
  RegistriesConf conf;
  for (const auto& file : WARD_TRY(registries_conf_files())) {
    auto text = WARD_TRY(context(sys::read_file(file), "read {}", file));
    merge_registries_conf(conf, WARD_TRY(parse_registries_conf(text, file)));
  }
  return conf;
}

bool registry_prefix_matches(std::string_view prefix, std::string_view name) {
  if (prefix.starts_with("*.")) {
    std::string_view host = name.substr(0, name.find('/'));
    std::string_view suffix = prefix.substr(1);  // ".example.com"
    return host.size() > suffix.size() && host.ends_with(suffix);
  }
  if (!name.starts_with(prefix)) return false;
  if (name.size() == prefix.size()) return true;
  char next = name[prefix.size()];
  // A host-only prefix does not match the same host with a port.
  if (next == ':' && prefix.find('/') == std::string_view::npos) return false;
  return next == '/' || next == ':' || next == '@';
}

const RegistryEntry* find_registry(const RegistriesConf& conf, const Reference& reference) {
  std::string name = reference_text(reference);
  const RegistryEntry* best = nullptr;
  for (const auto& entry : conf.registries) {
    if (!registry_prefix_matches(entry.prefix, name)) continue;
    if (best == nullptr || entry.prefix.size() > best->prefix.size()) best = &entry;
  }
  return best;
}

Result<std::vector<RegistryEndpoint>> pull_endpoints(const RegistriesConf& conf, const Reference& reference) {
  const RegistryEntry* entry = find_registry(conf, reference);
  if (entry == nullptr) return std::vector<RegistryEndpoint>{{reference, false, false}};
  if (entry->blocked)
    return fail(ErrorKind::permission_denied, fmt::format("registry {} is blocked by {} (prefix \"{}\")",
                                                          reference.domain, entry->origin, entry->prefix));
  std::vector<RegistryEndpoint> endpoints;
  bool by_digest = reference.digest.has_value();
  if (!entry->mirror_by_digest_only || by_digest) {
    for (const auto& mirror : entry->mirrors) {
      if ((mirror.use == MirrorUse::digest_only && !by_digest) || (mirror.use == MirrorUse::tag_only && by_digest))
        continue;
      endpoints.push_back({WARD_TRY(rewrite(*entry, mirror.location, reference)), mirror.insecure, true});
    }
  }
  endpoints.push_back({WARD_TRY(rewrite(*entry, entry->location, reference)), entry->insecure, false});
  return endpoints;
}

Result<RegistryEndpoint> push_endpoint(const RegistriesConf& conf, const Reference& reference) {
  const RegistryEntry* entry = find_registry(conf, reference);
  if (entry == nullptr) return RegistryEndpoint{reference, false, false};
  if (entry->blocked)
    return fail(ErrorKind::permission_denied, fmt::format("registry {} is blocked by {} (prefix \"{}\")",
                                                          reference.domain, entry->origin, entry->prefix));
  return RegistryEndpoint{reference, entry->insecure, false};
}

Result<std::vector<Reference>> short_name_candidates(const RegistriesConf& conf, const Reference& reference,
                                                     std::string_view text) {
  if (!reference.short_name) return std::vector<Reference>{reference};
  std::string path = short_path(text);
  std::string suffix = reference_suffix(reference);
  if (auto alias = conf.aliases.find(path); alias != conf.aliases.end()) {
    auto resolved = parse_reference(alias->second + suffix);
    if (!resolved)
      return std::unexpected(resolved.error().wrap(
          fmt::format("alias \"{}\" in {}", path, conf.alias_origins.count(path) ? conf.alias_origins.at(path) : "")));
    return std::vector<Reference>{*resolved};
  }
  std::vector<std::string> search = conf.search;
  if (search.empty()) search.emplace_back(kDefaultDomain);
  std::vector<Reference> candidates;
  for (const auto& host : search) {
    auto candidate = WARD_TRY(parse_reference(fmt::format("{}/{}{}", host, path, suffix)));
    candidates.push_back(std::move(candidate));
  }
  if (candidates.size() > 1 && conf.short_name_mode == ShortNameMode::enforcing) {
    std::string names;
    for (const auto& candidate : candidates) names += (names.empty() ? "" : ", ") + candidate.string();
    return fail(ErrorKind::invalid_input,
                fmt::format("short name \"{}\" is ambiguous: it may be {} (short-name-mode \"{}\" in {}); ward "
                            "does not prompt: name the registry, or add an alias",
                            text, names, mode_name(conf.short_name_mode), conf.short_name_mode_origin));
  }
  return candidates;
}

}  // namespace ward::image
