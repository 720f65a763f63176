// Registry credentials (registry_auth.h): challenge parsing, Docker's and
// containers' credential files, credential helpers.
#include "image/registry_auth.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/fd.h"
#include "util/subprocess.h"
#include "util/sys.h"

namespace ward::image {

namespace {

constexpr std::string_view kDockerHubKey = "https://index.docker.io/v1/";

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The host[:port] a config key names: scheme and path dropped.
std::string key_host(std::string_view key) {
  if (auto scheme = key.find("://"); scheme != std::string_view::npos) key.remove_prefix(scheme + 3);
  if (auto slash = key.find('/'); slash != std::string_view::npos) key = key.substr(0, slash);
  return lower(key);
}

bool is_docker_hub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool key_matches(std::string_view key, std::string_view registry) {
  std::string host = key_host(key);
  std::string wanted = lower(registry);
  if (is_docker_hub(wanted)) return is_docker_hub(host);
  return host == wanted;
}

Result<nlohmann::json> parse_config(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return nlohmann::json::object();
  auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return fail(ErrorKind::invalid_input, "credentials file: not a JSON object");
  return document;
}

Result<Credentials> decode_auth(std::string_view auth, std::string_view key) {
  auto decoded = base64_decode(auth);
  if (!decoded)
    return fail(ErrorKind::invalid_input, fmt::format("credentials file: auths.\"{}\".auth: not base64", key));
  auto colon = decoded->find(':');
  if (colon == std::string::npos)
    return fail(ErrorKind::invalid_input,
                fmt::format("credentials file: auths.\"{}\".auth: not \"user:password\"", key));
  return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

Result<std::string> read_if_present(const std::string& path) {
  auto text = sys::read_file(path);
  if (!text && text.error().is(ErrorKind::not_found)) return std::string();
  return context(std::move(text), "read {}", path);
}

// Runs `docker-credential-NAME ACTION` with `input` on its stdin (the
// credential helpers' protocol: get and erase read the server URL, store a
// JSON object); its stdout (and stderr, where helpers say why) captured.
Result<sys::CommandOutcome> run_helper(const std::string& helper, std::string_view action, std::string_view input) {
  if (helper.find('/') != std::string::npos)
    return fail(ErrorKind::invalid_input, fmt::format("credential helper name \"{}\" holds a '/'", helper));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  if (input.size() > 60000) return fail(ErrorKind::invalid_input, "credential helper input too long");
  if (::write(write_end.get(), input.data(), input.size()) != static_cast<ssize_t>(input.size()))
    return fail_errno(errno, "write to credential helper");
  write_end = UniqueFd();
  std::string program = "docker-credential-" + helper;
  auto outcome = WARD_TRY(context(
      sys::run_captured({program, std::string(action)},
                        action == "get" ? sys::Capture::stdout_only : sys::Capture::stdout_and_stderr, read_end.get()),
      "run {}", program));
  return outcome;
}

std::string helper_server(std::string_view registry) {
  return is_docker_hub(registry) ? std::string(kDockerHubKey) : std::string(registry);
}

// The helper's own words for a failure, on one line.
std::string helper_said(const sys::CommandOutcome& outcome) {
  std::string said = outcome.output;
  for (char& c : said)
    if (c == '\n' || c == '\r') c = ' ';
  while (!said.empty() && said.back() == ' ') said.pop_back();
  if (said.size() > 200) said = said.substr(0, 200) + "...";
  return said.empty() ? "" : fmt::format(" ({})", said);
}

Result<std::optional<Credentials>> ask_helper(const std::string& helper, std::string_view registry) {
  std::string program = "docker-credential-" + helper;
  auto outcome = WARD_TRY(run_helper(helper, "get", helper_server(registry)));
  if (outcome.status != 0) {
    // Helpers say "credentials not found in native keychain" for a server they do not know.
    if (outcome.output.find("not found") != std::string::npos) return std::nullopt;
    return fail(fmt::format("{} get: exit status {}", program, outcome.status));
  }
  auto document = nlohmann::json::parse(outcome.output, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("Secret"))
    return fail(ErrorKind::invalid_input, fmt::format("{} get: not the credential helpers' JSON", program));
  Credentials credentials{document.value("Username", ""), document.value("Secret", "")};
  return credentials;
}

Result<> store_in_helper(const std::string& helper, std::string_view registry, const Credentials& credentials) {
  nlohmann::json input = {
      {"ServerURL", helper_server(registry)}, {"Username", credentials.username}, {"Secret", credentials.password}};
  auto outcome = WARD_TRY(run_helper(helper, "store", input.dump()));
  if (outcome.status != 0)
    return fail(
        fmt::format("docker-credential-{} store: exit status {}{}", helper, outcome.status, helper_said(outcome)));
  return {};
}

// true when the helper erased them, false when it had none.
Result<bool> erase_in_helper(const std::string& helper, std::string_view registry) {
  auto outcome = WARD_TRY(run_helper(helper, "erase", helper_server(registry)));
  if (outcome.status == 0) return true;
  if (outcome.output.find("not found") != std::string::npos) return false;
  return fail(
      fmt::format("docker-credential-{} erase: exit status {}{}", helper, outcome.status, helper_said(outcome)));
}

}  // namespace

Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
  };
  auto token = [&] {
    std::size_t start = i;
    while (i < header.size() && is_token_char(header[i])) ++i;
    return header.substr(start, i - start);
  };
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::invalid_input, fmt::format("WWW-Authenticate \"{}\": {}", header, why));
  };
  while (true) {
    skip_space();
    while (i < header.size() && header[i] == ',') {
      ++i;
      skip_space();
    }
    if (i >= header.size()) break;
    std::string_view scheme = token();
    if (scheme.empty()) return bad("expected an auth scheme");
    AuthChallenge challenge{lower(scheme), {}};
    // Parameters: name=value or name="quoted", separated by commas, until
    // the next scheme (a token not followed by '=').
    while (true) {
      skip_space();
      std::size_t mark = i;
      std::string_view name = token();
      skip_space();
      if (name.empty() || i >= header.size() || header[i] != '=') {
        i = mark;
        break;
      }
      ++i;
      skip_space();
      std::string value;
      if (i < header.size() && header[i] == '"') {
        ++i;
        bool closed = false;
        while (i < header.size()) {
          char c = header[i++];
          if (c == '\\' && i < header.size()) {
            value += header[i++];
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value += c;
          }
        }
        if (!closed) return bad("unterminated quoted string");
      } else {
        value = std::string(token());
      }
      challenge.params[lower(name)] = value;
      skip_space();
      if (i < header.size() && header[i] == ',') ++i;
    }
    challenges.push_back(std::move(challenge));
  }
  if (challenges.empty()) return bad("no challenge");
  return challenges;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return fail(ErrorKind::invalid_input, "not base64");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (bits >= 6) return fail(ErrorKind::invalid_input, "not base64");
  return out;
}

