#include "util/json_reader.h"

#include <algorithm>

namespace ward::json {

Result<Value> parse(std::string_view text) {
  try {
    return Value::parse(text.data(), text.data() + text.size());
  } catch (const Value::parse_error& error) {
    // error.byte counts the characters read, so the offending one is the last.
    std::size_t line = 1, column = 1;
    std::size_t end = std::min<std::size_t>(error.byte, text.size() + 1);
    for (std::size_t i = 0; i + 1 < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    // what() is "[json.exception.parse_error.101] parse error at line 1,
    // column 2: syntax error while ..."; keep only the explanation.
    std::string_view what = error.what();
    std::size_t explanation = what.find(": ", what.find("parse error"));
    if (explanation != std::string_view::npos) what.remove_prefix(explanation + 2);
    return fail(ErrorKind::invalid_input, fmt::format("invalid JSON at line {} column {}: {}", line, column, what));
  } catch (const Value::exception& error) {
    // The lexer reports a number too large for a double as out_of_range.406
    // ("number overflow parsing '2e2222'"), not as a parse_error.
    std::string_view what = error.what();
    std::size_t explanation = what.find("] ");
    if (explanation != std::string_view::npos) what.remove_prefix(explanation + 2);
    return fail(ErrorKind::invalid_input, fmt::format("invalid JSON: {}", what));
  }
}

const char* kind_name(const Value& value) {
  switch (value.type()) {
    case Value::value_t::null: return "null";
    case Value::value_t::boolean: return "boolean";
    case Value::value_t::number_integer:
      return *value.get_ptr<const Value::number_integer_t*>() < 0 ? "negative integer" : "integer";
    case Value::value_t::number_unsigned: return "integer";
    case Value::value_t::number_float: return "floating-point number";
    case Value::value_t::string: return "string";
    case Value::value_t::array: return "array";
    case Value::value_t::object: return "object";
    case Value::value_t::binary:
    case Value::value_t::discarded: break;
  }
  return "invalid value";
}

std::string Node::member_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return fmt::format("{}.{}", path_, key);
}

std::optional<Node> Node::find(std::string_view key) const {
  if (!value_->is_object()) return std::nullopt;
  auto it = value_->find(std::string(key));
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return Node(*it, member_path(key));
}

Result<Node> Node::require(std::string_view key) const {
  auto member = find(key);
  if (!member) return fail(fmt::format("{}: required", member_path(key)));
  return *member;
}

Node Node::element(std::size_t index) const {
  return Node((*value_)[index], fmt::format("{}[{}]", path_, index));
}

std::unexpected<Error> Node::error(std::string_view message) const {
  if (path_.empty()) return fail(std::string(message));
  return fail(fmt::format("{}: {}", path_, message));
}

Result<> Node::expect_object() const {
  if (!value_->is_object()) return error(fmt::format("expected an object, got {}", kind_name(*value_)));
  return {};
}

Result<> Node::expect_array() const {
  if (!value_->is_array()) return error(fmt::format("expected an array, got {}", kind_name(*value_)));
  return {};
}

Result<std::string> Node::as_string() const {
  const auto* text = value_->get_ptr<const Value::string_t*>();
  if (text == nullptr) return error(fmt::format("expected a string, got {}", kind_name(*value_)));
  // Every string ward reads ends up as a C string (a path, an argument, a
  // file's content); an embedded NUL would silently cut it short.
  if (text->find('\0') != std::string::npos) return error("must not contain a NUL character");
  return *text;
}

Result<bool> Node::as_bool() const {
  const auto* flag = value_->get_ptr<const Value::boolean_t*>();
  if (flag == nullptr) return error(fmt::format("expected a boolean, got {}", kind_name(*value_)));
  return *flag;
}

Result<std::int64_t> Node::as_signed(std::int64_t min, std::int64_t max) const {
  std::int64_t number = 0;
  // The unsigned case first: nlohmann's get_ptr<number_integer_t> also
  // answers for an unsigned value and reinterprets its bits, so
  // 18446744073709551615 would read as -1 (found by fuzz/json_reader_fuzz).
  if (const auto* large = value_->get_ptr<const Value::number_unsigned_t*>()) {
    if (*large > static_cast<std::uint64_t>(max))
      return error(fmt::format("{} is out of range ({} to {})", *large, min, max));
    number = static_cast<std::int64_t>(*large);
  } else if (const auto* negative_or_small = value_->get_ptr<const Value::number_integer_t*>()) {
    number = *negative_or_small;
  } else {
    return error(fmt::format("expected an integer, got {}", kind_name(*value_)));
  }
  if (number < min || number > max) return error(fmt::format("{} is out of range ({} to {})", number, min, max));
  return number;
}

Result<std::uint64_t> Node::as_unsigned(std::uint64_t max) const {
  std::uint64_t number = 0;
  if (const auto* large = value_->get_ptr<const Value::number_unsigned_t*>()) {
    number = *large;
  } else if (const auto* signed_number = value_->get_ptr<const Value::number_integer_t*>();
             signed_number != nullptr && *signed_number >= 0) {
    number = static_cast<std::uint64_t>(*signed_number);
  } else {
    return error(fmt::format("expected an unsigned integer, got {}", kind_name(*value_)));
  }
  if (number > max) return error(fmt::format("{} is out of range (0 to {})", number, max));
  return number;
}

Result<std::vector<std::string>> Node::as_string_list() const {
  WARD_TRY(expect_array());
  std::vector<std::string> list;
  list.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) {
    auto text = WARD_TRY(element(i).as_string());
    list.push_back(std::move(text));
  }
  return list;
}

Result<std::map<std::string, std::string>> Node::as_string_map() const {
  WARD_TRY(expect_object());
  std::map<std::string, std::string> map;
  for (const auto& [key, member] : value_->items()) {
    Node entry(member, fmt::format("{}[\"{}\"]", path_, key));
    if (key.find('\0') != std::string::npos) return entry.error("key must not contain a NUL character");
    auto text = WARD_TRY(entry.as_string());
    map.emplace(key, std::move(text));
  }
  return map;
}

}  // namespace ward::json
