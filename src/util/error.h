// Errors are values: a kind (what a caller may branch on), an errno (0 when
// the failure is not a system call's) and a message chain that gains context
// on the way up, printed once by the front end.
//   "mount /proc: bind /dev/null over /proc/kcore: Permission denied"
// Callers decide by kind, never by errno: the kind survives wrapping, and a
// front end maps it to its exit status (Docker's 125/126/127, see cli/core).
#pragma once

#include <cstdint>
#include <expected>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace ward {

// What went wrong, in the words a caller branches on and a user reads.
enum class ErrorKind : std::uint8_t {
  failed,             // a step failed; nothing more specific is known
  not_found,          // a named thing (container, image, file, user) does not exist
  already_exists,     // creating something whose name is taken
  in_use,             // the thing is busy or held by someone else
  wrong_state,        // not now: the container is not running, not paused, ...
  invalid_input,      // the user's input (flag, config field, file) is wrong
  permission_denied,  // the caller may not do this (EACCES, EPERM, EROFS)
  unsupported,        // this kernel, host or build cannot do it
};

// "not found", "already exists", ...: the words a message or a test uses.
[[nodiscard]] std::string_view error_kind_name(ErrorKind kind);
// The kind a system call's errno means; `failed` for the rest.
[[nodiscard]] ErrorKind error_kind_of_errno(int code);

struct Error {
  int code = 0;         // errno, or 0
  std::string message;  // outermost context first
  std::source_location where;
  ErrorKind kind = ErrorKind::failed;

  [[nodiscard]] bool is(ErrorKind wanted) const { return kind == wanted; }

  // The full line shown to a user: the chain, then strerror(code) if any.
  [[nodiscard]] std::string what() const;

  // Prepends context: "ctx: <previous message>".  The kind is kept.
  Error& wrap(std::string_view context);
  // Sets the kind where a boundary knows better than the errno, e.g. a
  // config parser's failures are all the user's input.
  Error& as(ErrorKind new_kind) {
    kind = new_kind;
    return *this;
  }
};

template <class T = void>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(
    std::string message, std::source_location where = std::source_location::current()) {
  return std::unexpected(Error{0, std::move(message), where, ErrorKind::failed});
}

// A failure of a known kind: `return fail(ErrorKind::not_found, "container \"x\"");`
[[nodiscard]] inline std::unexpected<Error> fail(ErrorKind kind, std::string message,
                                                 std::source_location where = std::source_location::current()) {
  return std::unexpected(Error{0, std::move(message), where, kind});
}

// A system call's failure; the kind follows from the errno.
[[nodiscard]] inline std::unexpected<Error> fail_errno(
    int code, std::string message, std::source_location where = std::source_location::current()) {
  return std::unexpected(Error{code, std::move(message), where, error_kind_of_errno(code)});
}

// Adds context to a failed result and passes it on: `return context(r, "load {}", path);`
template <class T, class... Args>
[[nodiscard]] Result<T> context(Result<T>&& result, fmt::format_string<Args...> format, Args&&... args) {
  if (!result) result.error().wrap(fmt::format(format, std::forward<Args>(args)...));
  return std::move(result);
}

}  // namespace ward

// Propagates a failed Result from the current function; otherwise the
// expression's value is the Result's value (moved out), so it binds:
//   auto fd = WARD_TRY(sys::open_dir(path));
//   WARD_TRY(write_state(fd));                 // Result<void>: a statement
// A GNU statement expression (GCC and Clang): the early return has to leave
// the enclosing function, which no function or lambda can do.
#define WARD_TRY(expr)                                                                  \
  ({                                                                                    \
    auto ward_try_result_ = (expr);                                                     \
    if (!ward_try_result_) return std::unexpected(std::move(ward_try_result_.error())); \
    std::move(ward_try_result_).value();                                                \
  })
