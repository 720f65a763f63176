#include "util/shared_library.h"

#include <dlfcn.h>

#include <fmt/format.h>

namespace ward {

Result<SharedLibrary> SharedLibrary::open(const char* file, std::string_view purpose) {
  void* handle = ::dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    return fail(ErrorKind::unsupported, fmt::format("{} ({}) cannot be loaded: {}", file, purpose, ::dlerror()));
  return SharedLibrary(handle, file);
}

void* SharedLibrary::symbol(const char* name) const {
  return ::dlsym(handle_, name);
}

Result<> SharedLibrary::missing(const char* name) const {
  return fail(ErrorKind::unsupported, fmt::format("{}: the function {} is missing", file_, name));
}

}  // namespace ward
