// rpm's version order and package headers (audit/scan/version.h, rpm.h).
// The order is also checked against rpm itself on generated pairs
// (tests/integration/version_order_test.cc), and headers against a
// database rpm writes (tests/integration/scan_rpm_test.cc).
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "audit/scan/rpm.h"
#include "audit/scan/version.h"

namespace ward::audit::scan {
namespace {

int sign(int v) {
  return (v > 0) - (v < 0);
}

TEST(ScanRpmVersion, OrdersAsRpmverCmp) {
  struct Case {
    const char* a;
    const char* b;
    int want;
  };
  const std::vector<Case> cases = {
      {"1.0", "1.0", 0},
      {"1.0", "1.1", -1},
      {"1.10", "1.9", 1},
      {"1.0a", "1.0", 1},      // a leftover segment is newer
      {"1.0.a", "1.0.1", -1},  // an alphabetic segment is older than a number
      {"1.0~rc1", "1.0", -1},  // ~ before the end
      {"1.0~rc1", "1.0~rc2", -1},
      {"1.0^git1", "1.0", 1},     // ^ after the end
      {"1.0^git1", "1.0.1", -1},  // ... but before anything else
      {"1.0_1", "1.0.1", 0},      // separators are all alike
      {"001", "1", 0},            // leading zeros
      {"1:1.0", "2.0", 1},        // an epoch wins
      {"0:1.0", "1.0", 0},        // a missing epoch is 0
      {"1.0-2.el9", "1.0-10.el9", -1},
      {"1.0-2.el9", "1.0", 1},  // a missing release is an empty one
      {"3.0.7-18.el9", "3.0.7-18.el9_2", -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sign(compare_rpm_versions(c.a, c.b)), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_rpm_versions(c.b, c.a)), -c.want) << c.b << " vs " << c.a;
  }
}

// A header blob as rpm stores it: counts, index entries, data.
class HeaderBuilder {
 public:
  HeaderBuilder& string(std::uint32_t tag, const std::string& value) {
    entries_.push_back({tag, 6, static_cast<std::uint32_t>(data_.size()), 1});
    data_ += value;
    data_ += '\0';
    return *this;
  }
  HeaderBuilder& int32(std::uint32_t tag, std::uint32_t value) {
    while (data_.size() % 4 != 0) data_ += '\0';
    entries_.push_back({tag, 4, static_cast<std::uint32_t>(data_.size()), 1});
    append(data_, value);
    return *this;
  }
  HeaderBuilder& raw_entry(std::uint32_t tag, std::uint32_t type, std::uint32_t offset) {
    entries_.push_back({tag, type, offset, 1});
    return *this;
  }
  std::string build() const {
    std::string out;
    append(out, static_cast<std::uint32_t>(entries_.size()));
    append(out, static_cast<std::uint32_t>(data_.size()));
    for (const auto& e : entries_) {
      append(out, e[0]);
      append(out, e[1]);
      append(out, e[2]);
      append(out, e[3]);
    }
    return out + data_;
  }

 private:
  static void append(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
  }
  std::vector<std::array<std::uint32_t, 4>> entries_;
  std::string data_;
};

TEST(ScanRpmHeader, ReadsNameVersionEpochArchAndSource) {
  std::string blob = HeaderBuilder()
                         .string(1000, "openssl-libs")
                         .string(1001, "3.0.7")
                         .string(1002, "18.el9")
                         .int32(1003, 1)
                         .string(1022, "x86_64")
                         .string(1014, "ASL 2.0")
                         .string(1044, "openssl-3.0.7-18.el9.src.rpm")
                         .build();
  auto package = parse_rpm_header(blob, "db row 1");
  ASSERT_TRUE(package) << package.error().what();
  ASSERT_TRUE(*package);
  EXPECT_EQ((*package)->kind, PackageKind::rpm);
  EXPECT_EQ((*package)->name, "openssl-libs");
  EXPECT_EQ((*package)->version, "1:3.0.7-18.el9");
  EXPECT_EQ((*package)->architecture, "x86_64");
  EXPECT_EQ((*package)->license, "ASL 2.0");
  EXPECT_EQ((*package)->source, "openssl");
  EXPECT_EQ((*package)->source_version, "");  // the same as the binary's
  EXPECT_EQ(package_url(**package, "rhel", "9.2"),
            "pkg:rpm/redhat/openssl-libs@3.0.7-18.el9?arch=x86_64&distro=rhel-9.2&epoch=1");

  auto key = parse_rpm_header(HeaderBuilder().string(1000, "gpg-pubkey").string(1001, "fd431d51").build(), "row");
  ASSERT_TRUE(key) << key.error().what();
  EXPECT_FALSE(*key);  // a signing key, not a package
}

TEST(ScanRpmHeader, DamagedHeadersAreRefusedNamingTheRow) {
  std::string good = HeaderBuilder().string(1000, "bash").string(1001, "5.1.8").build();
  auto cut = parse_rpm_header(good.substr(0, good.size() - 3), "rpmdb.sqlite row 7");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().what(), "rpmdb.sqlite row 7: a damaged package header: shorter than its index and data say");

  auto past = parse_rpm_header(HeaderBuilder().string(1000, "bash").raw_entry(1001, 6, 4096).build(), "row 2");
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().what(), "row 2: a damaged package header: tag 1001 points past the data");

  // A name whose NUL is missing: the string would run off the data.
  std::string unterminated = HeaderBuilder().string(1001, "1").string(1000, "bash").build();
  unterminated.pop_back();
  unterminated[7] = static_cast<char>(unterminated[7] - 1);  // the data size, one byte less
  auto runs = parse_rpm_header(unterminated, "row 3");
  ASSERT_FALSE(runs);
  EXPECT_EQ(runs.error().what(), "row 3: a damaged package header: tag 1000 runs past the data");

  auto epoch =
      parse_rpm_header(HeaderBuilder().string(1000, "bash").string(1001, "5").string(1003, "1").build(), "row 4");
  ASSERT_FALSE(epoch);
  EXPECT_EQ(epoch.error().what(), "row 4: a damaged package header: an epoch that is not a 32-bit number");

  auto nothing = parse_rpmdb_sqlite("not a database", "/var/lib/rpm/rpmdb.sqlite");
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().what(), "/var/lib/rpm/rpmdb.sqlite: not an SQLite database");
}

}  // namespace
}  // namespace ward::audit::scan
