// --secret NAME[,target=PATH][,type=mount][,uid=N][,gid=N][,mode=0NNN]:
// Podman's flag; the secret's file is bound read-only at
// /run/secrets/NAME (or the target).  type=env is refused: a secret is
// never put in the environment.
#include <charconv>

#include <fmt/format.h>

#include "cli/ward/run_flags_internal.h"

namespace ward::cli::engine {

namespace {

Result<std::uint32_t> number_option(const std::string& text, const std::string& key, const std::string& value,
                                    int base) {
  std::uint32_t number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number, base);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size())
    return fail(ErrorKind::invalid_input, fmt::format("--secret {}: {}={} is not a number", text, key, value));
  return number;
}

Result<ward::engine::SecretMount> parse_secret(const std::string& text) {
  ward::engine::SecretMount mount;
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string field = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (first) {
      mount.name = field;
      first = false;
      continue;
    }
    auto eq = field.find('=');
    if (eq == std::string::npos)
      return fail(ErrorKind::invalid_input, fmt::format("--secret {}: option \"{}\" is not KEY=VALUE", text, field));
    std::string key = field.substr(0, eq), value = field.substr(eq + 1);
    if (key == "target") {
      mount.target = value;
    } else if (key == "type") {
      if (value != "mount")
        return fail(ErrorKind::unsupported,
                    fmt::format("--secret {}: type={} is not supported: a secret is only ever a file", text, value));
    } else if (key == "uid") {
      mount.uid = WARD_TRY(number_option(text, key, value, 10));
    } else if (key == "gid") {
      mount.gid = WARD_TRY(number_option(text, key, value, 10));
    } else if (key == "mode") {
      mount.mode = WARD_TRY(number_option(text, key, value, 8));
      if (mount.mode > 0777)
        return fail(ErrorKind::invalid_input, fmt::format("--secret {}: mode={} is not a file mode", text, value));
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("--secret {}: unknown option \"{}\"", text, key));
    }
  }
  if (mount.name.empty()) return fail(ErrorKind::invalid_input, fmt::format("--secret {}: no secret named", text));
  if (mount.target.empty()) mount.target = mount.name;
  if (!mount.target.starts_with('/')) mount.target = "/run/secrets/" + mount.target;
  if (mount.target.find("/../") != std::string::npos || mount.target.ends_with("/.."))
    return fail(ErrorKind::invalid_input, fmt::format("--secret {}: the target may not contain \"..\"", text));
  return mount;
}

}  // namespace

Result<> apply_secret_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec) {
  for (const auto& text : flag_values(parsed, "secret")) spec.secrets.push_back(WARD_TRY(parse_secret(text)));
  return {};
}

}  // namespace ward::cli::engine
