// OpenSSL's libcrypto, opened on first use (dlopen) instead of linked:
// binding its symbols was half of the dynamic loader's work at every
// `ward` start (3377 of 7137 bindings, docs/BENCHMARKS.md), though only the
// commands that hash content (load, pull, push, save, import, commit,
// scan) use it.  Only the digest functions of digest.cc are taken.
#pragma once

#include <openssl/evp.h>

#include "util/error.h"

namespace ward::image::crypto {

// The library's functions, resolved once.
struct Functions {
  EVP_MD_CTX* (*md_ctx_new)();
  void (*md_ctx_free)(EVP_MD_CTX* context);
  int (*digest_init_ex)(EVP_MD_CTX* context, const EVP_MD* type, ENGINE* engine);
  int (*digest_update)(EVP_MD_CTX* context, const void* data, size_t size);
  int (*digest_final_ex)(EVP_MD_CTX* context, unsigned char* out, unsigned int* size);
  const EVP_MD* (*sha256)();
  const EVP_MD* (*sha384)();
  const EVP_MD* (*sha512)();
};

// Opens libcrypto.so.3 once; the error names the library when it cannot.
[[nodiscard]] Result<> load();
// The functions; load() succeeded before.
[[nodiscard]] const Functions& functions();

}  // namespace ward::image::crypto
