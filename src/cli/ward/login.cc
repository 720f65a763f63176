// ward login [-u USER] [-p PASS | --password-stdin] [SERVER]: checks the
// credentials against the registry (GET /v2/) and stores them in Docker's
// $DOCKER_CONFIG/config.json (mode 0600) as Docker does, then prints
// "Login Succeeded".  SERVER defaults to docker.io; "http://HOST/..." is
// taken as HOST.  Without -u on a terminal, asks for the user name and the
// password (not echoed); without a terminal, -u and a password are needed.
// registries.conf's insecure and blocked apply to SERVER; --tls-verify=false
// allows plain HTTP or unverified TLS.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "image/registry_auth.h"
#include "image/registry_client.h"
#include "image/registries_conf.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"username", "u"}, true, "user name"},
    {{"password", "p"}, true, "password (visible to other users of this machine: prefer --password-stdin)"},
    {{"password-stdin"}, false, "read the password from standard input"},
    {{"tls-verify"}, false, "verify the registry's TLS certificate (default true; false also allows plain HTTP)"},
    {{"help", "h"}, false, "show help"},
};

// One line from the terminal, with echo off when `secret`.
std::string prompt(const char* question, bool secret) {
  std::fputs(question, stderr);
  std::fflush(stderr);
  termios saved{};
  bool restore = secret && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    (void)::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (restore) {
    (void)::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fputs("\n", stderr);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::string registry_server(std::string_view text) {
  if (text.starts_with("https://")) text.remove_prefix(8);
  if (text.starts_with("http://")) text.remove_prefix(7);
  if (auto slash = text.find('/'); slash != std::string_view::npos) text = text.substr(0, slash);
  if (text.empty() || text == "index.docker.io" || text == "registry-1.docker.io") return "docker.io";
  return std::string(text);
}

int cmd_login(const WardOptions&, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("login", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward login [OPTIONS] [SERVER]\n\nLog in to a registry (docker.io when no SERVER is "
                "given).\n\nOptions:\n" +
                flags_help(kFlags))
                   .c_str(),
               stdout);
    return 0;
  }
  if (parsed->positional.size() > 1)
    return kReporter.fail("login", "requires at most 1 argument: [SERVER]", kExitDockerUsage);
  std::string server = registry_server(parsed->positional.empty() ? "" : parsed->positional.front());
  bool from_stdin = parsed->flag("password-stdin");
  if (from_stdin && parsed->has("password"))
    return kReporter.fail("login", "--password and --password-stdin are mutually exclusive", kExitDockerUsage);
  if (from_stdin && !parsed->has("username"))
    return kReporter.fail("login", "must provide --username with --password-stdin", kExitDockerUsage);

  image::Credentials credentials{.username = parsed->value("username"), .password = parsed->value("password")};
  bool terminal = ::isatty(STDIN_FILENO) == 1;
  if (parsed->has("password"))
    std::fputs("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n", stderr);
  if (from_stdin) {
    credentials.password.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!credentials.password.empty() &&
           (credentials.password.back() == '\n' || credentials.password.back() == '\r'))
      credentials.password.pop_back();
  } else if (!parsed->has("username") || !parsed->has("password")) {
    if (!terminal)
      return kReporter.fail("login", "cannot ask for credentials without a terminal: use -u and --password-stdin",
                            kExitDockerUsage);
    if (!parsed->has("username")) credentials.username = prompt("Username: ", false);
    if (!parsed->has("password")) credentials.password = prompt("Password: ", true);
  }
  if (credentials.username.empty()) return kReporter.fail("login", "username is empty", kExitDockerUsage);
  if (credentials.password.empty()) return kReporter.fail("login", "password is empty", kExitDockerUsage);

  auto registries = image::load_registries_conf();
  if (!registries) return kReporter.fail("login", registries.error());
  bool insecure = false;
  if (auto as_reference = image::parse_reference(server + "/x")) {
    auto endpoint = image::push_endpoint(*registries, *as_reference);
    if (!endpoint) return kReporter.fail("login", endpoint.error());
    insecure = endpoint->insecure;
  }
  image::RegistryOptions registry{.tls_verify = (!parsed->has("tls-verify") || parsed->flag("tls-verify")) && !insecure,
                                  .credentials = credentials};
  auto client = image::RegistryClient::connect(server, "", registry);
  if (!client) return kReporter.fail("login", client.error());
  auto checked = client->check_credentials();
  if (!checked) return kReporter.fail("login", checked.error());
  auto saved = image::save_credentials(server, credentials);
  if (!saved) return kReporter.fail("login", saved.error());
  if (auto path = image::docker_config_path(); path && *saved)
    std::fprintf(stderr, "WARNING! Your password is stored unencrypted in %s.\n", path->c_str());
  std::puts("Login Succeeded");
  return 0;
}

}  // namespace ward::cli::engine
