// `ward run`'s limit flags (--ulimit, the CPU, memory and block I/O
// cgroup flags), checked by their effect inside the container: its
// /proc/self/limits and the cgroup files it sees (v1 names, or v2's).
#include <string>

#include <gtest/gtest.h>

#include "engine_support.h"

namespace ward::test {
namespace {

using Flags = std::vector<std::string>;

class EngineFlagsLimits : public EngineTest {};

// The first of the cgroup files that exists in the container (v1 name, v2 name).
std::string cat_first(const std::string& v1, const std::string& v2) {
  return "cat /sys/fs/cgroup/" + v1 + " 2>/dev/null || cat /sys/fs/cgroup/" + v2;
}

// The host's first disk in /sys/block: its path and its MAJOR:MINOR, or
// an empty path when there is none.
struct BlockDevice {
  std::string path, numbers;
};
BlockDevice first_block_device() {
  auto disk = run_command({"sh", "-c",
                           "for d in /sys/block/*; do n=${d##*/}; [ -b /dev/$n ] && "
                           "[ \"$(cat $d/size)\" != 0 ] && { echo $n; cat $d/dev; break; }; done"});
  auto newline = disk.out.find('\n');
  if (disk.status != 0 || newline == std::string::npos) return {};
  std::string numbers = disk.out.substr(newline + 1);
  if (!numbers.empty()) numbers.pop_back();
  return {"/dev/" + disk.out.substr(0, newline), numbers};
}

TEST_F(EngineFlagsLimits, UlimitSetsTheProcessLimits) {
  std::string out = run_out({"--ulimit", "nofile=256:512", "--ulimit", "nproc=50:100", "--ulimit", "core=0"},
                            "grep -E 'open files|processes|core file' /proc/self/limits | tr -s ' '");
  EXPECT_NE(out.find("Max core file size 0 0 bytes"), std::string::npos) << out;
  EXPECT_NE(out.find("Max processes 50 100 processes"), std::string::npos) << out;
  EXPECT_NE(out.find("Max open files 256 512 files"), std::string::npos) << out;
  // ward's default nofile when --ulimit does not name it.
  EXPECT_NE(run_out({"--ulimit", "core=0"}, "ulimit -n").find("1024"), std::string::npos);
  auto created = ward({"create", "--name", "ulim", "--ulimit", "nofile=100:200", "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  auto doc = inspect_container("ulim");
  EXPECT_EQ(doc["HostConfig"]["Ulimits"], nlohmann::json::parse(R"([{"Name":"nofile","Hard":200,"Soft":100}])"));
  ASSERT_EQ(ward({"rm", "ulim"}).status, 0);
  expect_refused({"--ulimit", "nofile=20:10"}, "--ulimit nofile=20:10: ulimit soft limit must be less than");
  expect_refused({"--ulimit", "bogus=1"}, "--ulimit bogus=1: invalid ulimit type");
  expect_refused({"--ulimit", "nofile=x"}, "--ulimit");
  expect_refused({"--ulimit", "nofile=10:10"},
                 "--ulimit nofile=10:10: a nofile soft limit below 32 is not supported yet");
  EXPECT_EQ(run_out({"--ulimit", "nofile=32:32"}, "ulimit -n"), "32\n");
}

TEST_F(EngineFlagsLimits, CpuFlagsSetTheCpuCgroup) {
  std::string out = run_out({"--cpus", "0.5"}, cat_first("cpu/cpu.cfs_quota_us", "cpu.max") + "; " +
                                                   cat_first("cpu/cpu.cfs_period_us", "cpu.max"));
  EXPECT_TRUE(out == "50000\n100000\n" || out == "50000 100000\n50000 100000\n") << out;
  out = run_out({"--cpu-period", "50000", "--cpu-quota", "25000", "-c", "512"},
                cat_first("cpu/cpu.cfs_quota_us", "cpu.max") + "; " + cat_first("cpu/cpu.shares", "cpu.weight"));
  // v2: cpu.weight 512 shares -> 20 (runc's conversion).
  EXPECT_TRUE(out == "25000\n512\n" || out.starts_with("25000 50000\n")) << out;
  out = run_out({"--cpuset-cpus", "0", "--cpuset-mems", "0"},
                cat_first("cpuset/cpuset.cpus", "cpuset.cpus") + "; " + cat_first("cpuset/cpuset.mems", "cpuset.mems"));
  EXPECT_EQ(out, "0\n0\n");
  auto created = ward({"create", "--name", "cpu", "--cpus", "1.5", "--cpuset-cpus", "0", "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  auto host = inspect_container("cpu")["HostConfig"];
  EXPECT_EQ(host["NanoCpus"], 1500000000);
  EXPECT_EQ(host["CpusetCpus"], "0");
  ASSERT_EQ(ward({"rm", "cpu"}).status, 0);
  expect_refused({"--cpus", "abc"}, "--cpus abc: failed to parse");
  expect_refused({"--cpus", "1000"}, "--cpus 1000: range of CPUs is from 0.01");
  expect_refused({"--cpus", "1", "--cpu-period", "10000"}, "--cpus: conflicting options");
  expect_refused({"--cpuset-cpus", "99-100"}, "--cpuset-cpus 99-100: requested CPUs are not available");
  expect_refused({"--cpuset-cpus", "1-x"}, "--cpuset-cpus 1-x: invalid value");
  expect_refused({"--cpuset-mems", "7"}, "--cpuset-mems 7: requested memory nodes are not available");
  expect_refused({"--cpu-period", "10"}, "--cpu-period 10: CPU cfs period can not be less than 1ms");
  expect_refused({"--cpu-quota", "10"}, "--cpu-quota 10: CPU cfs quota can not be less than 1ms");
  expect_refused({"-c", "x"}, "--cpu-shares x: not an integer");
}

TEST_F(EngineFlagsLimits, MemoryFlagsSetTheMemoryCgroup) {
  std::string out = run_out({"-m", "64m", "--memory-reservation", "32m", "--memory-swap", "96m", "--memory-swappiness",
                             "10", "--oom-kill-disable"},
                            cat_first("memory/memory.soft_limit_in_bytes", "memory.low") + "; " +
                                cat_first("memory/memory.memsw.limit_in_bytes", "memory.swap.max") + "; " +
                                "cat /sys/fs/cgroup/memory/memory.swappiness; grep oom_kill_disable "
                                "/sys/fs/cgroup/memory/memory.oom_control");
  EXPECT_EQ(out, "33554432\n100663296\n10\noom_kill_disable 1\n");
  out =
      run_out({"-m", "64m", "--memory-swap", "-1"}, cat_first("memory/memory.memsw.limit_in_bytes", "memory.swap.max"));
  EXPECT_TRUE(out == "9223372036854771712\n" || out == "max\n") << out;
  EXPECT_EQ(run_out({"--oom-score-adj", "500"}, "cat /proc/self/oom_score_adj"), "500\n");
  auto created = ward({"create", "--name", "mem", "-m", "64m", "--memory-swap", "128m", "--memory-swappiness", "0",
                       "--oom-score-adj", "100", "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  auto host = inspect_container("mem")["HostConfig"];
  EXPECT_EQ(host["MemorySwap"], 128 << 20);
  EXPECT_EQ(host["MemorySwappiness"], 0);
  EXPECT_EQ(host["OomScoreAdj"], 100);
  EXPECT_EQ(host["OomKillDisable"], false);
  ASSERT_EQ(ward({"rm", "mem"}).status, 0);
  expect_refused({"--memory-swap", "128m"}, "--memory-swap: you should always set the memory limit");
  expect_refused({"-m", "64m", "--memory-swap", "32m"}, "--memory-swap: minimum memoryswap limit");
  expect_refused({"-m", "32m", "--memory-reservation", "64m"}, "--memory-reservation: minimum memory limit");
  expect_refused({"--memory-reservation", "lots"}, "--memory-reservation");
  expect_refused({"--memory-swappiness", "101"}, "--memory-swappiness 101: invalid value");
  expect_refused({"--oom-score-adj", "2000"}, "--oom-score-adj 2000: invalid value");
  expect_refused({"--oom-score-adj", "-500"}, "--oom-score-adj -500: a negative score needs CAP_SYS_RESOURCE");
}

// Throttling needs a block device of the host; the first disk in /sys/block.
TEST_F(EngineFlagsLimits, DeviceThrottlesSetTheBlkioCgroup) {
  auto [device, numbers] = first_block_device();
  if (device.empty()) GTEST_SKIP() << "no block device on this host";
  std::string out = run_out({"--device-read-bps", device + ":1mb", "--device-write-iops", device + ":100"},
                            "cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device "
                            "/sys/fs/cgroup/blkio/blkio.throttle.write_iops_device 2>/dev/null || "
                            "cat /sys/fs/cgroup/io.max");
  EXPECT_TRUE(out == numbers + " 1048576\n" + numbers + " 100\n" ||
              out == numbers + " rbps=1048576 wbps=max riops=max wiops=100\n")
      << out;
  auto created = ward({"create", "--name", "blk", "--device-write-bps", device + ":2mb", "busybox", "true"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(inspect_container("blk")["HostConfig"]["BlkioDeviceWriteBps"],
            nlohmann::json::parse(R"([{"Path":")" + device + R"(","Rate":2097152}])"));
  ASSERT_EQ(ward({"rm", "blk"}).status, 0);
  expect_refused({"--device-read-bps", "/dev/null:1mb"},
                 "--device-read-bps /dev/null:1mb: /dev/null is not a block device");
  expect_refused({"--device-read-iops", device + ":x"}, "--device-read-iops");
  expect_refused({"--device-write-bps", "nodev"}, "--device-write-bps nodev: expected /dev/DEVICE:RATE");
  expect_refused({"--blkio-weight", "5"}, "--blkio-weight 5: range of blkio weight is from 10 to 1000");
}

// Where the host's blkio controller has a weight file the weight is set;
// where it has none (no BFQ or CFQ scheduler, as on virtio disks) the flag
// is refused before anything is made.
TEST_F(EngineFlagsLimits, BlkioWeightIsSetOrRefusedNamingTheFlag) {
  bool v1_without_weight =
      ::access("/sys/fs/cgroup/blkio", F_OK) == 0 && ::access("/sys/fs/cgroup/blkio/blkio.weight", F_OK) != 0;
  if (v1_without_weight) {
    expect_refused({"--blkio-weight", "300"}, "--blkio-weight: this host's blkio cgroup has no blkio.weight");
    return;
  }
  EXPECT_NE(run_out({"--blkio-weight", "300"}, cat_first("blkio/blkio.weight", "io.bfq.weight")).find("300"),
            std::string::npos);
}

// The same for a device's weight; its values are checked either way.
TEST_F(EngineFlagsLimits, BlkioWeightDeviceIsSetOrRefusedNamingTheFlag) {
  auto [device, numbers] = first_block_device();
  if (device.empty()) GTEST_SKIP() << "no block device on this host";
  expect_refused({"--blkio-weight-device", device + ":5"},
                 "--blkio-weight-device " + device + ":5: invalid weight for device (10 to 1000)");
  expect_refused({"--blkio-weight-device", "/dev/null:300"},
                 "--blkio-weight-device /dev/null:300: /dev/null is not a block device");
  expect_refused({"--blkio-weight-device", "300"}, "--blkio-weight-device 300: expected /dev/DEVICE:WEIGHT");
  bool v1_without_weight =
      ::access("/sys/fs/cgroup/blkio", F_OK) == 0 && ::access("/sys/fs/cgroup/blkio/blkio.weight_device", F_OK) != 0;
  if (v1_without_weight) {
    expect_refused({"--blkio-weight-device", device + ":300"},
                   "--blkio-weight-device: this host's blkio cgroup has no blkio.weight_device");
    return;
  }
  EXPECT_NE(run_out({"--blkio-weight-device", device + ":300"}, cat_first("blkio/blkio.weight_device", "io.weight"))
                .find(numbers + " 300"),
            std::string::npos);
}

}  // namespace
}  // namespace ward::test
