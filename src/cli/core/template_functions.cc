// The built-in functions (Go's and Docker's) and Go's way of printing a
// value.  Each function checks its arguments' types and says which is wrong;
// the evaluator adds the position and the function's name.
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "cli/core/template_ast.h"

namespace ward::cli::tmpl {
namespace {

Result<std::string> want_string(const Value& value, std::string_view what) {
  if (!value.is_string())
    return fail(ErrorKind::invalid_input, fmt::format("{}: expected string, got {}", what, type_name(value)));
  return value.get<std::string>();
}

Result<std::int64_t> want_integer(const Value& value, std::string_view what) {
  if (!value.is_number_integer())
    return fail(ErrorKind::invalid_input, fmt::format("{}: expected integer, got {}", what, type_name(value)));
  return value.get<std::int64_t>();
}

// -1, 0 or 1; numbers compare by value, strings bytewise, bools and nulls only for equality.
Result<int> compare(const Value& a, const Value& b, bool ordering) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) {
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_number_unsigned() || b.is_number_unsigned()) {
      if (a.is_number_unsigned() && b.is_number_unsigned()) {
        auto x = a.get<std::uint64_t>(), y = b.get<std::uint64_t>();
        return x < y ? -1 : (x > y ? 1 : 0);
      }
      const Value& s = a.is_number_unsigned() ? b : a;
      if (s.get<std::int64_t>() < 0) return a.is_number_unsigned() ? 1 : -1;
    }
    auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_array() || a.is_object() || b.is_array() || b.is_object())
    return fail(ErrorKind::invalid_input,
                fmt::format("non-comparable type {}", type_name(a.is_array() || a.is_object() ? a : b)));
  if (ordering) {
    if (a.type() == b.type())
      return fail(ErrorKind::invalid_input, fmt::format("invalid type for comparison: {}", type_name(a)));
  } else if (a.is_null() || b.is_null() || (a.is_boolean() && b.is_boolean())) {
    return a == b ? 0 : 1;
  }
  return fail(ErrorKind::invalid_input, "incompatible types for comparison");
}

Result<Value> compare_call(std::vector<Value>& args, bool (*accept)(int)) {
  int c = WARD_TRY(compare(args[0], args[1], true));
  return Value(accept(c));
}

Result<Value> fn_eq(std::vector<Value>& args) {  // eq a b c: a == b || a == c
  for (std::size_t i = 1; i < args.size(); ++i)
    if (WARD_TRY(compare(args[0], args[i], false)) == 0) return Value(true);
  return Value(false);
}
Result<Value> fn_ne(std::vector<Value>& args) {
  return Value(WARD_TRY(compare(args[0], args[1], false)) != 0);
}
Result<Value> fn_lt(std::vector<Value>& args) {
  return compare_call(args, [](int c) { return c < 0; });
}
Result<Value> fn_le(std::vector<Value>& args) {
  return compare_call(args, [](int c) { return c <= 0; });
}
Result<Value> fn_gt(std::vector<Value>& args) {
  return compare_call(args, [](int c) { return c > 0; });
}
Result<Value> fn_ge(std::vector<Value>& args) {
  return compare_call(args, [](int c) { return c >= 0; });
}
Result<Value> fn_not(std::vector<Value>& args) {
  return Value(!is_true(args[0]));
}
Result<Value> fn_unused(std::vector<Value>& args) {
  return args.back();
}  // and/or: the evaluator runs them

// Docker's json: Go's json.Marshal without HTML escaping.
Result<Value> fn_json(std::vector<Value>& args) {
  return Value(args[0].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<Value> fn_join(std::vector<Value>& args) {
  if (!args[0].is_array() && !args[0].is_null())
    return fail(ErrorKind::invalid_input, fmt::format("expected a list, got {}", type_name(args[0])));
  std::string sep = WARD_TRY(want_string(args[1], "separator"));
  std::string result;
  for (std::size_t i = 0; i < args[0].size(); ++i) result += (i > 0 ? sep : "") + print_value(args[0][i]);
  return Value(result);
}

Result<Value> fn_split(std::vector<Value>& args) {
  std::string text = WARD_TRY(want_string(args[0], "string"));
  std::string sep = WARD_TRY(want_string(args[1], "separator"));
  Value parts = Value::array();
  if (sep.empty()) {  // Go: one element per UTF-8 character
    for (std::size_t i = 0; i < text.size();) {
      std::size_t n = 1;
      while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
      parts.push_back(text.substr(i, n));
      i += n;
    }
    return parts;
  }
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(sep, start)) != std::string::npos; start = at + sep.size())
    parts.push_back(text.substr(start, at - start));
  parts.push_back(text.substr(start));
  return parts;
}

Result<Value> map_chars(std::vector<Value>& args, int (*change)(int)) {
  std::string text = WARD_TRY(want_string(args[0], "argument"));
  for (char& c : text) c = static_cast<char>(change(static_cast<unsigned char>(c)));
  return Value(text);
}
Result<Value> fn_lower(std::vector<Value>& args) {
  return map_chars(args, ::tolower);
}
Result<Value> fn_upper(std::vector<Value>& args) {
  return map_chars(args, ::toupper);
}

