#include "util/error.h"

#include <cerrno>
#include <cstring>

namespace ward {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::failed: return "failed";
    case ErrorKind::not_found: return "not found";
    case ErrorKind::already_exists: return "already exists";
    case ErrorKind::in_use: return "in use";
    case ErrorKind::wrong_state: return "wrong state";
    case ErrorKind::invalid_input: return "invalid input";
    case ErrorKind::permission_denied: return "permission denied";
    case ErrorKind::unsupported: return "not supported";
  }
  return "failed";
}

ErrorKind error_kind_of_errno(int code) {
  switch (code) {
    case ENOENT:
    case ESRCH:
    case ENODEV:
    case ENXIO: return ErrorKind::not_found;
    case EEXIST: return ErrorKind::already_exists;
    case EBUSY:
    case ENOTEMPTY:
    case ETXTBSY:
    case EWOULDBLOCK: return ErrorKind::in_use;
    case EINVAL:
    case ENAMETOOLONG:
    case ELOOP:
    case ENOTDIR:
    case EISDIR: return ErrorKind::invalid_input;
    case EACCES:
    case EPERM:
    case EROFS: return ErrorKind::permission_denied;
    case ENOSYS:
    case EOPNOTSUPP:
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT: return ErrorKind::unsupported;
    default: return ErrorKind::failed;
  }
}

std::string Error::what() const {
  if (code == 0) return message;
  if (message.empty()) return std::strerror(code);
  return message + ": " + std::strerror(code);
}

Error& Error::wrap(std::string_view context) {
  if (message.empty()) {
    message = std::string(context);
  } else {
    std::string wrapped;
    wrapped.reserve(context.size() + 2 + message.size());
    wrapped.append(context).append(": ").append(message);
    message = std::move(wrapped);
  }
  return *this;
}

}  // namespace ward
