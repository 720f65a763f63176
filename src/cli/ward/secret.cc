// ward secret create|ls|inspect|rm (engine/secrets.h), Podman's verbs:
//   ward secret create [--label K=V]... NAME FILE|-
//   ward secret ls [-q] [--format F]
//   ward secret inspect [--format F] SECRET...
//   ward secret rm SECRET...
// The data is never printed back.
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/format_template.h"
#include "cli/ward/commands.h"
#include "engine/secrets.h"
#include "util/sys.h"

namespace ward::cli::engine {

namespace {

using ward::engine::SecretRecord;

Result<std::string> read_input(const std::string& source) {
  if (source != "-") return context(sys::read_file(source), "secret file");
  std::string data;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "read the secret from stdin");
    if (n == 0) return data;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > ward::engine::kSecretMaxBytes) return data;  // refused by its size
  }
}

nlohmann::json secret_json(const SecretRecord& secret) {
  return {{"ID", secret.id},
          {"CreatedAt", secret.created},
          {"UpdatedAt", secret.updated},
          {"Spec", {{"Name", secret.name}, {"Driver", {{"Name", secret.driver}}}, {"Labels", secret.labels}}}};
}

// Containers (names) whose --secret names `secret`.
Result<std::string> users_of(ward::engine::Engine& engine, const SecretRecord& secret) {
  std::string users;
  for (const auto& container : WARD_TRY(engine.list()))
    for (const auto& mount : container.spec.secrets)
      if (mount.name == secret.name) users += (users.empty() ? "" : ", ") + container.name;
  return users;
}

int secret_create(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {{{"label", "l"}, true, "a label KEY=VALUE"},
                                               {{"driver", "d"}, true, "the secret driver (only \"file\")"}};
  auto parsed = parse_container_verb("secret create", "[OPTIONS] NAME FILE|-", "Create a new secret.", args, kFlags, 2);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 2)
    return kReporter.fail("secret create", "requires exactly 2 arguments: NAME FILE|-", kExitDockerUsage);
  if (parsed->has("driver") && parsed->value("driver") != "file")
    return kReporter.fail("secret create", fmt::format("--driver {}: not supported (file is)", parsed->value("driver")),
                          kExitDockerUsage);
  std::map<std::string, std::string> labels;
  std::vector<std::string> texts = parsed->all("label");
  if (texts.empty() && parsed->has("label")) texts.push_back(parsed->value("label"));
  for (const auto& text : texts) {
    auto eq = text.find('=');
    labels[text.substr(0, eq)] = eq == std::string::npos ? "" : text.substr(eq + 1);
  }
  auto data = read_input(parsed->positional[1]);
  if (!data) return kReporter.fail("secret create", data.error(), kExitDockerUsage);
  auto store = open_store(options);
  if (!store) return kReporter.fail("secret create", store.error());
  auto secret = ward::engine::create_secret(store->database(), store->root(), parsed->positional[0], *data, labels);
  if (!secret)
    return kReporter.fail("secret create", secret.error(),
                          secret.error().is(ErrorKind::invalid_input) ? kExitDockerUsage : 1);
  std::printf("%s\n", secret->id.c_str());
  return 0;
}

int secret_ls(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {{{"quiet", "q"}, false, "only show IDs"},
                                               {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"}};
  auto parsed = parse_container_verb("secret ls", "[OPTIONS]", "List secrets.", args, kFlags, 0);
  if (!parsed) return kExitDockerUsage;
  auto store = open_store(options);
  if (!store) return kReporter.fail("secret ls", store.error());
  auto secrets = ward::engine::list_secrets(store->database());
  if (!secrets) return kReporter.fail("secret ls", secrets.error());
  std::vector<nlohmann::json> rows;
  for (const auto& secret : *secrets)
    rows.push_back({{"ID", secret.id},
                    {"Name", secret.name},
                    {"Driver", secret.driver},
                    {"CreatedAt", secret.created},
                    {"UpdatedAt", secret.updated}});
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (parsed->flag("quiet")) format = "{{.ID}}";
  if (format.empty()) format = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}";
  static const HeaderLabels kLabels = {
      {"ID", "ID"}, {"Name", "NAME"}, {"Driver", "DRIVER"}, {"CreatedAt", "CREATED"}, {"UpdatedAt", "UPDATED"}};
  auto text = render_format(format, kLabels, rows);
  if (!text) return kReporter.fail("secret ls", text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

int secret_inspect(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {{{"format", "f"}, true, "Go template"}};
  auto parsed =
      parse_container_verb("secret inspect", "[OPTIONS] SECRET [SECRET...]", "Show secrets' details.", args, kFlags, 1);
  if (!parsed) return kExitDockerUsage;
  std::optional<Template> format;
  if (parsed->has("format")) {
    auto compiled = Template::parse(unescape_format_flag(parsed->value("format")));
    if (!compiled) return kReporter.fail("secret inspect", compiled.error(), kExitDockerUsage);
    format = std::move(*compiled);
  }
  auto store = open_store(options);
  if (!store) return kReporter.fail("secret inspect", store.error());
  nlohmann::json all = nlohmann::json::array();
  int status = 0;
  for (const auto& name : parsed->positional) {
    auto secret = ward::engine::find_secret(store->database(), name);
    if (!secret) {
      status = kReporter.fail("secret inspect", secret.error());
      continue;
    }
    if (!format) {
      all.push_back(secret_json(*secret));
      continue;
    }
    auto line = format->render(secret_json(*secret));
    if (!line) return kReporter.fail("secret inspect", line.error(), kExitDockerUsage);
    std::printf("%s\n", line->c_str());
  }
  if (!format) std::printf("%s\n", all.dump(4).c_str());
  return status;
}

int secret_rm(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("secret rm", "SECRET [SECRET...]", "Remove secrets.", args, {}, 1);
  if (!parsed) return kExitDockerUsage;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("secret rm", engine.error());
  int status = 0;
  for (const auto& name : parsed->positional) {
    auto removed = [&]() -> Result<> {
      auto secret = WARD_TRY(ward::engine::find_secret(engine->store().database(), name));
      std::string users = WARD_TRY(users_of(*engine, secret));
      if (!users.empty())
        return fail(ErrorKind::in_use, fmt::format("secret {} is in use by container(s): {}", secret.name, users));
      WARD_TRY(ward::engine::remove_secret(engine->store().database(), engine->store().root(), secret));
      std::printf("%s\n", secret.id.c_str());
      return {};
    }();
    if (!removed) status = kReporter.fail("secret rm", removed.error());
  }
  return status;
}

constexpr Verb<WardOptions> kSecretVerbs[] = {
    {"create", "create a secret from a file or stdin", secret_create},
    {"inspect", "show secrets' details (never their data)", secret_inspect},
    {"ls", "list secrets", secret_ls},
    {"rm", "remove secrets no container uses", secret_rm},
};

constexpr std::pair<std::string_view, std::string_view> kAliases[] = {{"list", "ls"}, {"remove", "rm"}};

}  // namespace

int cmd_secret(const WardOptions& options, const std::vector<std::string>& args) {
  return run_subcommand({"secret", "Manage secrets.", kSecretVerbs, kAliases}, options, args);
}

}  // namespace ward::cli::engine
