// A shared library opened on first use (dlopen) and its functions looked
// up by name, so that a program pays for loading and binding a library
// only in the commands that call it.  The library stays loaded for the
// life of the process.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ward {

class SharedLibrary {
 public:
  // dlopen(file, RTLD_NOW | RTLD_LOCAL); unsupported, naming `file` and
  // what it is for, when it cannot be loaded.
  [[nodiscard]] static Result<SharedLibrary> open(const char* file, std::string_view purpose);

  // Looks `name` up (in the library and its dependencies) into `function`;
  // unsupported, naming both, when it is missing.
  template <class Function>
  [[nodiscard]] Result<> resolve(const char* name, Function& function) const {
    function = reinterpret_cast<Function>(symbol(name));
    if (function == nullptr) return missing(name);
    return {};
  }

 private:
  SharedLibrary(void* handle, std::string file) : handle_(handle), file_(std::move(file)) {}
  [[nodiscard]] void* symbol(const char* name) const;
  [[nodiscard]] Result<> missing(const char* name) const;
  void* handle_;
  std::string file_;
};

// A library's table of functions, filled once by `resolve` on the first
// load() (from any thread); every later load() returns the same outcome.
template <class Functions>
class LazyFunctions {
 public:
  using Resolver = Result<> (*)(Functions&);
  explicit LazyFunctions(Resolver resolve) : resolve_(resolve) {}

  [[nodiscard]] Result<> load() {
    std::call_once(once_, [this] { result_ = resolve_(functions_); });
    return result_;
  }
  // Valid after a successful load().
  [[nodiscard]] const Functions& functions() const { return functions_; }

 private:
  Resolver resolve_;
  std::once_flag once_;
  Result<> result_;
  Functions functions_{};
};

}  // namespace ward
