#include "engine/detach_keys.h"

#include <cctype>
#include <optional>

#include <fmt/format.h>

namespace ward::engine {

namespace {

std::optional<char> control_key(char key) {
  if (key >= 'a' && key <= 'z') return static_cast<char>(key - 'a' + 1);
  switch (key) {
    case '@': return '\0';
    case '[': return '\x1b';
    case '\\': return '\x1c';
    case ']': return '\x1d';
    case '^': return '\x1e';
    case '_': return '\x1f';
    default: return std::nullopt;
  }
}

}  // namespace

Result<std::string> parse_detach_keys(std::string_view text) {
  std::string keys;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    std::string lower(item);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::optional<char> control;
    if (lower.size() == 6 && lower.starts_with("ctrl-")) control = control_key(lower[5]);
    if (item.size() == 1) {
      keys.push_back(item[0]);
    } else if (control) {
      keys.push_back(*control);
    } else {
      return fail(ErrorKind::invalid_input,
                  fmt::format("--detach-keys: invalid key \"{}\" in \"{}\" (a character or ctrl-X)", item, text));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return keys;
}

bool DetachKeyMatcher::feed(std::string_view input, std::string& out) {
  for (char c : input) {
    if (keys_.empty()) {
      out.push_back(c);
      continue;
    }
    if (c == keys_[matched_]) {
      if (++matched_ == keys_.size()) return true;
      continue;
    }
    // Broken: what was held back passes, and this byte may start anew.
    out.append(keys_, 0, matched_);
    matched_ = 0;
    if (c == keys_[0]) {
      matched_ = 1;
      if (matched_ == keys_.size()) return true;
    } else {
      out.push_back(c);
    }
  }
  return false;
}

}  // namespace ward::engine
