#include "audit/scan/rpm.h"

#include <cstdint>
#include <map>
#include <string>

#include <fmt/format.h>

#include "engine/db/database.h"

namespace ward::audit::scan {

namespace {

// rpm's own limits on a header (rpmtag.h, header.c).
constexpr std::uint32_t kMaxEntries = 0xffff;
constexpr std::uint32_t kMaxData = 256u * 1024 * 1024;

enum Tag : std::uint32_t {
  kName = 1000,
  kVersion = 1001,
  kRelease = 1002,
  kEpoch = 1003,
  kLicense = 1014,
  kArch = 1022,
  kSourceRpm = 1044,
};
enum Type : std::uint32_t { kInt32 = 4, kString = 6, kStringArray = 8, kI18nString = 9 };

std::uint32_t be32(std::string_view bytes, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
  return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

struct Entry {
  std::uint32_t type = 0;
  std::uint32_t offset = 0;
  std::uint32_t count = 0;
};

// "openssl-3.0.7-18.el9.src.rpm" -> name "openssl", version "3.0.7-18.el9".
std::pair<std::string, std::string> split_source_rpm(std::string_view text) {
  if (!text.ends_with(".src.rpm") && !text.ends_with(".nosrc.rpm")) return {};
  text = text.substr(0, text.rfind(".", text.size() - 5));
  std::size_t release = text.rfind('-');
  if (release == std::string_view::npos || release == 0) return {};
  std::size_t version = text.rfind('-', release - 1);
  if (version == std::string_view::npos || version == 0) return {};
  return {std::string(text.substr(0, version)), std::string(text.substr(version + 1))};
}

}  // namespace

Result<std::optional<Package>> parse_rpm_header(std::string_view blob, std::string_view where) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::invalid_input, fmt::format("{}: a damaged package header: {}", where, why));
  };
  if (blob.size() < 8) return bad("shorter than its 8-byte preamble");
  std::uint32_t entries = be32(blob, 0);
  std::uint32_t data_size = be32(blob, 4);
  if (entries == 0 || entries > kMaxEntries) return bad(fmt::format("{} index entries", entries));
  if (data_size > kMaxData) return bad(fmt::format("{} bytes of data", data_size));
  std::size_t data_start = 8 + std::size_t{entries} * 16;
  if (blob.size() < data_start + data_size) return bad("shorter than its index and data say");
  std::string_view data = blob.substr(data_start, data_size);

  std::map<std::uint32_t, Entry> wanted;
  for (std::uint32_t i = 0; i < entries; ++i) {
    std::size_t at = 8 + std::size_t{i} * 16;
    std::uint32_t tag = be32(blob, at);
    if (tag != kName && tag != kVersion && tag != kRelease && tag != kEpoch && tag != kLicense && tag != kArch &&
        tag != kSourceRpm)
      continue;
    Entry entry{be32(blob, at + 4), be32(blob, at + 8), be32(blob, at + 12)};
    if (entry.offset >= data.size()) return bad(fmt::format("tag {} points past the data", tag));
    wanted[tag] = entry;
  }
  // The first string of a string-typed entry, NUL-terminated inside the data.
  auto string_of = [&](std::uint32_t tag) -> Result<std::string> {
    auto it = wanted.find(tag);
    if (it == wanted.end()) return std::string();
    const Entry& entry = it->second;
    if (entry.type != kString && entry.type != kStringArray && entry.type != kI18nString)
      return bad(fmt::format("tag {} has type {}, not a string", tag, entry.type));
    std::size_t end = data.find('\0', entry.offset);
    if (end == std::string_view::npos) return bad(fmt::format("tag {} runs past the data", tag));
    std::string_view text = data.substr(entry.offset, end - entry.offset);
    for (char c : text)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return bad(fmt::format("tag {}: a control character", tag));
    return std::string(text);
  };

  Package p;
  p.kind = PackageKind::rpm;
  p.name = WARD_TRY(string_of(kName));
  if (p.name.empty()) return bad("no name");
  if (p.name == "gpg-pubkey") return std::optional<Package>();
  std::string version = WARD_TRY(string_of(kVersion));
  std::string release = WARD_TRY(string_of(kRelease));
  if (version.empty()) return bad(fmt::format("package \"{}\" has no version", p.name));
  for (const std::string* text : {&p.name, &version, &release})
    if (text->find(' ') != std::string::npos) return bad(fmt::format("a blank in \"{}\"", *text));
  std::string epoch;
  if (auto it = wanted.find(kEpoch); it != wanted.end()) {
    if (it->second.type != kInt32 || it->second.count < 1 || it->second.offset % 4 != 0 ||
        data.size() - it->second.offset < 4)
      return bad("an epoch that is not a 32-bit number");
    epoch = std::to_string(be32(data, it->second.offset));
  }
  p.version = (epoch.empty() ? "" : epoch + ":") + version + (release.empty() ? "" : "-" + release);
  p.architecture = WARD_TRY(string_of(kArch));
  p.license = WARD_TRY(string_of(kLicense));
  auto [source, source_version] = split_source_rpm(WARD_TRY(string_of(kSourceRpm)));
  // The source's version carries no epoch in its file name; it has the
  // binary's when the two are built together.
  if (!source_version.empty() && !epoch.empty()) source_version = epoch + ":" + source_version;
  if (source != p.name) p.source = source;
  if (source_version != p.version) p.source_version = source_version;
  return std::optional<Package>(std::move(p));
}

Result<std::vector<Package>> parse_rpmdb_sqlite(std::string_view bytes, std::string_view file) {
  auto database = WARD_TRY(db::Database::open_untrusted_copy(bytes, std::string(file)));
  auto rows =
      WARD_TRY(context(database.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum", "read packages"), "{}", file));
  std::vector<Package> packages;
  while (WARD_TRY(context(rows.step(), "{}", file)) == db::Step::row) {
    std::string where = fmt::format("{} row {}", file, rows.column_int64(0));
    auto package = WARD_TRY(parse_rpm_header(rows.column_blob(1), where));
    if (package) {
      package->database = std::string(file);
      packages.push_back(std::move(*package));
    }
  }
  return packages;
}

}  // namespace ward::audit::scan
