#include "cli/oci/args.h"

namespace ward::cli {

namespace {
const FlagSpec* find_spec(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const auto& spec : specs)
    for (const auto& n : spec.names)
      if (n == name) return &spec;
  return nullptr;
}
}  // namespace

Result<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                              bool stop_at_positional) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      parsed.positional.insert(parsed.positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);
      if (stop_at_positional) {
        parsed.positional.insert(parsed.positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
        break;
      }
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      inline_value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = find_spec(specs, body);
    if (spec == nullptr) return fail(fmt::format("flag provided but not defined: -{}", body));
    const std::string& key = spec->names.front();
    if (spec->takes_value) {
      if (inline_value) {
        parsed.values[key] = *inline_value;
        parsed.repeated[key].push_back(*inline_value);
      } else {
        if (i + 1 >= args.size()) return fail(fmt::format("flag needs an argument: -{}", body));
        parsed.values[key] = args[++i];
        parsed.repeated[key].push_back(args[i]);
      }
    } else {
      std::string v = inline_value.value_or("true");
      if (v != "true" && v != "false" && v != "1" && v != "0")
        return fail(fmt::format("invalid boolean value \"{}\" for -{}", v, body));
      parsed.values[key] = (v == "true" || v == "1") ? "true" : "false";
    }
  }
  return parsed;
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
