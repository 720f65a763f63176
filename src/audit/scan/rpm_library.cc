#include "audit/scan/rpm_library.h"

#include "util/shared_library.h"

namespace ward::audit::scan::rpmlib {

namespace {

Result<> resolve_functions(Functions& loaded) {
  auto library = WARD_TRY(SharedLibrary::open("librpm.so.9", "Debian's librpm9, for rpm's BerkeleyDB"));
  // Looked up through the handle, librpm's own dependencies are searched
  // too: the log functions live in librpmio.
  WARD_TRY(library.resolve("rpmPushMacro", loaded.rpmPushMacro));
  WARD_TRY(library.resolve("rpmPopMacro", loaded.rpmPopMacro));
  WARD_TRY(library.resolve("rpmtsCreate", loaded.rpmtsCreate));
  WARD_TRY(library.resolve("rpmtsFree", loaded.rpmtsFree));
  WARD_TRY(library.resolve("rpmtsSetRootDir", loaded.rpmtsSetRootDir));
  WARD_TRY(library.resolve("rpmtsSetVSFlags", loaded.rpmtsSetVSFlags));
  WARD_TRY(library.resolve("rpmtsOpenDB", loaded.rpmtsOpenDB));
  WARD_TRY(library.resolve("rpmtsInitIterator", loaded.rpmtsInitIterator));
  WARD_TRY(library.resolve("rpmdbNextIterator", loaded.rpmdbNextIterator));
  WARD_TRY(library.resolve("rpmdbGetIteratorOffset", loaded.rpmdbGetIteratorOffset));
  WARD_TRY(library.resolve("rpmdbFreeIterator", loaded.rpmdbFreeIterator));
  WARD_TRY(library.resolve("headerExport", loaded.headerExport));
  WARD_TRY(library.resolve("rpmlogSetCallback", loaded.rpmlogSetCallback));
  WARD_TRY(library.resolve("rpmlogRecMessage", loaded.rpmlogRecMessage));
  WARD_TRY(library.resolve("rpmlogRecPriority", loaded.rpmlogRecPriority));
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

}  // namespace ward::audit::scan::rpmlib
