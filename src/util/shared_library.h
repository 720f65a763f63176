// A shared library opened on first use (dlopen) and its functions looked
// up by name, so that a program pays for loading and binding a library
// only in the commands that call it.  The library stays loaded for the
// life of the process.
#pragma once

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

}  // namespace ward
