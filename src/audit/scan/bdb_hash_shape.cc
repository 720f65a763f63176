// check_bdb_hash_shape: one pass over the pages, then one over the links.
// Page layout (BerkeleyDB's db_page.h): the page number at byte 8, the
// next page at 16, the entry count at 20, the high free offset (an
// overflow page's data length) at 22, the type at 25, entry offsets from
// 26.  Metadata: page size at 20, last page at 32.
#include "audit/scan/bdb_hash_shape.h"

#include <cstdint>
#include <vector>

#include <fmt/format.h>

namespace ward::audit::scan {

namespace {

constexpr std::uint32_t kHashMagic = 0x00061561;
constexpr std::size_t kPageHeader = 26;
constexpr unsigned char kHashUnsorted = 2, kOverflow = 7, kHashMeta = 8, kHash = 13;
constexpr unsigned char kOffPageItem = 3;

class Pages {
 public:
  Pages(std::string_view bytes, bool big_endian) : bytes_(bytes), big_endian_(big_endian) {}

  [[nodiscard]] std::uint32_t u32(std::size_t at) const {
    auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[at + i])); };
    return big_endian_ ? b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3) : b(3) << 24 | b(2) << 16 | b(1) << 8 | b(0);
  }
  [[nodiscard]] std::uint32_t u16(std::size_t at) const {
    auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[at + i])); };
    return big_endian_ ? b(0) << 8 | b(1) : b(1) << 8 | b(0);
  }
  [[nodiscard]] unsigned char byte(std::size_t at) const { return static_cast<unsigned char>(bytes_[at]); }

  void set_geometry(std::size_t page_size, std::uint32_t last_page) {
    page_size_ = page_size;
    last_page_ = last_page;
  }
  [[nodiscard]] std::size_t page_size() const { return page_size_; }
  [[nodiscard]] std::size_t count() const { return bytes_.size() / page_size_; }
  [[nodiscard]] std::size_t at(std::uint32_t page) const { return page * page_size_; }

  // Whether bdb_ro's getpage returns this page: within the last page the
  // metadata names, inside the file, and carrying its own number.
  [[nodiscard]] bool readable(std::uint32_t page) const {
    return page != 0 && page <= last_page_ && page < count() && u32(at(page) + 8) == page;
  }
  [[nodiscard]] unsigned char type(std::uint32_t page) const { return byte(at(page) + 25); }
  [[nodiscard]] std::uint32_t next(std::uint32_t page) const { return u32(at(page) + 16); }
  [[nodiscard]] bool is_hash(std::uint32_t page) const {
    unsigned char t = type(page);
    return t == kHashUnsorted || t == kHashMeta || t == kHash;
  }

 private:
  std::string_view bytes_;
  bool big_endian_;
  std::size_t page_size_ = 0;
  std::uint32_t last_page_ = 0;
};

// An overflow item's chain, walked as bdb_ro's ovfl_get walks it; `owned`
// marks the overflow pages earlier items used.
Result<> check_overflow_chain(const Pages& pages, std::uint32_t first, std::uint32_t length, std::vector<bool>& owned,
                              std::string_view file, std::uint32_t item_page) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: page {}: an overflow item {}; not a database BerkeleyDB wrote", file, item_page, why));
  };
  if (length > pages.count() * pages.page_size()) return bad(fmt::format("of {} bytes, longer than the file", length));
  std::uint32_t page = first;
  while (length > 0) {
    // Where bdb_ro stops with an error, so does the walk: librpm reports it.
    if (!pages.readable(page) || pages.type(page) != kOverflow) return {};
    std::uint32_t held = pages.u16(pages.at(page) + 22);
    if (held + kPageHeader > pages.page_size() || held > length) return {};
    if (held == 0) return bad(fmt::format("continued on page {}, which holds none of it", page));
    if (owned[page]) return bad(fmt::format("reusing page {}", page));
    owned[page] = true;
    length -= held;
    page = pages.next(page);
  }
  return {};
}

}  // namespace

bool has_bdb_hash_magic(std::string_view bytes) {
  return bytes.size() >= 16 && (Pages(bytes, false).u32(12) == kHashMagic || Pages(bytes, true).u32(12) == kHashMagic);
}

Result<> check_bdb_hash_shape(std::string_view bytes, std::string_view file) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::invalid_input, fmt::format("{}: {}; not a database BerkeleyDB wrote", file, why));
  };
  if (bytes.size() < 512) return bad("shorter than its metadata page");
  bool big_endian = Pages(bytes, true).u32(12) == kHashMagic;
  Pages pages(bytes, big_endian);
  if (pages.u32(12) != kHashMagic) return bad("no BerkeleyDB hash magic");
  std::uint32_t page_size = pages.u32(20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
    return bad(fmt::format("a page size of {}", page_size));
  pages.set_geometry(page_size, pages.u32(32));

  std::vector<bool> owned(pages.count(), false);
  for (std::uint32_t page = 1; page < pages.count(); ++page) {
    if (!pages.readable(page) || !pages.is_hash(page)) continue;
    std::size_t base = pages.at(page);
    std::uint32_t entries = pages.u16(base + 20);
    if (kPageHeader + 2 * std::size_t{entries} > page_size)
      return bad(fmt::format("page {} claims {} entries, more than it holds", page, entries));
    for (std::uint32_t i = 0; i < entries; ++i) {
      std::uint32_t offset = pages.u16(base + kPageHeader + 2 * i);
      if (offset + 12 > page_size || pages.byte(base + offset) != kOffPageItem) continue;
      WARD_TRY(
          check_overflow_chain(pages, pages.u32(base + offset + 4), pages.u32(base + offset + 8), owned, file, page));
    }
  }

  // Each hash page has one next link, so a walk from any page either ends
  // or enters a cycle; state: 0 unseen, 1 on the current walk, 2 done.
  std::vector<unsigned char> state(pages.count(), 0);
  for (std::uint32_t start = 1; start < pages.count(); ++start) {
    std::vector<std::uint32_t> walk;
    for (std::uint32_t page = start; pages.readable(page) && pages.is_hash(page) && state[page] != 2;
         page = pages.next(page)) {
      if (state[page] == 1) return bad(fmt::format("the hash pages' links loop back to page {}", page));
      state[page] = 1;
      walk.push_back(page);
    }
    for (std::uint32_t page : walk) state[page] = 2;
  }
  return {};
}

}  // namespace ward::audit::scan
