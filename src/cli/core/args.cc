#include "cli/core/args.h"

#include <string_view>

namespace ward::cli {

namespace {
const FlagSpec* find_spec(const std::vector<FlagSpec>& specs, std::string_view name) {
  for (const auto& spec : specs)
    for (const auto& n : spec.names)
      if (n == name) return &spec;
  return nullptr;
}

void add_value(ParsedArgs& parsed, const FlagSpec& spec, std::string value) {
  const std::string& key = spec.names.front();
  parsed.values[key] = value;
  parsed.repeated[key].push_back(std::move(value));
}

Result<> set_boolean(ParsedArgs& parsed, const FlagSpec& spec, std::string_view shown, std::string_view value) {
  if (value != "true" && value != "false" && value != "1" && value != "0")
    return fail(ErrorKind::invalid_input, fmt::format("invalid boolean value \"{}\" for {}", value, shown));
  parsed.values[spec.names.front()] = (value == "true" || value == "1") ? "true" : "false";
  return {};
}

// Everything from args[from] on is positional.
void take_rest(ParsedArgs& parsed, const std::vector<std::string>& args, size_t from) {
  parsed.positional.insert(parsed.positional.end(), args.begin() + static_cast<long>(from), args.end());
}

// "-abc", "-p80:80", "-e=X": letters, until one that takes a value gets the
// rest of the word (or the next argument).  Returns the index last used.
Result<size_t> parse_short_group(ParsedArgs& parsed, const std::vector<std::string>& args, size_t i,
                                 const std::vector<FlagSpec>& specs) {
  std::string_view group = std::string_view(args[i]).substr(1);
  for (size_t at = 0; at < group.size(); ++at) {
    std::string_view letter = group.substr(at, 1);
    const FlagSpec* spec = find_spec(specs, letter);
    if (spec == nullptr || letter == "=")
      return fail(ErrorKind::invalid_input, fmt::format("unknown shorthand flag: '{}' in {}", letter, args[i]));
    std::string_view rest = group.substr(at + 1);
    if (spec->takes_value) {
      if (rest.starts_with('=')) rest.remove_prefix(1);
      if (!rest.empty()) {
        add_value(parsed, *spec, std::string(rest));
        return i;
      }
      if (i + 1 >= args.size())
        return fail(ErrorKind::invalid_input, fmt::format("flag needs an argument: '{}' in -{}", letter, letter));
      add_value(parsed, *spec, args[i + 1]);
      return i + 1;
    }
    if (rest.starts_with('=')) {
      WARD_TRY(set_boolean(parsed, *spec, fmt::format("-{}", letter), rest.substr(1)));
      return i;
    }
    WARD_TRY(set_boolean(parsed, *spec, letter, "true"));
  }
  return i;
}

// "--name", "--name=value", "--name value" (and runc's "-name" forms):
// `prefix` dashes are skipped, messages show the name after `dashes`, and
// `unknown` is the message for a name no spec has.  Returns the index last used.
Result<size_t> parse_named(ParsedArgs& parsed, const std::vector<std::string>& args, size_t i,
                           const std::vector<FlagSpec>& specs, size_t prefix, std::string_view dashes,
                           std::string_view unknown) {
  std::string_view body = std::string_view(args[i]).substr(prefix);
  std::optional<std::string_view> inline_value;
  if (size_t eq = body.find('='); eq != std::string_view::npos) {
    inline_value = body.substr(eq + 1);
    body = body.substr(0, eq);
  }
  const FlagSpec* spec = find_spec(specs, body);
  if (spec == nullptr) return fail(ErrorKind::invalid_input, fmt::format("{}: {}{}", unknown, dashes, body));
  std::string shown = fmt::format("{}{}", dashes, body);
  if (!spec->takes_value) {
    WARD_TRY(set_boolean(parsed, *spec, shown, inline_value.value_or("true")));
    return i;
  }
  if (inline_value) {
    add_value(parsed, *spec, std::string(*inline_value));
    return i;
  }
  if (i + 1 >= args.size()) return fail(ErrorKind::invalid_input, fmt::format("flag needs an argument: {}", shown));
  add_value(parsed, *spec, args[i + 1]);
  return i + 1;
}

enum class Style { runc, docker };

// One flag (or group of letters) at args[i]; returns the index last used.
Result<size_t> parse_flag(ParsedArgs& parsed, const std::vector<std::string>& args, size_t i,
                          const std::vector<FlagSpec>& specs, Style style) {
  const std::string& arg = args[i];
  if (style == Style::runc) {
    // runc names a flag with one dash in its messages, however it was written.
    return parse_named(parsed, args, i, specs, arg[1] == '-' ? 2 : 1, "-", "flag provided but not defined");
  }
  if (arg[1] != '-') return parse_short_group(parsed, args, i, specs);
  std::string_view name = std::string_view(arg).substr(2);
  name = name.substr(0, name.find('='));
  // A letter is a shorthand, never a long name: "--i" is not "-i".
  if (name.size() < 2) return fail(ErrorKind::invalid_input, fmt::format("unknown flag: --{}", name));
  return parse_named(parsed, args, i, specs, 2, "--", "unknown flag");
}

Result<ParsedArgs> parse(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                         bool stop_at_positional, Style style) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      take_rest(parsed, args, i + 1);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (stop_at_positional) {
        take_rest(parsed, args, i);
        break;
      }
      parsed.positional.push_back(arg);
      continue;
    }
    i = WARD_TRY(parse_flag(parsed, args, i, specs, style));
  }
  return parsed;
}

}  // namespace

Result<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                              bool stop_at_positional) {
  return parse(args, specs, stop_at_positional, Style::runc);
}

Result<ParsedArgs> parse_docker_args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                                     bool stop_at_positional) {
  return parse(args, specs, stop_at_positional, Style::docker);
}

std::string flags_help(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& spec : specs) {
    std::string names;
    for (const auto& n : spec.names) {
      if (!names.empty()) names += ", ";
      names += (n.size() == 1 ? "-" : "--") + n;
    }
    if (spec.takes_value) names += " value";
    out += fmt::format("   {:<32} {}\n", names, spec.help);
  }
  return out;
}

}  // namespace ward::cli
