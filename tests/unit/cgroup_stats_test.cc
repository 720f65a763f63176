// `events --stats` from cgroup files: the blkio, io.stat and hugetlb
// formats, and read_stats() over fake cgroup directories laid out as a v1,
// hybrid or pure v2 host would have them (the kernel's file names, values
// written by the test).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "cgroups/stats.h"
#include "util/sys.h"
#include "temp_dir.h"

namespace ward::cgroups {
namespace {

TEST(CgroupStats, BlkioV1Entries) {
  auto entries = parse_blkio_entries("254:0 Read 4096\n254:0 Write 0\n8:16 Total 512\nTotal 4608\n");
  EXPECT_EQ(entries, (std::vector<BlkioEntry>{{254, 0, "Read", 4096}, {254, 0, "Write", 0}, {8, 16, "Total", 512}}));
  EXPECT_TRUE(parse_blkio_entries("Total 0\n").empty());
  EXPECT_TRUE(parse_blkio_entries("").empty());
}

TEST(CgroupStats, IoStatMapsAsRuncDoes) {
  std::vector<BlkioEntry> bytes, serviced;
  parse_io_stat("259:0 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"
                "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=30 dios=3 cost.usage=7\n",
                bytes, serviced);
  EXPECT_EQ(bytes, (std::vector<BlkioEntry>{{259, 0, "Read", 1459200},
                                            {259, 0, "Write", 314773504},
                                            {259, 0, "Discard", 0},
                                            {8, 0, "Read", 10},
                                            {8, 0, "Write", 20},
                                            {8, 0, "Discard", 30}}));
  EXPECT_EQ(serviced, (std::vector<BlkioEntry>{{259, 0, "Read", 192},
                                               {259, 0, "Write", 353},
                                               {259, 0, "Discard", 0},
                                               {8, 0, "Read", 1},
                                               {8, 0, "Write", 2},
                                               {8, 0, "Discard", 3}}));
}

TEST(CgroupStats, HugetlbPageSizeFromTheFileName) {
  EXPECT_EQ(hugetlb_page_size("hugetlb.2MB.max", ".max"), "2MB");
  EXPECT_EQ(hugetlb_page_size("hugetlb.1GB.limit_in_bytes", ".limit_in_bytes"), "1GB");
  EXPECT_EQ(hugetlb_page_size("hugetlb.2MB.rsvd.max", ".max"), "");
  EXPECT_EQ(hugetlb_page_size("hugetlb..max", ".max"), "");
  EXPECT_EQ(hugetlb_page_size("memory.max", ".max"), "");
}

class FakeHierarchies : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    dir_ = temp_.path();
  }
  // The container's directory in a fake hierarchy, made.
  std::string make(const std::string& hierarchy) {
    std::string path = dir_ + "/" + hierarchy + "/c1";
    EXPECT_TRUE(sys::mkdir_all(path).has_value());
    return path;
  }
  void put(const std::string& path, const std::string& text) { ASSERT_TRUE(sys::write_file_atomic(path, text, 0644).has_value()); }
  test_support::TempDir temp_{"ward-cgstats"};
  std::string dir_;
};

TEST_F(FakeHierarchies, PureV2) {
  std::string c = make("unified");
  put(c + "/cpu.stat", "usage_usec 100\nuser_usec 60\nsystem_usec 40\n");
  put(c + "/cgroup.procs", "41\n42\n43\n");  // no pids controller: counted
  put(c + "/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
  put(c + "/hugetlb.2MB.max", "max\n");
  put(c + "/hugetlb.2MB.current", "4194304\n");
  put(c + "/hugetlb.2MB.events", "max 3\n");
  put(c + "/hugetlb.2MB.rsvd.max", "max\n");
  auto cgroup = Cgroup::parse("dir " + dir_ + "/unified 1 - " + c + "\n");
  auto stats = read_stats(cgroup);
  ASSERT_TRUE(stats) << stats.error().what();
  EXPECT_EQ(stats->cpu_total_ns, 100000u);
  EXPECT_EQ(stats->pids_current, 3u);
  EXPECT_EQ(stats->io_service_bytes.size(), 3u);
  EXPECT_EQ(stats->io_service_bytes[1], (BlkioEntry{8, 0, "Write", 8192}));
  EXPECT_EQ(stats->io_serviced[0], (BlkioEntry{8, 0, "Read", 1}));
  ASSERT_EQ(stats->hugetlb.size(), 1u);
  EXPECT_EQ(stats->hugetlb.at("2MB"), (HugetlbUsage{4194304, 0, 3}));

  // With the pids controller its files are read instead.
  put(c + "/pids.current", "2\n");
  put(c + "/pids.max", "20\n");
  stats = read_stats(cgroup);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pids_current, 2u);
  EXPECT_EQ(stats->pids_limit, 20u);
}

