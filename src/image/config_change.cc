// config_change.h.
#include "image/config_change.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ward::image {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// A JSON array of strings, or nullopt when `text` is not one (then it is
// the shell form, as Docker decides).
std::optional<std::vector<std::string>> json_form(std::string_view text) {
  if (!text.starts_with('[')) return std::nullopt;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return std::nullopt;
  std::vector<std::string> words;
  for (const auto& item : parsed) {
    if (!item.is_string()) return std::nullopt;
    words.push_back(item.get<std::string>());
  }
  return words;
}

std::vector<std::string> command_form(std::string_view text) {
  if (auto words = json_form(text)) return *words;
  return {"/bin/sh", "-c", std::string(text)};
}

// Words separated by blanks; double or single quotes group, a backslash
// escapes the next character (outside single quotes).
Result<std::vector<std::string>> shell_words(std::string_view text, std::string_view what) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
      word += text[++i];
    } else if ((c == '"' || c == '\'') && (quote == 0 || quote == c)) {
      quote = quote == 0 ? c : 0;
    } else {
      word += c;
    }
  }
  if (quote != 0) return fail(ErrorKind::invalid_input, fmt::format("{}: unterminated quote", what));
  if (in_word) words.push_back(std::move(word));
  return words;
}

// "A=1 B=2" or (ENV only) "KEY value with spaces".
Result<std::vector<std::pair<std::string, std::string>>> key_values(std::string_view text, std::string_view what,
                                                                    bool allow_legacy) {
  std::vector<std::pair<std::string, std::string>> pairs;
  auto first_blank = text.find_first_of(" \t");
  auto first_equals = text.find('=');
  if (allow_legacy && first_blank != std::string_view::npos &&
      (first_equals == std::string_view::npos || first_equals > first_blank)) {
    pairs.emplace_back(std::string(text.substr(0, first_blank)), std::string(trim(text.substr(first_blank))));
    return pairs;
  }
  for (const auto& word : WARD_TRY(shell_words(text, what))) {
    auto equals = word.find('=');
    if (equals == std::string::npos || equals == 0)
      return fail(ErrorKind::invalid_input, fmt::format("{}: \"{}\" is not KEY=VALUE", what, word));
    pairs.emplace_back(word.substr(0, equals), word.substr(equals + 1));
  }
  if (pairs.empty()) return fail(ErrorKind::invalid_input, fmt::format("{}: needs at least one KEY=VALUE", what));
  return pairs;
}

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  auto same_key = [&](const std::string& entry) { return entry.substr(0, entry.find('=')) == key; };
  auto found = std::find_if(env.begin(), env.end(), same_key);
  if (found != env.end())
    *found = key + "=" + value;
  else
    env.push_back(key + "=" + value);
}

Result<std::string> exposed_port(const std::string& word) {
  std::string port = word.find('/') == std::string::npos ? word + "/tcp" : word;
  auto slash = port.find('/');
  std::string number = port.substr(0, slash);
  std::string protocol = port.substr(slash + 1);
  bool digits = !number.empty() && number.size() <= 5 && std::all_of(number.begin(), number.end(), ::isdigit);
  if (!digits || std::stoi(number) > 65535 || (protocol != "tcp" && protocol != "udp" && protocol != "sctp"))
    return fail(ErrorKind::invalid_input, fmt::format("EXPOSE: \"{}\" is not PORT[/tcp|udp|sctp]", word));
  return port;
}

}  // namespace

Result<> apply_config_change(ContainerConfig& config, std::string_view change) {
  change = trim(change);
  auto blank = change.find_first_of(" \t");
  std::string name(change.substr(0, blank));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string_view argument = blank == std::string_view::npos ? std::string_view() : trim(change.substr(blank));
  std::string what = fmt::format("--change \"{}\"", change);
  if (name.empty()) return fail(ErrorKind::invalid_input, fmt::format("{}: an empty instruction", what));
  if (argument.empty() && name != "CMD" && name != "ENTRYPOINT")
    return fail(ErrorKind::invalid_input, fmt::format("{}: {} needs an argument", what, name));
  if (name == "CMD") {
    config.cmd = argument.empty() ? std::vector<std::string>{} : command_form(argument);
  } else if (name == "ENTRYPOINT") {
    config.entrypoint = argument.empty() ? std::vector<std::string>{} : command_form(argument);
  } else if (name == "ENV") {
    for (const auto& [key, value] : WARD_TRY(key_values(argument, what, true))) set_env(config.env, key, value);
  } else if (name == "LABEL") {
    for (const auto& [key, value] : WARD_TRY(key_values(argument, what, false))) config.labels[key] = value;
  } else if (name == "EXPOSE") {
    for (const auto& word : WARD_TRY(shell_words(argument, what)))
      config.exposed_ports.insert(WARD_TRY(context(exposed_port(word), "{}", what)));
  } else if (name == "VOLUME") {
    auto words = json_form(argument);
    if (!words) words = WARD_TRY(shell_words(argument, what));
    for (const auto& word : *words) {
      if (word.empty() || word.front() != '/')
        return fail(ErrorKind::invalid_input, fmt::format("{}: \"{}\" is not an absolute path", what, word));
      config.volumes.insert(word);
    }
  } else if (name == "USER") {
    config.user = std::string(argument);
  } else if (name == "WORKDIR") {
    if (argument.front() != '/')
      return fail(ErrorKind::invalid_input, fmt::format("{}: the directory must be absolute", what));
    config.working_dir = std::string(argument);
  } else if (name == "STOPSIGNAL") {
    config.stop_signal = std::string(argument);
  } else if (name == "ONBUILD") {
    config.on_build.emplace_back(argument);
  } else {
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: {} cannot be changed here (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, "
                            "USER, VOLUME, WORKDIR)",
                            what, name));
  }
  return {};
}

}  // namespace ward::image
