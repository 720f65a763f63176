// Registry credentials and the challenges registries answer with.
//   - WWW-Authenticate (RFC 7235): `Bearer realm="https://auth.docker.io/token",
//     service="registry.docker.io",scope="repository:library/busybox:pull"`
//     or `Basic realm="Registry"`; parsed into scheme and parameters.
//   - Credential files, read in Docker's order and then containers':
//       $DOCKER_CONFIG/config.json (default ~/.docker/config.json):
//         credHelpers.{host} or credsStore name a `docker-credential-NAME`
//         program (run as `docker-credential-NAME get`, the server on its
//         stdin, JSON {"Username","Secret"} on its stdout); otherwise
//         auths.{host}.auth is base64("user:password").
//       ${XDG_RUNTIME_DIR}/containers/auth.json (or $REGISTRY_AUTH_FILE):
//         auths.{host}.auth, as podman/skopeo write it.
//     docker.io's key is Docker's "https://index.docker.io/v1/"; other keys
//     match by host[:port], with any scheme or path of the key ignored.
//   - `ward login` writes auths.{host}.auth into Docker's file, mode 0600,
//     or, when that file names a helper for the registry, runs
//     `docker-credential-NAME store` ({"ServerURL","Username","Secret"} on
//     its stdin); `ward logout` runs `docker-credential-NAME erase` (the
//     server on its stdin) and removes any auths entry too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::image {

struct AuthChallenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // keys lower-case: realm, service, scope
};

// Every challenge of one WWW-Authenticate value; invalid_input when it is
// not the RFC's grammar.
[[nodiscard]] Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header);

struct Credentials {
  std::string username;
  std::string password;  // or an identity token when username is "<token>"
};

[[nodiscard]] std::string base64_encode(std::string_view bytes);
[[nodiscard]] Result<std::string> base64_decode(std::string_view text);

// The key a registry's credentials are stored under: docker.io ->
// "https://index.docker.io/v1/", anything else as given.
[[nodiscard]] std::string credentials_key(std::string_view registry);
// What a config file says about `registry`: credentials, or the name of a
// credential helper to ask, or neither.  invalid_input for a file that is
// not JSON or an auth that is not base64 "user:password".
struct ConfigLookup {
  std::optional<Credentials> credentials;
  std::string helper;  // "pass" for docker-credential-pass
};
[[nodiscard]] Result<ConfigLookup> lookup_credentials(std::string_view config_json, std::string_view registry);
// The config text with auths.{key}.auth set (every other field kept).
[[nodiscard]] Result<std::string> set_credentials(std::string_view config_json, std::string_view registry,
                                                  const Credentials& credentials);
// The config text without the registry's entry; nullopt when it had none.
[[nodiscard]] Result<std::optional<std::string>> remove_credentials(std::string_view config_json,
                                                                    std::string_view registry);

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
[[nodiscard]] Result<std::string> docker_config_path();
// $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json; empty
// when neither is set.
[[nodiscard]] std::string containers_auth_path();

// Credentials for `registry` from the files above (a helper run when one is
// configured); nullopt for anonymous access.
[[nodiscard]] Result<std::optional<Credentials>> find_credentials(std::string_view registry);
// Stores them through the helper Docker's config file names for the
// registry, else in that file (created 0600, its directory 0700).
// true when they went into the file (unencrypted), false when to a helper.
[[nodiscard]] Result<bool> save_credentials(std::string_view registry, const Credentials& credentials);
// Erases them through a configured helper and removes them from Docker's
// config file and containers' auth file; not_found when none had them.
[[nodiscard]] Result<> erase_credentials(std::string_view registry);

}  // namespace ward::image
