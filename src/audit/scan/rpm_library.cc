#include "audit/scan/rpm_library.h"

#include <dlfcn.h>

#include <mutex>

#include <fmt/format.h>

namespace ward::audit::scan::rpmlib {

namespace {

constexpr const char* kLibrary = "librpm.so.9";

Functions loaded{};
Result<> load_result = fail("librpm not loaded yet");

template <class F>
bool resolve(void* library, const char* name, F& function) {
  function = reinterpret_cast<F>(::dlsym(library, name));
  return function != nullptr;
}

Result<> open_library() {
  void* library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr)
    return fail(ErrorKind::unsupported,
                fmt::format("{} (Debian's librpm9) cannot be loaded: {}", kLibrary, ::dlerror()));
  // dlsym on the handle searches librpm's own dependencies too: the log
  // functions live in librpmio.
  bool all = resolve(library, "rpmPushMacro", loaded.rpmPushMacro) &&
             resolve(library, "rpmPopMacro", loaded.rpmPopMacro) &&
             resolve(library, "rpmtsCreate", loaded.rpmtsCreate) && resolve(library, "rpmtsFree", loaded.rpmtsFree) &&
             resolve(library, "rpmtsSetRootDir", loaded.rpmtsSetRootDir) &&
             resolve(library, "rpmtsSetVSFlags", loaded.rpmtsSetVSFlags) &&
             resolve(library, "rpmtsOpenDB", loaded.rpmtsOpenDB) &&
             resolve(library, "rpmtsInitIterator", loaded.rpmtsInitIterator) &&
             resolve(library, "rpmdbNextIterator", loaded.rpmdbNextIterator) &&
             resolve(library, "rpmdbGetIteratorOffset", loaded.rpmdbGetIteratorOffset) &&
             resolve(library, "rpmdbFreeIterator", loaded.rpmdbFreeIterator) &&
             resolve(library, "headerExport", loaded.headerExport) &&
             resolve(library, "rpmlogSetCallback", loaded.rpmlogSetCallback) &&
             resolve(library, "rpmlogRecMessage", loaded.rpmlogRecMessage) &&
             resolve(library, "rpmlogRecPriority", loaded.rpmlogRecPriority);
  if (!all) return fail(ErrorKind::unsupported, fmt::format("{}: a function is missing: {}", kLibrary, ::dlerror()));
  return {};
}

}  // namespace

Result<> load() {
  static std::once_flag once;
  std::call_once(once, [] { load_result = open_library(); });
  return load_result;
}

const Functions& functions() {
  return loaded;
}

}  // namespace ward::audit::scan::rpmlib
