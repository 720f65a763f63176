#include "image/crypto_library.h"

#include "util/shared_library.h"

namespace ward::image::crypto {

namespace {

Result<> resolve_functions(Functions& loaded) {
  auto library = WARD_TRY(SharedLibrary::open("libcrypto.so.3", "OpenSSL 3's libcrypto, for content digests"));
  WARD_TRY(library.resolve("EVP_MD_CTX_new", loaded.md_ctx_new));
  WARD_TRY(library.resolve("EVP_MD_CTX_free", loaded.md_ctx_free));
  WARD_TRY(library.resolve("EVP_DigestInit_ex", loaded.digest_init_ex));
  WARD_TRY(library.resolve("EVP_DigestUpdate", loaded.digest_update));
  WARD_TRY(library.resolve("EVP_DigestFinal_ex", loaded.digest_final_ex));
  WARD_TRY(library.resolve("EVP_sha256", loaded.sha256));
  WARD_TRY(library.resolve("EVP_sha384", loaded.sha384));
  WARD_TRY(library.resolve("EVP_sha512", loaded.sha512));
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

}  // namespace ward::image::crypto
