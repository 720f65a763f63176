// librpm (Debian's librpm9), opened on first use (dlopen) instead of linked,
// as image/curl_library.h does for libcurl: it brings a dozen shared
// libraries (rpmio, popt, Lua, libgcrypt, the compressors) that every `ward`
// command would load at start-up, though only a scan of an image with rpm's
// BerkeleyDB database needs them.  Only the few functions that read a
// database are resolved; load() must succeed first.
#pragma once

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>

#include "util/error.h"

namespace ward::audit::scan::rpmlib {

// The library's functions, resolved once; each keeps librpm's name.
struct Functions {
  int (*rpmPushMacro)(rpmMacroContext context, const char* name, const char* options, const char* body, int level);
  int (*rpmPopMacro)(rpmMacroContext context, const char* name);
  rpmts (*rpmtsCreate)();
  rpmts (*rpmtsFree)(rpmts ts);
  int (*rpmtsSetRootDir)(rpmts ts, const char* root);
  rpmVSFlags (*rpmtsSetVSFlags)(rpmts ts, rpmVSFlags flags);
  int (*rpmtsOpenDB)(rpmts ts, int mode);
  rpmdbMatchIterator (*rpmtsInitIterator)(rpmts ts, rpmDbiTagVal tag, const void* key, size_t length);
  Header (*rpmdbNextIterator)(rpmdbMatchIterator iterator);
  unsigned int (*rpmdbGetIteratorOffset)(rpmdbMatchIterator iterator);
  rpmdbMatchIterator (*rpmdbFreeIterator)(rpmdbMatchIterator iterator);
  void* (*headerExport)(Header header, unsigned int* size);
  rpmlogCallback (*rpmlogSetCallback)(rpmlogCallback callback, rpmlogCallbackData data);
  const char* (*rpmlogRecMessage)(rpmlogRec record);
  rpmlogLvl (*rpmlogRecPriority)(rpmlogRec record);
};

// Opens librpm.so.9; the error (unsupported) names the library when it
// cannot be loaded.
[[nodiscard]] Result<> load();
// The functions; load() succeeded before.
[[nodiscard]] const Functions& functions();

}  // namespace ward::audit::scan::rpmlib
