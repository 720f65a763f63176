// ward-oci on a pure cgroup v2 host, as most users run one.  This machine
// is hybrid, so each test runs ward-oci in a private mount namespace whose
// /sys/fs/cgroup is the cgroup2 hierarchy alone (run_on_pure_v2).  Only
// hugetlb is a controller there; freezing, cgroup.kill, cgroup.procs,
// cpu.stat and cgroup.events are core cgroup2 files, so pause/resume,
// kill --all, ps, events and delete take their v2 paths for real.  The
// eBPF device program on such a host: devices_test.cc (PureV2Devices).
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

class PureV2 : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    // The per-test parent made here, so ward-oci never delegates controllers
    // from the hierarchy's root (a host-wide change).
    ASSERT_EQ(::mkdir(unified_dir("").c_str(), 0755), 0);
    config_["linux"].erase("resources");  // pids and memory are v1 controllers here
  }
  std::string parent() const { return dir_.substr(dir_.rfind('/') + 1); }
  // The container's cgroup as the host sees it, and as the pure v2 view does.
  std::string unified_dir(const std::string& id) const { return "/sys/fs/cgroup/unified/" + parent() + "/" + id; }
  std::string v2_dir(const std::string& id) const { return "/sys/fs/cgroup/" + parent() + "/" + id; }
  void use_cgroup(const std::string& id) {
    config_["linux"]["cgroupsPath"] = "/" + parent() + "/" + id;
    save_config();
  }
};

TEST_F(PureV2, PauseResumeStatsKillAllAndDelete) {
  // A busy init with a child: pause must stop the CPU use, kill --all
  // must empty the cgroup.
  set_args({"sh", "-c", "sleep 600 & while :; do :; done"});
  // hugetlb is on this cgroup2 unless a v1 hierarchy holds it (as while
  // bench/lifecycle runs): then the pure v2 view has no hugetlb to limit.
  bool huge_pages = exists("/sys/kernel/mm/hugepages/hugepages-2048kB") && hugetlb_on_cgroup2();
  if (huge_pages) config_["linux"]["resources"]["hugepageLimits"] = {{{"pageSize", "2MB"}, {"limit", 4 << 20}}};
  use_cgroup("life");
  std::string d = v2_dir("life");
  auto outcome = run_on_pure_v2(
      "$W create life && $W start life || exit 1\n"
      "d=" + d + "\n"
      "cpu() { sed -n 's/^usage_usec //p' $d/cpu.stat; }\n"
      "event() { sed -n \"s/^$1 //p\" $d/cgroup.events; }\n"
      "sleep 0.2; echo procs=$(wc -l < $d/cgroup.procs)\n"
      "echo ps=$($W ps --format json life | tr -d '[]' | tr ',' '\\n' | wc -l)\n"
      "echo huge_max=$(cat $d/hugetlb.2MB.max 2>/dev/null)\n"
      "$W pause life; echo pause=$?\n"
      "echo frozen=$(event frozen)\n"
      "echo status=$($W state life | sed -n 's/.*\"status\": *\"\\([a-z]*\\)\".*/\\1/p')\n"
      "a=$(cpu); sleep 0.3; b=$(cpu); echo paused_cpu=$((b - a))\n"
      "$W resume life; echo resume=$?\n"
      "echo thawed=$(event frozen)\n"
      "a=$(cpu); sleep 0.3; b=$(cpu); echo running_cpu=$((b - a))\n"
      "echo stats=$($W events --stats life | tr -d ' ')\n"
      "$W update --pids-limit 50 life 2>&1; echo update=$?\n"
      "$W kill --all life KILL; echo kill=$?\n"
      "for i in $(seq 100); do [ \"$(event populated)\" = 0 ] && break; sleep 0.05; done\n"
      "echo populated=$(event populated)\n"
      "$W delete life; echo delete=$?\n"
      "[ -d $d ] && echo dir_left=yes || echo dir_left=no\n");
  ASSERT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  auto facts = parse_facts(outcome.out);
  EXPECT_EQ(facts["procs"], "2") << outcome.out;
  EXPECT_EQ(facts["ps"], "2") << outcome.out;
  if (huge_pages) {
    EXPECT_EQ(facts["huge_max"], "4194304");
  }
  EXPECT_EQ(facts["pause"], "0") << outcome.out;
  EXPECT_EQ(facts["frozen"], "1");
  EXPECT_EQ(facts["status"], "paused");
  EXPECT_EQ(facts["paused_cpu"], "0") << "a frozen loop used CPU";
  EXPECT_EQ(facts["resume"], "0");
  EXPECT_EQ(facts["thawed"], "0");
  // The control: thawed, the loop runs again (> 0.03 s of CPU in 0.3 s).
  EXPECT_GT(std::stoll(facts["running_cpu"]), 30000) << outcome.out;
  // Stats from cgroup2 files: CPU time and, without the pids controller,
  // the processes in cgroup.procs.
  auto stats = nlohmann::json::parse(facts["stats"]);
  EXPECT_GT(stats["data"]["cpu"]["usage"]["total"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(stats["data"]["pids"]["current"], 2);
  if (huge_pages) {
    EXPECT_TRUE(stats["data"]["hugetlb"].contains("2MB")) << facts["stats"];
  }
  // A limit for a controller this cgroup2 lacks: refused, naming it.
  EXPECT_NE(outcome.out.find("ward-oci: update: linux.resources.pids.limit: pids.max is not available"),
            std::string::npos)
      << outcome.out;
  EXPECT_EQ(facts["update"], "1");
  EXPECT_EQ(facts["kill"], "0");
  EXPECT_EQ(facts["populated"], "0");
  EXPECT_EQ(facts["delete"], "0");
  EXPECT_EQ(facts["dir_left"], "no");
  EXPECT_FALSE(exists(unified_dir("life")));
  EXPECT_TRUE(state_entries().empty());
}

// A resource the pure v2 host cannot honour fails create with one line
// naming the field, and nothing is left: no state, no cgroup, no process.
// The control is PauseResumeStatsKillAllAndDelete (no such field: it runs).
TEST_F(PureV2, MissingControllerIsRefusedBeforeAnythingIsLeft) {
  set_args({"true"});
  config_["linux"]["resources"]["pids"] = {{"limit", 20}};
  use_cgroup("nopids");
  auto outcome = run_on_pure_v2("exec $W run nopids");
  EXPECT_NE(outcome.status, 0);
  EXPECT_TRUE(outcome.err.starts_with("ward-oci: linux.resources.pids.limit: ")) << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
  EXPECT_FALSE(exists(unified_dir("nopids")));
  EXPECT_TRUE(processes_mentioning(root_).empty());
}

}  // namespace
}  // namespace ward::test
