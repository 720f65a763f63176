// Docker's detach keys (`--detach-keys`, default "ctrl-p,ctrl-q"): a
// sequence typed on an attached stdin that leaves the container running
// and ends `ward attach`.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ward::engine {

inline constexpr std::string_view kDefaultDetachKeys = "ctrl-p,ctrl-q";

// "ctrl-p,ctrl-q" -> "\x10\x11": a comma-separated list of single
// characters and ctrl-X, X one of a-z @ [ \ ] ^ _ (Docker's rules).
[[nodiscard]] Result<std::string> parse_detach_keys(std::string_view text);

// Watches a byte stream for the sequence.  Bytes that may begin it are
// held back until it is complete (the stream is then detached, and they
// are dropped) or broken (they are passed on).
class DetachKeyMatcher {
 public:
  explicit DetachKeyMatcher(std::string keys) : keys_(std::move(keys)) {}
  // Appends what passes to `out`; true when the sequence was typed (what
  // followed it is dropped).
  bool feed(std::string_view input, std::string& out);

 private:
  std::string keys_;
  std::size_t matched_ = 0;
};

}  // namespace ward::engine
