#include "image/curl_library.h"

#include <fmt/format.h>

#include "util/shared_library.h"

namespace ward::image::curl {

namespace {

Result<> resolve_functions(Functions& loaded) {
  auto library = WARD_TRY(SharedLibrary::open("libcurl.so.4", "libcurl, for registries and the Docker API"));
  WARD_TRY(library.resolve("curl_global_init", loaded.global_init));
  WARD_TRY(library.resolve("curl_easy_init", loaded.easy_init));
  WARD_TRY(library.resolve("curl_easy_setopt", loaded.easy_setopt));
  WARD_TRY(library.resolve("curl_easy_perform", loaded.easy_perform));
  WARD_TRY(library.resolve("curl_easy_getinfo", loaded.easy_getinfo));
  WARD_TRY(library.resolve("curl_easy_cleanup", loaded.easy_cleanup));
  WARD_TRY(library.resolve("curl_easy_strerror", loaded.easy_strerror));
  WARD_TRY(library.resolve("curl_slist_append", loaded.slist_append));
  WARD_TRY(library.resolve("curl_slist_free_all", loaded.slist_free_all));
  if (CURLcode code = loaded.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
    return fail(fmt::format("curl_global_init: {}", loaded.easy_strerror(code)));
  return {};
}

LazyFunctions<Functions>& library() {
  static LazyFunctions<Functions> table(resolve_functions);
  return table;
}

}  // namespace

Result<> load() {
  return library().load();
}

const Functions& functions() {
  return library().functions();
}

}  // namespace ward::image::curl