// Each word's first letter upper-cased, the rest left alone (Docker's
// cases.Title with NoLower); a word starts after anything but a letter or digit.
Result<Value> fn_title(std::vector<Value>& args) {
  std::string text = WARD_TRY(want_string(args[0], "argument"));
  bool start = true;
  for (char& c : text) {
    auto u = static_cast<unsigned char>(c);
    if (start && std::isalpha(u)) c = static_cast<char>(std::toupper(u));
    start = !(std::isalnum(u) || u == '\'' || u >= 0x80);
  }
  return Value(text);
}

// Docker's truncate: at most N characters (UTF-8 characters, not bytes).
Result<Value> fn_truncate(std::vector<Value>& args) {
  std::string text = WARD_TRY(want_string(args[0], "string"));
  std::int64_t limit = WARD_TRY(want_integer(args[1], "length"));
  std::int64_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count++ == limit) return Value(text.substr(0, i));
  }
  return Value(text);
}

// Docker's pad: L spaces before and R after; an empty string stays empty.
Result<Value> fn_pad(std::vector<Value>& args) {
  std::string text = WARD_TRY(want_string(args[0], "string"));
  std::int64_t left = WARD_TRY(want_integer(args[1], "prefix length"));
  std::int64_t right = WARD_TRY(want_integer(args[2], "suffix length"));
  if (text.empty()) return Value(text);
  if (left < 0 || right < 0) return fail(ErrorKind::invalid_input, "negative padding");
  return Value(std::string(static_cast<std::size_t>(left), ' ') + text +
               std::string(static_cast<std::size_t>(right), ' '));
}

// Go's Sprint: a space between operands when neither is a string.
Result<Value> fn_print(std::vector<Value>& args) {
  std::string result;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0 && !args[i].is_string() && !args[i - 1].is_string()) result += ' ';
    result += print_value(args[i]);
  }
  return Value(result);
}

Result<Value> fn_println(std::vector<Value>& args) {
  std::string result;
  for (std::size_t i = 0; i < args.size(); ++i) result += (i > 0 ? " " : "") + print_value(args[i]);
  return Value(result + "\n");
}

Result<Value> fn_printf(std::vector<Value>& args) {
  std::string format = WARD_TRY(want_string(args[0], "format"));
  return Value(go_sprintf(format, std::vector<Value>(args.begin() + 1, args.end())));
}

Result<Value> fn_len(std::vector<Value>& args) {
  const Value& v = args[0];
  if (v.is_string()) return Value(v.get_ref<const std::string&>().size());
  if (v.is_array() || v.is_object()) return Value(v.size());
  return fail(ErrorKind::invalid_input, fmt::format("len of type {}", type_name(v)));
}

// index X k1 k2: X[k1][k2]; a missing key of an object is null, as in a Go map.
Result<Value> fn_index(std::vector<Value>& args) {
  Value item = args[0];
  for (std::size_t i = 1; i < args.size(); ++i) {
    const Value& key = args[i];
    if (item.is_array()) {
      if (!key.is_number_integer())
        return fail(ErrorKind::invalid_input, fmt::format("cannot index slice with {}", type_name(key)));
      auto n = key.get<std::int64_t>();
      if (n < 0 || static_cast<std::size_t>(n) >= item.size())
        return fail(ErrorKind::invalid_input, fmt::format("index out of range: {}", n));
      item = Value(item[static_cast<std::size_t>(n)]);
    } else if (item.is_object()) {
      std::string name = WARD_TRY(want_string(key, "map key"));
      auto it = item.find(name);
      item = it == item.end() ? Value(nullptr) : Value(*it);
    } else if (item.is_null()) {
      return fail(ErrorKind::invalid_input, "index of untyped nil");
    } else {
      return fail(ErrorKind::invalid_input, fmt::format("can't index item of type {}", type_name(item)));
    }
  }
  return item;
}

constexpr Function functions[] = {
    {"and", 1, -1, false, fn_unused},
    {"or", 1, -1, false, fn_unused},
    {"not", 1, 1, false, fn_not},
    {"eq", 2, -1, false, fn_eq},
    {"ne", 2, 2, false, fn_ne},
    {"lt", 2, 2, false, fn_lt},
    {"le", 2, 2, false, fn_le},
    {"gt", 2, 2, false, fn_gt},
    {"ge", 2, 2, false, fn_ge},
    {"json", 1, 1, true, fn_json},
    {"join", 2, 2, true, fn_join},
    {"split", 2, 2, true, fn_split},
    {"lower", 1, 1, true, fn_lower},
    {"upper", 1, 1, true, fn_upper},
    {"title", 1, 1, true, fn_title},
    {"truncate", 2, 2, true, fn_truncate},
    {"pad", 3, 3, true, fn_pad},
    {"print", 0, -1, false, fn_print},
    {"println", 0, -1, false, fn_println},
    {"printf", 1, -1, false, fn_printf},
    {"len", 1, 1, false, fn_len},
    {"index", 1, -1, false, fn_index},
};

}  // namespace

const Function* find_function(std::string_view name) {
  for (const Function& function : functions)
    if (function.name == name) return &function;
  return nullptr;
}

}  // namespace ward::cli::tmpl
