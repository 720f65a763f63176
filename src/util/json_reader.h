// Typed access to a parsed JSON document, where every error names the JSON
// path of the offending value:
//   "process.user.uid: expected an unsigned integer, got string"
// Used by the runtime-spec parsers (src/oci) and, next, by the image-spec
// parsers (src/image): both read untrusted JSON with the same rules.
//
// Include it only from .cc files, so nlohmann never reaches a header that
// the rest of ward sees.  Nothing here throws; parsers still catch
// nlohmann's exceptions at their entry points.
#pragma once

#include <concepts>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ward::json {

using Value = nlohmann::json;

// Integers the reader converts to, with a range check; bool and the
// character types are read by other means.
template <class T>
concept Integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>;

// Parses a whole document; a syntax error becomes "invalid JSON at line L
// column C: <nlohmann's explanation>", of kind invalid_input.
[[nodiscard]] Result<Value> parse(std::string_view text);

// How a value is described in messages: "string", "negative integer", ...
[[nodiscard]] const char* kind_name(const Value& value);

// A value in the document together with the path that names it in errors
// ("linux.namespaces[2].type").  The root node has an empty path.
class Node {
 public:
  Node(const Value& value, std::string path) : value_(&value), path_(std::move(path)) {}

  [[nodiscard]] const Value& value() const { return *value_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  // The path a member would have; for messages about absent members.
  [[nodiscard]] std::string member_path(std::string_view key) const;
  // The member `key`, or nullopt when it is absent or null: the runtime-spec
  // (like Go's encoding/json, which runc uses) treats null as "not set".
  // Call only on an object (see expect_object).
  [[nodiscard]] std::optional<Node> find(std::string_view key) const;
  // Like find, but a missing member is an error "<path>.<key>: required".
  [[nodiscard]] Result<Node> require(std::string_view key) const;
  // Array access; call only after expect_array.
  [[nodiscard]] std::size_t size() const { return value_->size(); }
  [[nodiscard]] Node element(std::size_t index) const;

  // "<path>: <message>", or just the message at the root.
  [[nodiscard]] std::unexpected<Error> error(std::string_view message) const;

  [[nodiscard]] Result<> expect_object() const;
  [[nodiscard]] Result<> expect_array() const;

  // Converts this value to T: std::string, bool, an Integer type,
  // std::vector<std::string> or std::map<std::string, std::string>.
  template <class T>
  [[nodiscard]] Result<T> as() const;

  // The required member `key` converted to T.
  template <class T>
  [[nodiscard]] Result<T> required(std::string_view key) const {
    auto member = WARD_TRY(require(key));
    return member.as<T>();
  }

  // Reads the optional member `key` into `out`; leaves `out` as it is when
  // the member is absent or null.
  template <class T>
  [[nodiscard]] Result<> read(std::string_view key, T& out) const {
    auto member = find(key);
    if (!member) return {};
    out = WARD_TRY(member->as<T>());
    return {};
  }
  template <class T>
  [[nodiscard]] Result<> read(std::string_view key, std::optional<T>& out) const {
    auto member = find(key);
    if (!member) return {};
    out = WARD_TRY(member->as<T>());
    return {};
  }

  // For each element of the optional array member `key`, appends
  // parse(element_node) (a Result<T>) to `out`.
  template <class T, class Parse>
  [[nodiscard]] Result<> read_array(std::string_view key, std::vector<T>& out, Parse&& parse) const {
    auto member = find(key);
    if (!member) return {};
    WARD_TRY(member->expect_array());
    out.reserve(out.size() + member->size());
    for (std::size_t i = 0; i < member->size(); ++i) {
      Result<T> item = parse(member->element(i));
      if (!item) return std::unexpected(std::move(item.error()));
      out.push_back(std::move(*item));
    }
    return {};
  }

 private:
  [[nodiscard]] Result<std::string> as_string() const;
  [[nodiscard]] Result<bool> as_bool() const;
  // The value as a 64-bit signed or unsigned number, range-checked against
  // the target type's limits.
  [[nodiscard]] Result<std::int64_t> as_signed(std::int64_t min, std::int64_t max) const;
  [[nodiscard]] Result<std::uint64_t> as_unsigned(std::uint64_t max) const;
  [[nodiscard]] Result<std::vector<std::string>> as_string_list() const;
  [[nodiscard]] Result<std::map<std::string, std::string>> as_string_map() const;

  const Value* value_;
  std::string path_;
};

template <class T>
Result<T> Node::as() const {
  if constexpr (std::is_same_v<T, std::string>) {
    return as_string();
  } else if constexpr (std::is_same_v<T, bool>) {
    return as_bool();
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return as_string_list();
  } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
    return as_string_map();
  } else if constexpr (Integer<T> && std::is_signed_v<T>) {
    auto number = WARD_TRY(as_signed(std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    return static_cast<T>(number);
  } else if constexpr (Integer<T>) {
    auto number = WARD_TRY(as_unsigned(std::numeric_limits<T>::max()));
    return static_cast<T>(number);
  } else {
    static_assert(sizeof(T) == 0, "json::Node::as: unsupported type");
  }
}

}  // namespace ward::json
