// The shape check in front of librpm's bdb_ro (audit/scan/bdb_hash_shape.h),
// on a real two-package `Packages` that BerkeleyDB's db5.3_load wrote (the
// rpm_berkeley fuzz corpus): it passes as written, and each hostile edit
// that would make bdb_ro allocate without bound or loop is refused by name.
// Its layout: 4096-byte pages; pages 1 and 2 are hash pages with one
// key/data pair each, the data an overflow item; pages 3 and 4 hold the
// overflow data of page 2's and page 1's items.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "audit/scan/bdb_hash_shape.h"
#include "source_dir.h"
#include "util/sys.h"

namespace ward::audit::scan {
namespace {

bool contains(const std::string& message, const char* part) {
  return message.find(part) != std::string::npos;
}

constexpr std::size_t kPage = 4096;

void put32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i) & 0xff);
}
void put16(std::string& bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<char>(value & 0xff);
  bytes[at + 1] = static_cast<char>(value >> 8);
}

class BdbShape : public ::testing::Test {
 protected:
  void SetUp() override {
    auto read = sys::read_file(std::string(test::source_dir()) + "/fuzz/corpus/rpm_berkeley/two-packages");
    ASSERT_TRUE(read) << read.error().what();
    bytes_ = *read;
    ASSERT_EQ(bytes_.size(), 5 * kPage);
  }
  // The refusal's message, or "" when the bytes pass.
  std::string refusal() {
    auto checked = check_bdb_hash_shape(bytes_, "/var/lib/rpm/Packages");
    if (checked) return "";
    EXPECT_TRUE(checked.error().is(ErrorKind::invalid_input));
    return checked.error().what();
  }
  // Where page 1's overflow item (its data) sits: the second entry.
  std::size_t page1_item() {
    std::size_t offset = static_cast<unsigned char>(bytes_[kPage + 28]) | static_cast<unsigned char>(bytes_[kPage + 29])
                                                                              << 8;
    EXPECT_EQ(bytes_[kPage + offset], 3);  // H_OFFPAGE
    return kPage + offset;
  }
  std::string bytes_;
};

TEST_F(BdbShape, WhatBerkeleyDbWrotePasses) {
  EXPECT_EQ(refusal(), "");
}

TEST_F(BdbShape, PageSizeBdbRoWouldAllocateIsRefused) {
  put32(bytes_, 20, 0xffff1000);  // what the fuzzer found: bdb_ro malloc'd 4 GiB
  EXPECT_PRED2(contains, refusal(), "Packages: a page size of 4294905856");
  put32(bytes_, 20, 1000);  // not a power of two
  EXPECT_PRED2(contains, refusal(), "a page size of 1000");
  put32(bytes_, 20, 256);
  EXPECT_PRED2(contains, refusal(), "a page size of 256");
}

TEST_F(BdbShape, OverflowItemLongerThanTheFileIsRefused) {
  put32(bytes_, page1_item() + 8, 0x7fffffff);
  EXPECT_PRED2(contains, refusal(), "page 1: an overflow item of 2147483647 bytes, longer than the file");
}

TEST_F(BdbShape, OverflowPageSharedByTwoItemsIsRefused) {
  put32(bytes_, page1_item() + 4, 3);  // page 2's item's overflow page
  EXPECT_PRED2(contains, refusal(), "page 2: an overflow item reusing page 3");
}

TEST_F(BdbShape, EmptyOverflowPageThatLinksToItselfIsRefused) {
  // bdb_ro's ovfl_get would copy nothing from page 4 and read it again, forever.
  put16(bytes_, 4 * kPage + 22, 0);
  put32(bytes_, 4 * kPage + 16, 4);
  EXPECT_PRED2(contains, refusal(), "page 1: an overflow item continued on page 4, which holds none of it");
}

TEST_F(BdbShape, EntryCountPastThePageIsRefused) {
  put16(bytes_, kPage + 20, 3000);
  EXPECT_PRED2(contains, refusal(), "page 1 claims 3000 entries, more than it holds");
}

TEST_F(BdbShape, LoopInTheHashPagesLinksIsRefused) {
  put32(bytes_, kPage + 16, 2);
  put32(bytes_, 2 * kPage + 16, 1);
  EXPECT_PRED2(contains, refusal(), "the hash pages' links loop back to page 1");
  put32(bytes_, 2 * kPage + 16, 2);  // page 2 links to itself
  EXPECT_PRED2(contains, refusal(), "loop back to page 2");
}

TEST_F(BdbShape, BigEndianFileIsReadInItsOwnOrder) {
  // A big-endian metadata page (as s390x writes) and one big-endian hash
  // page, 1, that links to itself: found only when read big-endian.
  std::string file(2 * kPage, '\0');
  file.replace(12, 4, std::string("\x00\x06\x15\x61", 4));  // magic
  file.replace(20, 4, std::string("\x00\x00\x10\x00", 4));  // page size 4096
  file.replace(32, 4, std::string("\x00\x00\x00\x01", 4));  // last page 1
  file.replace(kPage + 8, 4, std::string("\x00\x00\x00\x01", 4));
  file.replace(kPage + 16, 4, std::string("\x00\x00\x00\x01", 4));
  file[kPage + 25] = 13;  // P_HASH
  bytes_ = file;
  EXPECT_PRED2(contains, refusal(), "loop back to page 1");
  file.replace(kPage + 16, 4, std::string(4, '\0'));  // no next page: an empty bucket
  bytes_ = file;
  EXPECT_EQ(refusal(), "");
}

TEST_F(BdbShape, ShortOrForeignFileIsRefused) {
  bytes_.resize(100);
  EXPECT_PRED2(contains, refusal(), "shorter than its metadata page");
  bytes_ = std::string(4096, '\0');
  EXPECT_PRED2(contains, refusal(), "no BerkeleyDB hash magic");
}

}  // namespace
}  // namespace ward::audit::scan
