// parse_rpmdb_berkeley: librpm's bdb_ro backend over a private copy.
#include "audit/scan/rpm_bdb.h"

#include <fcntl.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "audit/scan/bdb_hash_shape.h"
#include "audit/scan/rpm.h"
#include "audit/scan/rpm_library.h"
#include "util/sys.h"

namespace ward::audit::scan {

namespace {

// Far more than any distribution installs; a hostile database that lists
// more is refused rather than read on.
constexpr std::size_t kMaxPackages = 200000;

// A directory of its own under $TMPDIR (or /tmp), removed with everything
// in it when this goes.
class PrivateDirectory {
 public:
  static Result<PrivateDirectory> make() {
    const char* base = std::getenv("TMPDIR");
    std::string path = fmt::format("{}/ward-rpmdb-XXXXXX", base != nullptr && *base == '/' ? base : "/tmp");
    if (::mkdtemp(path.data()) == nullptr) return fail_errno(errno, fmt::format("mkdtemp {}", path));
    return PrivateDirectory(std::move(path));
  }
  PrivateDirectory(PrivateDirectory&& other) noexcept : path_(std::exchange(other.path_, std::string())) {}
  PrivateDirectory& operator=(PrivateDirectory&&) = delete;
  PrivateDirectory(const PrivateDirectory&) = delete;
  PrivateDirectory& operator=(const PrivateDirectory&) = delete;
  ~PrivateDirectory() {
    if (!path_.empty()) (void)sys::remove_all(path_);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  explicit PrivateDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// librpm's log while it reads: its warnings (every index file but
// Packages is missing from the copy, on purpose) are dropped, and the
// first error is kept for the message; nothing reaches stderr.
struct LogCapture {
  std::string first_error;
};

int capture_log(rpmlogRec record, rpmlogCallbackData data) {
  const auto& rpm = rpmlib::functions();
  auto* capture = static_cast<LogCapture*>(data);
  if (rpm.rpmlogRecPriority(record) <= RPMLOG_ERR && capture->first_error.empty()) {
    std::string message = rpm.rpmlogRecMessage(record);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    capture->first_error = message;
  }
  return 0;  // not RPMLOG_DEFAULT: librpm prints nothing itself
}

// The macros librpm reads the database by, pushed for one read and popped
// after: no rpmrc or macro file is ever loaded (rpmReadConfigFiles is not
// called), so these two are all it knows.
class MacroScope {
 public:
  explicit MacroScope(const std::string& dbpath) {
    const auto& rpm = rpmlib::functions();
    rpm.rpmPushMacro(nullptr, "_dbpath", nullptr, dbpath.c_str(), RMIL_CMDLINE);
    rpm.rpmPushMacro(nullptr, "_db_backend", nullptr, "bdb_ro", RMIL_CMDLINE);
  }
  MacroScope(const MacroScope&) = delete;
  MacroScope& operator=(const MacroScope&) = delete;
  ~MacroScope() {
    const auto& rpm = rpmlib::functions();
    rpm.rpmPopMacro(nullptr, "_db_backend");
    rpm.rpmPopMacro(nullptr, "_dbpath");
  }
};

class LogScope {
 public:
  explicit LogScope(LogCapture* capture) { previous_ = rpmlib::functions().rpmlogSetCallback(capture_log, capture); }
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;
  ~LogScope() { rpmlib::functions().rpmlogSetCallback(previous_, nullptr); }

 private:
  rpmlogCallback previous_ = nullptr;
};

struct TransactionFree {
  void operator()(rpmts ts) const { rpmlib::functions().rpmtsFree(ts); }
};
struct IteratorFree {
  void operator()(rpmdbMatchIterator iterator) const { rpmlib::functions().rpmdbFreeIterator(iterator); }
};

}  // namespace

RpmDatabaseFormat rpm_database_format(std::string_view bytes) {
  if (bytes.starts_with("RpmP")) return RpmDatabaseFormat::ndb;
  if (has_bdb_hash_magic(bytes)) return RpmDatabaseFormat::berkeley_hash;
  return RpmDatabaseFormat::unknown;
}

Result<std::vector<Package>> parse_rpmdb_berkeley(std::string_view bytes, std::string_view file) {
  if (rpm_database_format(bytes) != RpmDatabaseFormat::berkeley_hash)
    return fail(ErrorKind::invalid_input, fmt::format("{}: not a BerkeleyDB hash database", file));
  // bdb_ro trusts the file's sizes and links; what it would mishandle is
  // refused first.
  WARD_TRY(check_bdb_hash_shape(bytes, file));
  WARD_TRY(context(rpmlib::load(), "{}", file));
  const auto& rpm = rpmlib::functions();
  // The copy is all librpm sees: the image's file may be a link, may sit
  // in a lower layer, and must not be written to.
  auto directory = WARD_TRY(PrivateDirectory::make());
  WARD_TRY(context(sys::write_file_atomic(directory.path() + "/Packages", bytes, 0600), "{}: copy", file));

  LogCapture log;
  LogScope log_scope(&log);
  MacroScope macros(directory.path());
  std::unique_ptr<rpmts_s, TransactionFree> ts(rpm.rpmtsCreate());
  if (!ts) return fail(fmt::format("{}: librpm: cannot create a transaction set", file));
  rpm.rpmtsSetRootDir(ts.get(), "/");
  // Header digests are checked; signatures are not, which would load a
  // keyring from somewhere.
  rpm.rpmtsSetVSFlags(ts.get(), RPMVSF_MASK_NOSIGNATURES);
  auto damaged = [&](std::string_view what) {
    return fail(ErrorKind::invalid_input, fmt::format("{}: librpm {}: {}", file, what,
                                                      log.first_error.empty() ? "no reason given" : log.first_error));
  };
  if (rpm.rpmtsOpenDB(ts.get(), O_RDONLY) != 0) return damaged("cannot open it");
  std::unique_ptr<rpmdbMatchIterator_s, IteratorFree> records(
      rpm.rpmtsInitIterator(ts.get(), RPMDBI_PACKAGES, nullptr, 0));
  if (!records) return damaged("cannot read its records");

  std::vector<std::pair<unsigned int, Package>> found;  // by record number, as the sqlite path orders them
  std::size_t count = 0;
  while (Header header = rpm.rpmdbNextIterator(records.get())) {
    if (++count > kMaxPackages)
      return fail(ErrorKind::invalid_input, fmt::format("{}: more than {} packages", file, kMaxPackages));
    unsigned int size = 0;
    std::unique_ptr<void, decltype(&std::free)> blob(rpm.headerExport(header, &size), &std::free);
    if (!blob) return damaged("cannot export a header");
    unsigned int record = rpm.rpmdbGetIteratorOffset(records.get());
    auto package = WARD_TRY(parse_rpm_header(std::string_view(static_cast<const char*>(blob.get()), size),
                                             fmt::format("{} record {}", file, record)));
    if (!package) continue;
    package->database = std::string(file);
    found.emplace_back(record, std::move(*package));
  }
  // A header librpm found damaged is skipped with an error in its log: a
  // package missing from the report, so the read fails instead.
  if (!log.first_error.empty()) return damaged("found it damaged");
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Package> packages;
  for (auto& [record, package] : found) packages.push_back(std::move(package));
  return packages;
}

}  // namespace ward::audit::scan