std::string credentials_key(std::string_view registry) {
  return is_docker_hub(lower(registry)) ? std::string(kDockerHubKey) : std::string(registry);
}

Result<ConfigLookup> lookup_credentials(std::string_view config_json, std::string_view registry) {
  auto document = WARD_TRY(parse_config(config_json));
  ConfigLookup lookup;
  if (auto helpers = document.find("credHelpers"); helpers != document.end() && helpers->is_object()) {
    for (const auto& [key, value] : helpers->items()) {
      if (key_matches(key, registry) && value.is_string()) {
        lookup.helper = value.get<std::string>();
        return lookup;
      }
    }
  }
  if (auto store = document.find("credsStore");
      store != document.end() && store->is_string() && !store->get<std::string>().empty()) {
    lookup.helper = store->get<std::string>();
    return lookup;
  }
  if (auto auths = document.find("auths"); auths != document.end() && auths->is_object()) {
    for (const auto& [key, value] : auths->items()) {
      if (!key_matches(key, registry) || !value.is_object()) continue;
      if (auto auth = value.find("auth");
          auth != value.end() && auth->is_string() && !auth->get<std::string>().empty()) {
        lookup.credentials = WARD_TRY(decode_auth(auth->get<std::string>(), key));
        return lookup;
      }
    }
  }
  return lookup;
}

