// containers-registries.conf(5), version 2: which registry a name means,
// and how ward may reach it.
//
//   unqualified-search-registries = ["quay.io", "docker.io"]
//   short-name-mode = "enforcing"          # or "permissive" (default), "disabled"
//   [aliases]
//   "fedora" = "registry.fedoraproject.org/fedora"
//   [[registry]]
//   prefix = "example.com/foo"             # longest match wins; "*.example.com" too
//   location = "internal.example.net/bar"  # where example.com/foo/... really lives
//   insecure = true                        # plain HTTP or unverified TLS allowed
//   blocked = true                         # never pulled from or pushed to
//   mirror-by-digest-only = true           # mirrors only for NAME@DIGEST
//   [[registry.mirror]]
//   location = "mirror.local/foo"          # tried before `location` when pulling
//   insecure = true
//   pull-from-mirror = "digest-only"       # or "all", "tag-only"
//
// Files: CONTAINERS_REGISTRIES_CONF when set (that file alone), else the
// main file ($HOME/.config/containers/registries.conf for a non-root user
// when it exists, else /etc/containers/registries.conf) and the drop-ins
// in registries.conf.d (system, then the user's), each in name order, a
// later file overriding what it sets.  Parsing is strict: an unknown key,
// a wrong type, the version 1 format or a key ward does not implement is
// one error naming FILE:LINE and the key.  TOML is read by toml++ (its
// exceptions are caught here).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "image/reference.h"
#include "util/error.h"

namespace ward::image {

enum class ShortNameMode { enforcing, permissive, disabled };
// Which pulls may use a mirror.
enum class MirrorUse { all, digest_only, tag_only };

struct RegistryMirror {
  std::string location;
  bool insecure = false;
  MirrorUse use = MirrorUse::all;
};

struct RegistryEntry {
  std::string prefix;    // as written, or the location when none was
  std::string location;  // empty for a wildcard prefix: the name is kept
  bool insecure = false;
  bool blocked = false;
  bool mirror_by_digest_only = false;
  std::vector<RegistryMirror> mirrors;
  std::string origin;  // "FILE:LINE" of its [[registry]]
};

struct RegistriesConf {
  std::vector<std::string> search;  // unqualified-search-registries; empty means docker.io
  bool search_set = false;          // a file set it (a later file's [] clears an earlier list)
  ShortNameMode short_name_mode = ShortNameMode::permissive;
  std::string short_name_mode_origin;                // the file that set it
  std::map<std::string, std::string> aliases;        // short name -> qualified name
  std::map<std::string, std::string> alias_origins;  // short name -> file
  std::vector<RegistryEntry> registries;
  std::vector<std::string> files;  // read, in order
};

// One file's settings.
[[nodiscard]] Result<RegistriesConf> parse_registries_conf(std::string_view text, const std::string& file);
// Applies a later file over `into`: what `later` sets replaces (a
// [[registry]] by its prefix, an alias by its name; an empty alias erases).
void merge_registries_conf(RegistriesConf& into, RegistriesConf later);
// The files read, in order (only existing ones, except an explicit
// CONTAINERS_REGISTRIES_CONF, which must exist).
[[nodiscard]] Result<std::vector<std::string>> registries_conf_files();
[[nodiscard]] Result<RegistriesConf> load_registries_conf();

// Whether `prefix` matches the reference text `name`
// ("host/path:tag" or "host/path@digest"), as registries.conf matches.
[[nodiscard]] bool registry_prefix_matches(std::string_view prefix, std::string_view name);
// The entry with the longest prefix matching `reference`; nullptr for none.
[[nodiscard]] const RegistryEntry* find_registry(const RegistriesConf& conf, const Reference& reference);

// Where a pull or push goes: `reference` rewritten to a mirror or the
// entry's location; the image keeps its logical name.
struct RegistryEndpoint {
  Reference reference;
  bool insecure = false;
  bool mirror = false;
};
// Mirrors (those allowed for this pull) first, then the location.
// permission_denied naming the registry and the file when it is blocked.
[[nodiscard]] Result<std::vector<RegistryEndpoint>> pull_endpoints(const RegistriesConf& conf,
                                                                   const Reference& reference);
// Pushes are not redirected (as containers/image): the name itself, with
// the entry's insecure; blocked is refused as for pulls.
[[nodiscard]] Result<RegistryEndpoint> push_endpoint(const RegistriesConf& conf, const Reference& reference);

// The qualified references a short name (`reference.short_name`, parsed
// from `text`) may mean, in the order to try: its alias; else each search
// registry (docker.io when none is configured).  More than one search
// registry in enforcing mode is refused (invalid_input), naming every
// candidate: ward never prompts.  Permissive and disabled try them all.
[[nodiscard]] Result<std::vector<Reference>> short_name_candidates(const RegistriesConf& conf,
                                                                   const Reference& reference, std::string_view text);

}  // namespace ward::image
