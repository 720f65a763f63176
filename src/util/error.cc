#include "util/error.h"

#include <cstring>

namespace ward {

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