Result<std::string> set_credentials(std::string_view config_json, std::string_view registry,
                                    const Credentials& credentials) {
  auto document = WARD_TRY(parse_config(config_json));
  if (!document.contains("auths") || !document["auths"].is_object()) document["auths"] = nlohmann::json::object();
  // One entry per registry: drop other spellings of the same host first.
  std::vector<std::string> stale;
  for (const auto& [key, value] : document["auths"].items())
    if (key_matches(key, registry)) stale.push_back(key);
  for (const auto& key : stale) document["auths"].erase(key);
  document["auths"][credentials_key(registry)] =
      nlohmann::json{{"auth", base64_encode(credentials.username + ":" + credentials.password)}};
  return document.dump(1, '\t') + "\n";
}

Result<std::optional<std::string>> remove_credentials(std::string_view config_json, std::string_view registry) {
  auto document = WARD_TRY(parse_config(config_json));
  if (!document.contains("auths") || !document["auths"].is_object()) return std::nullopt;
  std::vector<std::string> found;
  for (const auto& [key, value] : document["auths"].items())
    if (key_matches(key, registry)) found.push_back(key);
  if (found.empty()) return std::nullopt;
  for (const auto& key : found) document["auths"].erase(key);
  return document.dump(1, '\t') + "\n";
}

Result<std::string> docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0')
    return std::string(dir) + "/config.json";
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0')
    return fail(ErrorKind::not_found, "neither DOCKER_CONFIG nor HOME is set: no place for ~/.docker/config.json");
  return std::string(home) + "/.docker/config.json";
}

std::string containers_auth_path() {
  if (const char* file = std::getenv("REGISTRY_AUTH_FILE"); file != nullptr && *file != '\0') return file;
  if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir != nullptr && *dir != '\0')
    return std::string(dir) + "/containers/auth.json";
  return "";
}

Result<std::optional<Credentials>> find_credentials(std::string_view registry) {
  std::vector<std::string> files;
  if (auto docker = docker_config_path()) files.push_back(*docker);
  if (auto containers = containers_auth_path(); !containers.empty()) files.push_back(containers);
  for (const auto& file : files) {
    auto text = WARD_TRY(read_if_present(file));
    auto lookup = WARD_TRY(context(lookup_credentials(text, registry), "{}", file));
    if (!lookup.helper.empty()) return context(ask_helper(lookup.helper, registry), "{}", file);
    if (lookup.credentials) return lookup.credentials;
  }
  return std::nullopt;
}

Result<bool> save_credentials(std::string_view registry, const Credentials& credentials) {
  auto path = WARD_TRY(docker_config_path());
  auto text = WARD_TRY(read_if_present(path));
  auto existing = WARD_TRY(context(lookup_credentials(text, registry), "{}", path));
  if (!existing.helper.empty()) {
    WARD_TRY(context(store_in_helper(existing.helper, registry, credentials), "{}", path));
    return false;
  }
  auto updated = WARD_TRY(context(set_credentials(text, registry, credentials), "{}", path));
  std::string dir = path.substr(0, path.rfind('/'));
  WARD_TRY(context(sys::mkdir_all(dir, 0700), "create {}", dir));
  WARD_TRY(context(sys::write_file_atomic(path, updated, 0600), "write {}", path));
  return true;
}

Result<> erase_credentials(std::string_view registry) {
  std::vector<std::string> files;
  if (auto docker = docker_config_path()) files.push_back(*docker);
  if (auto containers = containers_auth_path(); !containers.empty()) files.push_back(containers);
  bool removed = false;
  for (const auto& file : files) {
    auto text = WARD_TRY(read_if_present(file));
    auto lookup = WARD_TRY(context(lookup_credentials(text, registry), "{}", file));
    if (!lookup.helper.empty() && WARD_TRY(context(erase_in_helper(lookup.helper, registry), "{}", file)))
      removed = true;
    auto updated = WARD_TRY(context(remove_credentials(text, registry), "{}", file));
    if (!updated) continue;
    WARD_TRY(context(sys::write_file_atomic(file, *updated, 0600), "write {}", file));
    removed = true;
  }
  if (!removed) return fail(ErrorKind::not_found, fmt::format("not logged in to {}", registry));
  return {};
}

}  // namespace ward::image
