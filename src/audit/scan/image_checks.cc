// Image configuration and history checks.
#include "audit/scan/image_checks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include <fmt/format.h>

#include "audit/scan/rules.h"

namespace ward::audit::scan {

namespace {

// Parts of an environment variable's name that say it holds a secret.
constexpr std::array<std::string_view, 9> kSecretNameParts = {
    "PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"};

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

bool runs_as_root(std::string_view user) {
  std::string_view name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

// The instruction of a history entry: "RUN", "ADD", ... from Docker's
// "/bin/sh -c #(nop) ADD ..." (classic builder, a non-RUN step),
// "/bin/sh -c apt-get ..." (its RUN) or BuildKit's "ADD ..." / "RUN ...".
std::pair<std::string_view, std::string_view> instruction(std::string_view created_by) {
  constexpr std::string_view kShell = "/bin/sh -c ";
  if (created_by.starts_with(kShell)) {
    created_by.remove_prefix(kShell.size());
    constexpr std::string_view kNop = "#(nop) ";
    if (!created_by.starts_with(kNop)) return {"RUN", created_by};
    created_by.remove_prefix(kNop.size());
    while (created_by.starts_with(' ')) created_by.remove_prefix(1);
  }
  std::size_t space = created_by.find(' ');
  if (space == std::string_view::npos) return {created_by, {}};
  return {created_by.substr(0, space), created_by.substr(space + 1)};
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Whether a shell command runs a package index update without installing
// in the same command (so a later layer installs from a stale cache).
bool update_alone(std::string_view command) {
  bool apt = contains(command, "apt-get update") || contains(command, "apt update");
  bool apk = contains(command, "apk update");
  if (apt && !contains(command, "install")) return true;
  return apk && !contains(command, "apk add");
}

bool runs_sudo(std::string_view command) {
  for (std::size_t at = command.find("sudo"); at != std::string_view::npos; at = command.find("sudo", at + 1)) {
    bool starts = at == 0 || std::string_view(" ;&|(").find(command[at - 1]) != std::string_view::npos;
    bool ends = at + 4 == command.size() || command[at + 4] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

std::vector<Finding> check_image_config(const image::ImageConfig& config, std::string_view tag) {
  std::vector<Finding> out;
  auto add = [&](std::string_view rule, std::string message) {
    out.push_back(Finding{std::string(rule), rule_severity(rule), Location{std::string(kImageConfigLocation), 0, 1},
                          std::move(message)});
  };
  const image::ContainerConfig& c = config.config;
  if (runs_as_root(c.user))
    add(kRootUser, c.user.empty() ? "the image sets no USER, so it runs as root"
                                  : fmt::format("the image runs as \"{}\", which is root", c.user));
  if (!c.healthcheck || c.healthcheck->test.empty() || c.healthcheck->test.front() == "NONE")
    add(kNoHealthcheck, "the image has no HEALTHCHECK");
  for (const std::string& variable : c.env) {
    std::size_t eq = variable.find('=');
    std::string_view name = std::string_view(variable).substr(0, eq);
    if (eq == std::string::npos || eq + 1 == variable.size()) continue;  // no value, nothing stored
    std::string key = upper(name);
    if (std::any_of(kSecretNameParts.begin(), kSecretNameParts.end(), [&](auto part) { return contains(key, part); }))
      add(kSecretInEnv, fmt::format("environment variable {} looks like a secret", name));
  }
  for (std::size_t i = 0; i < config.history.size(); ++i) {
    const auto& [verb, rest] = instruction(config.history[i].created_by);
    if (verb == "ADD" && !rest.starts_with("file:") && !rest.starts_with("dir:"))
      add(kAddInHistory, fmt::format("history step {} uses ADD: {}", i + 1, rest));
    if (verb == "RUN" && update_alone(rest))
      add(kUpdateAlone, fmt::format("history step {} updates the package index alone: {}", i + 1, rest));
    if (verb == "RUN" && runs_sudo(rest)) add(kSudo, fmt::format("history step {} runs sudo: {}", i + 1, rest));
  }
  if (tag == "latest") add(kLatestTag, "the image is named by its latest tag");
  if (c.exposed_ports.contains("22/tcp") || c.exposed_ports.contains("22"))
    add(kSshPort, "the image exposes port 22 (SSH)");
  return out;
}

}  // namespace ward::audit::scan
