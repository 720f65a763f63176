#include "image/curl_library.h"

#include <dlfcn.h>

#include <mutex>

#include <fmt/format.h>

namespace ward::image::curl {

namespace {

constexpr const char* kLibrary = "libcurl.so.4";

Functions loaded{};
Result<> load_result = fail("libcurl not loaded yet");

template <class F>
bool resolve(void* library, const char* name, F& function) {
  function = reinterpret_cast<F>(::dlsym(library, name));
  return function != nullptr;
}

Result<> open_library() {
  void* library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr)
    return fail(ErrorKind::unsupported,
                fmt::format("{} (libcurl, for registries and the Docker API): {}", kLibrary, ::dlerror()));
  bool all = resolve(library, "curl_global_init", loaded.global_init) &&
             resolve(library, "curl_easy_init", loaded.easy_init) &&
             resolve(library, "curl_easy_setopt", loaded.easy_setopt) &&
             resolve(library, "curl_easy_perform", loaded.easy_perform) &&
             resolve(library, "curl_easy_getinfo", loaded.easy_getinfo) &&
             resolve(library, "curl_easy_cleanup", loaded.easy_cleanup) &&
             resolve(library, "curl_easy_strerror", loaded.easy_strerror) &&
             resolve(library, "curl_slist_append", loaded.slist_append) &&
             resolve(library, "curl_slist_free_all", loaded.slist_free_all);
  if (!all) return fail(ErrorKind::unsupported, fmt::format("{}: a function is missing: {}", kLibrary, ::dlerror()));
  if (CURLcode code = loaded.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
    return fail(fmt::format("curl_global_init: {}", loaded.easy_strerror(code)));
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

}  // namespace ward::image::curl
