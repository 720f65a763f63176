// linux.resources under attack: limits hold when asked for, and are absent
// when not (so no test passes vacuously).  Paths inside the container are
// those of this host's v1 (hybrid) layout.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "support.h"

namespace ward::test {
namespace {

class Cgroups : public BundleTest {
 protected:
  std::string host_cgroup(const std::string& controller, const std::string& id) {
    return "/sys/fs/cgroup/" + controller + "/" + dir_.substr(dir_.rfind('/') + 1) + "/" + id;
  }
  // What a busy loop (the container's process.args) got over about a
  // second: cores from cpuacct.usage, and the periods the CFS quota
  // throttled it (cpu.stat).  cores is -1 if it did not run.
  struct CpuShare {
    double cores = -1;
    std::uint64_t throttled_periods = 0;
  };
  CpuShare busy_loop_cores(const std::string& id) {
    save_config();
    CpuShare share;
    if (oci({"run", "--detach", id}).status != 0) return share;
    std::string usage_file = host_cgroup("cpuacct", id) + "/cpuacct.usage";
    ::usleep(200000);  // past the start
    auto start = std::chrono::steady_clock::now();
    std::uint64_t before = std::stoull(read_text(usage_file));
    ::usleep(1000000);
    std::uint64_t after = std::stoull(read_text(usage_file));
    double wall_ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    std::istringstream stat(read_text(host_cgroup("cpu", id) + "/cpu.stat"));
    std::string key;
    std::uint64_t value;
    while (stat >> key >> value)
      if (key == "nr_throttled") share.throttled_periods = value;
    EXPECT_EQ(oci({"delete", "--force", id}).status, 0);
    share.cores = static_cast<double>(after - before) / wall_ns;
    return share;
  }
};

TEST_F(Cgroups, PidsLimitContainsAForkBomb) {
  config_["linux"]["resources"]["pids"] = {{"limit", 20}};
  auto facts = run_checker({"ward-checker", "forkbomb", "200"});
  // The checker itself is one of the 20.
  EXPECT_EQ(facts["forked"], "19");
  EXPECT_EQ(facts["failed"], "181");
  // The host is still fine: ward-oci itself keeps working.
  EXPECT_EQ(oci({"list", "-q"}).status, 0);
}

TEST_F(Cgroups, DefaultSpecLimitsPidsTo2048) {
  auto facts = run_checker({"sh", "-c", "echo max=$(cat /sys/fs/cgroup/pids/pids.max)"});
  EXPECT_EQ(facts["max"], "2048");
}

TEST_F(Cgroups, NoPidsLimitWithoutTheConfig) {
  config_["linux"].erase("resources");
  auto facts = run_checker({"sh", "-c", "echo max=$(cat /sys/fs/cgroup/pids/pids.max)"});
  EXPECT_EQ(facts["max"], "max");
  facts = run_checker({"ward-checker", "forkbomb", "200"});
  EXPECT_EQ(facts["forked"], "200");
}

TEST_F(Cgroups, MemoryLimitOomKills) {
  config_["linux"]["resources"]["memory"] = {{"limit", 64 << 20}, {"swap", 64 << 20}};
  set_args({"ward-checker", "alloc", "200"});
  auto outcome = oci({"run", "oom"});
  EXPECT_EQ(outcome.status, 137) << outcome.out << outcome.err;
  EXPECT_EQ(outcome.out.find("allocated="), std::string::npos);
  // Without the limit the same allocation succeeds.
  config_["linux"].erase("resources");
  outcome = oci({"run", "no-oom"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "allocated=200\n");
}

TEST_F(Cgroups, DeviceRulesDenyMknodEvenWithCapMknod) {
  config_["process"]["capabilities"]["bounding"].push_back("CAP_MKNOD");
  config_["process"]["capabilities"]["effective"].push_back("CAP_MKNOD");
  config_["process"]["capabilities"]["permitted"].push_back("CAP_MKNOD");
  set_args({"sh", "-c",
            "mknod /dev/disk b 8 0 2>/dev/null && echo disk=made || echo disk=denied;"
            "mknod /dev/null2 c 1 3 && echo null=made || echo null=denied;"
            "head -c 1 /dev/disk >/dev/null 2>&1 && echo read=ok || echo read=denied"});
  auto outcome = oci({"run", "dev1"});
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["null"], "made") << outcome.out << outcome.err;
  EXPECT_EQ(facts["disk"], "denied");
  // Allow every device: the same mknod works (the rule above is what stopped it).
  config_["linux"]["resources"]["devices"] = {{{"allow", true}, {"access", "rwm"}}};
  outcome = oci({"run", "dev2"});
  facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["disk"], "made") << outcome.out << outcome.err;
}

TEST_F(Cgroups, CpusetPinsTheContainer) {
  config_["linux"]["resources"]["cpu"] = {{"cpus", "0"}};
  auto facts = run_checker({"sh", "-c", "grep Cpus_allowed_list /proc/self/status | sed 's/.*:\\s*/cpus=/'"});
  EXPECT_EQ(facts["cpus"], "0");
  config_["linux"].erase("resources");
  facts = run_checker({"sh", "-c", "grep Cpus_allowed_list /proc/self/status | sed 's/.*:\\s*/cpus=/'"});
  EXPECT_NE(facts["cpus"], "0");
}

TEST_F(Cgroups, CpuQuotaIsWritten) {
  config_["linux"]["resources"]["cpu"] = {{"quota", 50000}, {"period", 100000}, {"shares", 512}};
  auto facts = run_checker({"sh", "-c",
                            "echo quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us);"
                            "echo shares=$(cat /sys/fs/cgroup/cpu/cpu.shares)"});
  EXPECT_EQ(facts["quota"], "50000");
  EXPECT_EQ(facts["shares"], "512");
}

TEST_F(Cgroups, DeleteRemovesTheCgroupAndItsProcesses) {
  remove_namespace(config_, "pid");  // processes the init's death would not take along
  set_args({"sh", "-c", "sleep 60 & sleep 60"});
  ASSERT_EQ(oci({"run", "--detach", "cg"}).status, 0);
  std::string pids_dir = host_cgroup("pids", "cg");
  ASSERT_TRUE(exists(pids_dir));
  // `run --detach` returns once the shell runs, maybe before it forked the
  // background sleep: wait (at most 5 s) for both processes.
  std::string procs;
  for (int i = 0; i < 100; ++i) {
    procs = read_text(pids_dir + "/cgroup.procs");
    if (std::count(procs.begin(), procs.end(), '\n') >= 2) break;
    ::usleep(50000);
  }
  EXPECT_GE(std::count(procs.begin(), procs.end(), '\n'), 2) << procs;
  ASSERT_EQ(oci({"delete", "--force", "cg"}).status, 0);
  EXPECT_FALSE(exists(pids_dir));
  EXPECT_FALSE(exists(host_cgroup("memory", "cg")));
  // Every process that was in the cgroup is gone.
  std::istringstream pids(procs);
  int pid;
  while (pids >> pid) EXPECT_FALSE(exists("/proc/" + std::to_string(pid) + "/cmdline") &&
                                   read_text("/proc/" + std::to_string(pid) + "/cmdline").starts_with("sleep"))
      << pid;
}

TEST_F(Cgroups, BadResourceNamesTheField) {
  config_["linux"]["resources"]["memory"] = {{"swappiness", 200}};
  save_config();
  auto outcome = oci({"create", "bad"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("linux.resources.memory.swappiness"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_FALSE(exists(host_cgroup("pids", "bad")));
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Cgroups, UpdateChangesLiveLimits) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "up"}).status, 0);
  std::string pids_max = host_cgroup("pids", "up") + "/pids.max";
  EXPECT_EQ(read_text(pids_max), "2048\n");
  auto updated = oci({"update", "--pids-limit", "50", "--memory", "134217728", "up"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_EQ(read_text(pids_max), "50\n");
  EXPECT_EQ(read_text(host_cgroup("memory", "up") + "/memory.limit_in_bytes"), "134217728\n");
  write_text(dir_ + "/resources.json", R"({"pids": {"limit": 77}, "cpu": {"shares": 256}})");
  updated = oci({"update", "--resources", dir_ + "/resources.json", "up"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_EQ(read_text(pids_max), "77\n");
  EXPECT_EQ(read_text(host_cgroup("cpu", "up") + "/cpu.shares"), "256\n");
  // Device rules were left alone by updates without devices.
  auto devices = read_text(host_cgroup("devices", "up") + "/devices.list");
  EXPECT_NE(devices.find("c 1:3 rwm"), std::string::npos) << devices;
  EXPECT_EQ(devices.find("a *:* rwm"), std::string::npos) << devices;
  auto bad = oci({"update", "--pids-limit", "many", "up"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("--pids-limit"), std::string::npos) << bad.err;
}

// Memory sizes with units, as runc takes them (`update --memory 100M`).
TEST_F(Cgroups, UpdateTakesMemorySizesWithUnits) {
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "units"}).status, 0);
  std::string memory = host_cgroup("memory", "units");
  auto updated = oci({"update", "--memory", "100M", "--memory-reservation", "64MiB", "--memory-swap", "1.5g", "units"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_EQ(read_text(memory + "/memory.limit_in_bytes"), "104857600\n");
  EXPECT_EQ(read_text(memory + "/memory.soft_limit_in_bytes"), "67108864\n");
  if (exists(memory + "/memory.memsw.limit_in_bytes")) {
    EXPECT_EQ(read_text(memory + "/memory.memsw.limit_in_bytes"), "1610612736\n");
  }
  // A size that is not one: refused naming the flag, the limit unchanged.
  auto bad = oci({"update", "--memory", "100X", "units"});
  EXPECT_NE(bad.status, 0);
  EXPECT_TRUE(bad.err.starts_with("ward-oci: update: --memory: \"100X\" is not a size")) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_EQ(read_text(memory + "/memory.limit_in_bytes"), "104857600\n");
  EXPECT_EQ(oci({"delete", "--force", "units"}).status, 0);
}

TEST_F(Cgroups, StatsMoveWithLoad) {
  set_args({"sh", "-c", "while :; do :; done"});
  ASSERT_EQ(oci({"run", "--detach", "busy"}).status, 0);
  auto first = nlohmann::json::parse(oci({"events", "--stats", "busy"}).out);
  ASSERT_EQ(first["type"], "stats");
  EXPECT_EQ(first["id"], "busy");
  ::usleep(1000000);
  auto second = nlohmann::json::parse(oci({"events", "--stats", "busy"}).out);
  std::uint64_t before = first["data"]["cpu"]["usage"]["total"];
  std::uint64_t after = second["data"]["cpu"]["usage"]["total"];
  // > 0.1 s of CPU in 1 s: a tenth of a core, a margin for a shared host.
  EXPECT_GT(after, before + 100000000ULL);
  EXPECT_EQ(second["data"]["pids"]["current"], 1);
  EXPECT_EQ(second["data"]["pids"]["limit"], 2048);
  EXPECT_GT(second["data"]["memory"]["usage"]["usage"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(oci({"delete", "--force", "busy"}).status, 0);
  EXPECT_NE(oci({"events", "--stats", "busy"}).status, 0);
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

// Memory the container's v1 cgroup charges now.
std::uint64_t memory_usage(const std::string& memory_dir) {
  return std::stoull(read_text(memory_dir + "/memory.usage_in_bytes"));
}

TEST_F(Cgroups, CheckBeforeUpdateRefusesALimitBelowUsage) {
  config_["linux"]["resources"]["memory"] = {{"limit", 64 << 20}};
  set_args({"ward-checker", "alloc", "30", "60"});
  ASSERT_EQ(oci({"run", "--detach", "mem"}).status, 0);
  std::string memory_dir = host_cgroup("memory", "mem");
  for (int i = 0; i < 100 && memory_usage(memory_dir) < (30u << 20); ++i) ::usleep(50000);
  ASSERT_GE(memory_usage(memory_dir), 30u << 20);
  std::string limit_file = memory_dir + "/memory.limit_in_bytes";

  write_text(dir_ + "/check.json", R"({"memory": {"limit": 10485760, "checkBeforeUpdate": true}})");
  auto refused = oci({"update", "--resources", dir_ + "/check.json", "mem"});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("linux.resources.memory.checkBeforeUpdate"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("10485760"), std::string::npos) << refused.err;
  EXPECT_EQ(read_text(limit_file), std::to_string(64 << 20) + "\n");
  EXPECT_EQ(nlohmann::json::parse(oci({"state", "mem"}).out)["status"], "running");

  // Above the usage the same check lets the limit through.
  write_text(dir_ + "/check.json", R"({"memory": {"limit": 134217728, "checkBeforeUpdate": true}})");
  auto raised = oci({"update", "--resources", dir_ + "/check.json", "mem"});
  EXPECT_EQ(raised.status, 0) << raised.err;
  EXPECT_EQ(read_text(limit_file), "134217728\n");

  // Without the check the v1 kernel itself refuses: it cannot reclaim
  // anonymous memory with no swap, and says EBUSY; the process lives on.
  auto unchecked = oci({"update", "--memory", "10485760", "mem"});
  EXPECT_NE(unchecked.status, 0);
  EXPECT_NE(unchecked.err.find("linux.resources.memory.limit"), std::string::npos) << unchecked.err;
  EXPECT_NE(unchecked.err.find("busy"), std::string::npos) << unchecked.err;
  EXPECT_EQ(read_text(limit_file), "134217728\n");
  EXPECT_EQ(nlohmann::json::parse(oci({"state", "mem"}).out)["status"], "running");
  EXPECT_EQ(oci({"delete", "--force", "mem"}).status, 0);
}

TEST_F(Cgroups, CpuQuotaHoldsABusyLoopNearHalfACore) {
  set_args({"sh", "-c", "while :; do :; done"});
  // The machine's two cores are shared with other work.  The kernel's own
  // count says whether the quota acted (throttled periods), whatever the
  // load; the share of a core counts only from a pair of measurements in
  // which the loop without a quota (the control) got clearly more than the
  // quota allows, so that the quota, not the neighbours, held the other.
  std::string measured;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string n = std::to_string(attempt);
    config_["linux"]["resources"]["cpu"] = {{"quota", 50000}, {"period", 100000}};
    auto limited = busy_loop_cores("half" + n);
    EXPECT_LE(limited.cores, 0.7);
    config_["linux"]["resources"].erase("cpu");
    auto free = busy_loop_cores("full" + n);
    EXPECT_EQ(free.throttled_periods, 0u);
    measured += fmt::format(" {:.2f}/{:.2f}", limited.cores, free.cores);
    if (free.cores <= 0.75) continue;  // too close to the quota to tell the two apart
    EXPECT_GT(limited.throttled_periods, 0u) << measured;
    EXPECT_GE(limited.cores, 0.3) << measured;
    EXPECT_LE(limited.cores, 0.7) << measured;
    EXPECT_LT(limited.cores, free.cores - 0.1) << measured;
    return;
  }
  GTEST_SKIP() << "the host is too busy: a loop without a quota never got 0.75 of a core (cores with/without "
                  "the quota:" << measured << ")";
}

// The whole disk (not a partition: blkio throttles only whole disks) that
// holds the filesystem of `path`, or nullopt if it is on no block device.
std::optional<std::pair<unsigned, unsigned>> disk_of(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) < 0) return std::nullopt;
  std::string sys = fmt::format("/sys/dev/block/{}:{}", major(st.st_dev), minor(st.st_dev));
  if (!exists(sys)) return std::nullopt;
  std::string dev = read_text(exists(sys + "/partition") ? sys + "/../dev" : sys + "/dev");
  unsigned disk_major = 0, disk_minor = 0;
  if (std::sscanf(dev.c_str(), "%u:%u", &disk_major, &disk_minor) != 2) return std::nullopt;
  return std::pair{disk_major, disk_minor};
}

// The container's own block I/O shows in its blkio statistics: 8 MiB
// written with O_DIRECT (so the page cache cannot absorb it) to a bind
// mount on the host's disk.  The control: before the write, nothing.
// On cgroup v1 the kernel (6.x) counts a disk's I/O in blkio.throttle.*
// only once a throttle limit has been set on that disk, by anyone, since
// boot; without one every count stays 0.  So the container gets a write
// limit far above any disk's speed on the disk it writes to, as a client
// that wants these statistics would set.
TEST_F(Cgroups, BlockIoStatsCountTheContainersWrites) {
  std::string data = dir_ + "/data";
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  auto disk = disk_of(data);
  if (!disk) GTEST_SKIP() << data << " is on no block device: no block I/O to count";
  config_["linux"]["resources"]["blockIO"]["throttleWriteBpsDevice"] = {
      {{"major", disk->first}, {"minor", disk->second}, {"rate", std::uint64_t{1} << 40}}};
  add_mount("/data", "bind", data, {"rbind", "rw"});
  // A huge page limit gives the container a hugetlb cgroup (on cgroup2 here).
  bool huge_pages = exists("/sys/kernel/mm/hugepages/hugepages-2048kB");
  if (huge_pages) config_["linux"]["resources"]["hugepageLimits"] = {{{"pageSize", "2MB"}, {"limit", 8 << 20}}};
  // Detached: nobody reads its stdout/stderr, so dd's report must not go there.
  set_args({"sh", "-c", "exec >/dev/null 2>&1; while [ ! -e /data/go ]; do sleep 0.05; done; "
                        "dd if=/dev/zero of=/data/out bs=1M count=8 oflag=direct && touch /data/done; sleep 60"});
  ASSERT_EQ(oci({"run", "--detach", "io"}).status, 0);
  auto written = [](const nlohmann::json& stats) {
    std::uint64_t bytes = 0;
    for (const auto& entry : stats["data"]["blkio"].value("ioServiceBytesRecursive", nlohmann::json::array()))
      if (entry.value("op", "") == "Write") bytes += entry.value("value", std::uint64_t{0});
    return bytes;
  };
  auto before = nlohmann::json::parse(oci({"events", "--stats", "io"}).out);
  EXPECT_LT(written(before), 8u << 20) << before.dump();
  write_text(data + "/go", "");
  for (int i = 0; i < 200 && !exists(data + "/done"); ++i) ::usleep(50000);
  ASSERT_TRUE(exists(data + "/done"));
  auto after = nlohmann::json::parse(oci({"events", "--stats", "io"}).out);
  EXPECT_GE(written(after), written(before) + (8u << 20)) << after.dump();
  EXPECT_FALSE(after["data"]["blkio"]["ioServicedRecursive"].empty()) << after.dump();
  // Huge page usage is reported by page size.
  if (huge_pages) {
    EXPECT_TRUE(after["data"]["hugetlb"].contains("2MB")) << after.dump();
  }
  EXPECT_EQ(oci({"delete", "--force", "io"}).status, 0);
}

TEST_F(Cgroups, StatsOfAnIdleContainerStayStill) {
  // The control of StatsMoveWithLoad: no load, (almost) no CPU time.
  set_args({"sleep", "60"});
  ASSERT_EQ(oci({"run", "--detach", "idle"}).status, 0);
  auto first = nlohmann::json::parse(oci({"events", "--stats", "idle"}).out);
  ::usleep(1000000);
  auto second = nlohmann::json::parse(oci({"events", "--stats", "idle"}).out);
  std::uint64_t before = first["data"]["cpu"]["usage"]["total"];
  std::uint64_t after = second["data"]["cpu"]["usage"]["total"];
  EXPECT_LT(after, before + 10000000ULL);  // < 0.01 s of CPU in 1 s
  EXPECT_EQ(oci({"delete", "--force", "idle"}).status, 0);
}

}  // namespace
}  // namespace ward::test

namespace ward::test {
namespace {

TEST_F(Cgroups, CpuIdleIsWrittenOnV1) {
  // This kernel's v1 cpu controller has cpu.idle (5.15+).
  config_["linux"]["resources"]["cpu"] = {{"idle", 1}};
  auto facts = run_checker({"sh", "-c", "echo idle=$(cat /sys/fs/cgroup/cpu/cpu.idle)"});
  EXPECT_EQ(facts["idle"], "1");
  config_["linux"]["resources"].erase("cpu");
  facts = run_checker({"sh", "-c", "echo idle=$(cat /sys/fs/cgroup/cpu/cpu.idle)"});
  EXPECT_EQ(facts["idle"], "0");
}

}  // namespace
}  // namespace ward::test
