// Errors are values: an errno (0 when the failure is not a system call's)
// plus a message chain that gains context on the way up, printed once by the
// front end.  "mount /proc: bind /dev/null over /proc/kcore: Permission denied"
#pragma once

#include <expected>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace ward {

struct Error {
  int code = 0;         // errno, or 0
  std::string message;  // outermost context first
  std::source_location where;

  // The full line shown to a user: the chain, then strerror(code) if any.
  [[nodiscard]] std::string what() const;

  // Prepends context: "ctx: <previous message>".
  Error& wrap(std::string_view context);
};

template <class T = void>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(
    std::string message, std::source_location where = std::source_location::current()) {
  return std::unexpected(Error{0, std::move(message), where});
}

[[nodiscard]] inline std::unexpected<Error> fail_errno(
    int code, std::string message, std::source_location where = std::source_location::current()) {
  return std::unexpected(Error{code, std::move(message), where});
}

// Adds context to a failed result and passes it on: `return context(r, "load {}", path);`
template <class T, class... Args>
[[nodiscard]] Result<T> context(Result<T>&& result, fmt::format_string<Args...> format, Args&&... args) {
  if (!result) result.error().wrap(fmt::format(format, std::forward<Args>(args)...));
  return std::move(result);
}

}  // namespace ward

// Propagates a failed Result from the current function, optionally with context.
#define WARD_TRY(expr)                                   \
  do {                                                   \
    if (auto ward_try_result_ = (expr); !ward_try_result_) \
      return std::unexpected(std::move(ward_try_result_.error())); \
  } while (0)
