// How Go prints values: fmt's %v for the JSON kinds a template sees, and the
// part of fmt.Sprintf that format strings in scripts use.
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "cli/core/template_ast.h"

namespace ward::cli::tmpl {
namespace {

// %v of a float64: integral values below 1e21 without a fraction, the rest
// in the shortest form that reads back ("1.5", "1e+21", "1e-05").
std::string print_float(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e21)
    return fmt::format("{:.0f}", value);
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

struct Spec {
  bool minus = false, plus = false, zero = false, space = false;
  int width = -1, precision = -1;
};

std::string pad(std::string text, const Spec& spec, bool numeric) {
  auto width = static_cast<std::size_t>(spec.width < 0 ? 0 : spec.width);
  std::size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars >= width) return text;
  std::size_t fill = width - chars;
  if (spec.minus) return text + std::string(fill, ' ');
  if (spec.zero && numeric) {
    std::size_t sign = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    return text.substr(0, sign) + std::string(fill, '0') + text.substr(sign);
  }
  return std::string(fill, ' ') + text;
}

std::string bad_verb(char verb, const Value& value) {
  return fmt::format("%!{}({}={})", verb, type_name(value), print_value(value));
}

std::string format_one(char verb, const Spec& spec, const Value& value) {
  switch (verb) {
    case 'v':
    case 's': {
      if (verb == 's' && (value.is_number() || value.is_boolean())) return bad_verb(verb, value);
      std::string text = print_value(value);
      if (spec.precision >= 0 && value.is_string()) {
        std::size_t i = 0;
        for (int n = 0; i < text.size(); ++i)
          if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && n++ == spec.precision) break;
        text.resize(i);
      }
      return pad(text, spec, false);
    }
    case 'd':
    case 'x': {
      if (!value.is_number_integer()) return bad_verb(verb, value);
      std::string digits;
      if (value.is_number_unsigned())
        digits = verb == 'd' ? fmt::format("{}", value.get<std::uint64_t>())
                             : fmt::format("{:x}", value.get<std::uint64_t>());
      else
        digits =
            verb == 'd' ? fmt::format("{}", value.get<std::int64_t>()) : fmt::format("{:x}", value.get<std::int64_t>());
      if (spec.plus && digits[0] != '-')
        digits = "+" + digits;
      else if (spec.space && digits[0] != '-')
        digits = " " + digits;
      return pad(digits, spec, true);
    }
    case 'f': {
      if (!value.is_number()) return bad_verb(verb, value);
      std::string digits = fmt::format("{:.{}f}", value.get<double>(), spec.precision < 0 ? 6 : spec.precision);
      if (spec.plus && digits[0] != '-') digits = "+" + digits;
      return pad(digits, spec, true);
    }
    case 'q':
      if (!value.is_string()) return bad_verb(verb, value);
      return pad(go_quote(value.get_ref<const std::string&>()), spec, false);
    case 't':
      if (!value.is_boolean()) return bad_verb(verb, value);
      return pad(print_value(value), spec, false);
    default: return bad_verb(verb, value);
  }
}

}  // namespace

std::string print_value(const Value& value) {
  switch (value.type()) {
    case Value::value_t::string: return value.get<std::string>();
    case Value::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case Value::value_t::number_integer: return fmt::format("{}", value.get<std::int64_t>());
    case Value::value_t::number_unsigned: return fmt::format("{}", value.get<std::uint64_t>());
    case Value::value_t::number_float: return print_float(value.get<double>());
    case Value::value_t::array: {
      std::string text = "[";
      for (std::size_t i = 0; i < value.size(); ++i) text += (i > 0 ? " " : "") + print_value(value[i]);
      return text + "]";
    }
    case Value::value_t::object: {  // keys sorted, as Go's fmt prints a map
      std::string text = "map[";
      bool first = true;
      for (const auto& [key, element] : value.items()) {
        text += (first ? "" : " ") + key + ":" + print_value(element);
        first = false;
      }
      return text + "]";
    }
    default: return "<nil>";
  }
}

std::string print_action_value(const Value& value) {
  return value.is_null() ? "<no value>" : print_value(value);
}

bool is_true(const Value& value) {
  switch (value.type()) {
    case Value::value_t::boolean: return value.get<bool>();
    case Value::value_t::number_integer: return value.get<std::int64_t>() != 0;
    case Value::value_t::number_unsigned: return value.get<std::uint64_t>() != 0;
    case Value::value_t::number_float: return value.get<double>() != 0;
    case Value::value_t::string: return !value.get_ref<const std::string&>().empty();
    case Value::value_t::array:
    case Value::value_t::object: return !value.empty();
    default: return false;
  }
}

std::string type_name(const Value& value) {
  switch (value.type()) {
    case Value::value_t::string: return "string";
    case Value::value_t::boolean: return "bool";
    case Value::value_t::number_integer: return "int";
    case Value::value_t::number_unsigned: return "uint";
    case Value::value_t::number_float: return "float64";
    case Value::value_t::array: return "[]interface {}";
    case Value::value_t::object: return "map[string]interface {}";
    default: return "<nil>";
  }
}

std::string go_quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\n': quoted += "\\n"; break;
      case '\t': quoted += "\\t"; break;
      case '\r': quoted += "\\r"; break;
      case '\a': quoted += "\\a"; break;
      case '\b': quoted += "\\b"; break;
      case '\f': quoted += "\\f"; break;
      case '\v': quoted += "\\v"; break;
      default: quoted += (u < 0x20 || u == 0x7f) ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }
  }
  return quoted + "\"";
}

std::string go_sprintf(std::string_view format, const std::vector<Value>& args) {
  std::string out;
  std::size_t next_arg = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    Spec spec;
    ++i;
    for (; i < format.size(); ++i) {
      char f = format[i];
      if (f == '-')
        spec.minus = true;
      else if (f == '+')
        spec.plus = true;
      else if (f == '0')
        spec.zero = true;
      else if (f == ' ')
        spec.space = true;
      else
        break;
    }
    for (; i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])); ++i)
      spec.width = (spec.width < 0 ? 0 : spec.width * 10) + (format[i] - '0');
    if (i < format.size() && format[i] == '.') {
      spec.precision = 0;
      for (++i; i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])); ++i)
        spec.precision = spec.precision * 10 + (format[i] - '0');
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char verb = format[i];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next_arg >= args.size()) {
      out += fmt::format("%!{}(MISSING)", verb);
      continue;
    }
    out += format_one(verb, spec, args[next_arg++]);
  }
  if (next_arg < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t i = next_arg; i < args.size(); ++i)
      out += (i > next_arg ? ", " : "") + type_name(args[i]) + "=" + print_value(args[i]);
    out += ")";
  }
  return out;
}

}  // namespace ward::cli::tmpl