// This machine's layout: v1 controllers, hugetlb on the cgroup2 side.
TEST_F(FakeHierarchies, HybridWithHugetlbOnTheUnifiedSide) {
  std::string blkio = make("blkio");
  std::string unified = make("unified");
  // BFQ's files exist but count nothing (another scheduler is in use): the
  // throttling layer's are read.
  put(blkio + "/blkio.bfq.io_service_bytes_recursive", "Total 0\n");
  put(blkio + "/blkio.throttle.io_service_bytes_recursive", "254:0 Read 512\n254:0 Write 1024\nTotal 1536\n");
  put(blkio + "/blkio.throttle.io_serviced_recursive", "254:0 Read 1\n254:0 Write 2\nTotal 3\n");
  put(unified + "/hugetlb.2MB.max", "max\n");
  put(unified + "/hugetlb.2MB.current", "0\n");
  put(unified + "/hugetlb.2MB.events", "max 0\n");
  auto cgroup = Cgroup::parse("dir " + dir_ + "/blkio 0 blkio " + blkio + "\ndir " + dir_ + "/unified 1 - " +
                              unified + "\n");
  auto stats = read_stats(cgroup);
  ASSERT_TRUE(stats) << stats.error().what();
  EXPECT_EQ(stats->io_service_bytes,
            (std::vector<BlkioEntry>{{254, 0, "Read", 512}, {254, 0, "Write", 1024}}));
  EXPECT_EQ(stats->io_serviced, (std::vector<BlkioEntry>{{254, 0, "Read", 1}, {254, 0, "Write", 2}}));
  ASSERT_EQ(stats->hugetlb.count("2MB"), 1u);

  // BFQ's counters, once they count, win over the throttling layer's.
  put(blkio + "/blkio.bfq.io_service_bytes_recursive", "254:0 Read 7\nTotal 7\n");
  put(blkio + "/blkio.bfq.io_serviced_recursive", "254:0 Read 9\nTotal 9\n");
  stats = read_stats(cgroup);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->io_service_bytes, (std::vector<BlkioEntry>{{254, 0, "Read", 7}}));
  EXPECT_EQ(stats->io_serviced, (std::vector<BlkioEntry>{{254, 0, "Read", 9}}));
}

TEST_F(FakeHierarchies, HugetlbAsAV1Controller) {
  std::string hugetlb = make("hugetlb");
  put(hugetlb + "/hugetlb.2MB.limit_in_bytes", "9223372036854771712\n");
  put(hugetlb + "/hugetlb.2MB.usage_in_bytes", "2097152\n");
  put(hugetlb + "/hugetlb.2MB.max_usage_in_bytes", "4194304\n");
  put(hugetlb + "/hugetlb.2MB.failcnt", "5\n");
  put(hugetlb + "/hugetlb.1GB.limit_in_bytes", "0\n");
  auto stats = read_stats(Cgroup::parse("dir " + dir_ + "/hugetlb 0 hugetlb " + hugetlb + "\n"));
  ASSERT_TRUE(stats) << stats.error().what();
  ASSERT_EQ(stats->hugetlb.size(), 2u);
  EXPECT_EQ(stats->hugetlb.at("2MB"), (HugetlbUsage{2097152, 4194304, 5}));
  EXPECT_EQ(stats->hugetlb.at("1GB"), (HugetlbUsage{0, 0, 0}));
}

}  // namespace
}  // namespace ward::cgroups
