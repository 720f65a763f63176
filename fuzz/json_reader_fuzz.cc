// The JSON reader (src/util/json_reader.*) under every parser of config.json,
// process.json and `update --resources`.  Properties, for any bytes:
//   - parsing never crashes or throws past nlohmann's parse_error;
//   - serializing a parsed document and parsing it again gives the same
//     document: parse(serialize(parse(x))) == parse(x);
//   - every typed read agrees with the value: a string is accepted exactly
//     when it is a string without NUL, an integer exactly when it is an
//     integer within the target type's range, and the result is the value;
//     a refusal names the value's path.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "util/json_reader.h"

namespace {

using ward::json::Node;
using ward::json::Value;

// An error must name the node it is about (the root has no path).
template <class T>
void check_refusal(const Node& node, const ward::Result<T>& result) {
  if (result || node.path().empty()) return;
  std::string message = result.error().what();
  WARD_FUZZ_CHECK(message.find(node.path()) != std::string::npos, "error \"%s\" does not name \"%s\"", message.c_str(),
                  node.path().c_str());
}

template <class T>
void check_integer(const Node& node) {
  const Value& value = node.value();
  auto read = node.as<T>();
  check_refusal(node, read);
  bool in_range = false;
  if (value.is_number_unsigned()) {
    in_range = value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  } else if (value.is_number_integer()) {
    auto number = value.get<std::int64_t>();
    in_range = std::numeric_limits<T>::is_signed
                   ? number >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                         number <= static_cast<std::int64_t>(std::numeric_limits<T>::max())
                   : number >= 0 && static_cast<std::uint64_t>(number) <=
                                        static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  }
  WARD_FUZZ_CHECK(read.has_value() == in_range, "%s: %s %zu-byte integer read %s %s", node.path().c_str(),
                  std::numeric_limits<T>::is_signed ? "signed" : "unsigned", sizeof(T),
                  read ? "accepted out of range" : "refused in range", value.dump().c_str());
  if (read) WARD_FUZZ_CHECK(Value(*read) == value, "%s: integer read changed the value", node.path().c_str());
}

bool is_clean_string(const Value& value) {
  return value.is_string() && value.get_ref<const std::string&>().find('\0') == std::string::npos;
}

void check_node(const Node& node, int depth) {
  const Value& value = node.value();

  auto text = node.as<std::string>();
  check_refusal(node, text);
  WARD_FUZZ_CHECK(text.has_value() == is_clean_string(value), "%s: string read", node.path().c_str());
  if (text) WARD_FUZZ_CHECK(*text == value.get_ref<const std::string&>(), "%s: string changed", node.path().c_str());

  auto flag = node.as<bool>();
  WARD_FUZZ_CHECK(flag.has_value() == value.is_boolean(), "%s: boolean read", node.path().c_str());
  if (flag) WARD_FUZZ_CHECK(*flag == value.get<bool>(), "%s: boolean changed", node.path().c_str());

  check_integer<std::int8_t>(node);
  check_integer<std::uint16_t>(node);
  check_integer<std::int32_t>(node);
  check_integer<std::uint32_t>(node);
  check_integer<std::int64_t>(node);
  check_integer<std::uint64_t>(node);

  auto list = node.as<std::vector<std::string>>();
  check_refusal(node, list);
  if (list) {
    WARD_FUZZ_CHECK(value.is_array() && list->size() == value.size(), "%s: list read", node.path().c_str());
    for (std::size_t i = 0; i < list->size(); ++i)
      WARD_FUZZ_CHECK(is_clean_string(value[i]) && (*list)[i] == value[i].get_ref<const std::string&>(),
                      "%s: list element %zu", node.path().c_str(), i);
  } else if (value.is_array()) {
    bool all_clean = true;
    for (const Value& element : value) all_clean = all_clean && is_clean_string(element);
    WARD_FUZZ_CHECK(!all_clean, "%s: list of strings refused", node.path().c_str());
  }

  auto map = node.as<std::map<std::string, std::string>>();
  check_refusal(node, map);
  if (map) {
    WARD_FUZZ_CHECK(value.is_object() && map->size() == value.size(), "%s: map read", node.path().c_str());
    for (const auto& [key, member] : *map) {
      WARD_FUZZ_CHECK(key.find('\0') == std::string::npos, "%s: map key with NUL", node.path().c_str());
      WARD_FUZZ_CHECK(value.contains(key) && value[key] == member, "%s: map entry changed", node.path().c_str());
    }
  }

  WARD_FUZZ_CHECK(node.expect_object().has_value() == value.is_object(), "%s: object", node.path().c_str());
  WARD_FUZZ_CHECK(node.expect_array().has_value() == value.is_array(), "%s: array", node.path().c_str());

  // The children, as the config parsers reach them; deep documents are
  // checked to a depth that keeps each run fast.
  if (depth > 8) return;
  if (value.is_array()) {
    for (std::size_t i = 0; i < node.size() && i < 16; ++i) check_node(node.element(i), depth + 1);
  } else if (value.is_object()) {
    std::size_t visited = 0;
    for (const auto& [key, member] : value.items()) {
      if (++visited > 16) break;
      auto found = node.find(key);
      WARD_FUZZ_CHECK(found.has_value() == !member.is_null(), "find(\"%s\")", key.c_str());
      if (found) check_node(*found, depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Value document = Value::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;

  std::string serialized = document.dump();
  Value again = Value::parse(serialized, nullptr, false);
  WARD_FUZZ_CHECK(!again.is_discarded() && again == document, "round trip changed the document: %s",
                  serialized.c_str());

  check_node(Node(document, ""), 0);
  return 0;
}
