// libcurl, opened on first use (dlopen) instead of linked: it brings two
// dozen shared libraries (TLS, Kerberos, LDAP, SSH, IDN, ...) whose loading
// and relocation every `ward` command paid at start-up, though only pull,
// push, login and audit's Docker API use them.  The functions keep
// libcurl's names in namespace `curl`; load() must succeed first.
#pragma once

#include <curl/curl.h>

#include "util/error.h"

namespace ward::image::curl {

// The library's functions, resolved once.
struct Functions {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  void (*easy_cleanup)(CURL* handle);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
};

// Opens libcurl.so.4 and runs curl_global_init once; the error names the
// library when it cannot be loaded.
[[nodiscard]] Result<> load();
// The functions; load() succeeded before.
[[nodiscard]] const Functions& functions();

inline CURL* easy_init() {
  return functions().easy_init();
}
template <class T>
CURLcode easy_setopt(CURL* handle, CURLoption option, T value) {
  return functions().easy_setopt(handle, option, value);
}
inline CURLcode easy_perform(CURL* handle) {
  return functions().easy_perform(handle);
}
template <class T>
CURLcode easy_getinfo(CURL* handle, CURLINFO info, T* value) {
  return functions().easy_getinfo(handle, info, value);
}
inline void easy_cleanup(CURL* handle) {
  functions().easy_cleanup(handle);
}
inline const char* easy_strerror(CURLcode code) {
  return functions().easy_strerror(code);
}
inline curl_slist* slist_append(curl_slist* list, const char* text) {
  return functions().slist_append(list, text);
}
inline void slist_free_all(curl_slist* list) {
  functions().slist_free_all(list);
}

}  // namespace ward::image::curl
