// User namespaces by default, checked from the host's side: container
// root's files and processes belong to a subordinate uid of the `ward`
// entry in /etc/subuid, two containers get disjoint ranges, the image's
// layers are seen through an idmapped mount (nothing copied into the
// container's writable layer), and --userns host opts out.
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine_support.h"

namespace ward::test {
namespace {

using EngineUserns = EngineTest;

// The first `ward:START:COUNT` entry of a subuid/subgid file.
std::pair<long, long> ward_entry(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("ward:")) {
      auto second = line.find(':', 5);
      return {std::stol(line.substr(5, second - 5)), std::stol(line.substr(second + 1))};
    }
  return {-1, -1};
}

// "0 HOST SIZE" of a uid_map line printed by the container.
long host_id_of_root(const std::string& uid_map) {
  std::istringstream in(uid_map);
  long inside = -1, host = -1, size = -1;
  in >> inside >> host >> size;
  return inside == 0 ? host : -1;
}

TEST_F(EngineUserns, ContainerRootIsASubordinateUidOnTheHost) {
  auto first =
      ward({"run", "--name", "first", "busybox", "sh", "-c", "cat /proc/self/uid_map; echo x > /made-by-root"});
  ASSERT_EQ(first.status, 0) << first.err;
  auto second = ward({"run", "--name", "second", "busybox", "cat", "/proc/self/uid_map"});
  ASSERT_EQ(second.status, 0) << second.err;
  auto [start, count] = ward_entry("/etc/subuid");
  ASSERT_GE(start, 100000) << "ward added no entry to /etc/subuid";
  ASSERT_GE(count, 2 * 65536);
  EXPECT_GE(ward_entry("/etc/subgid").first, 100000);
  long a = host_id_of_root(first.out), b = host_id_of_root(second.out);
  EXPECT_NE(first.out.find("65536"), std::string::npos) << first.out;
  EXPECT_GE(a, start);
  EXPECT_GE(b, start);
  EXPECT_LT(a + 65536, start + count + 1);
  // Disjoint: the two ranges do not overlap.
  EXPECT_TRUE(a + 65536 <= b || b + 65536 <= a) << a << " " << b;
  // The file container root wrote belongs to its range's first uid.
  std::string id = inspect_container("first")["Id"];
  struct stat st {};
  std::string upper = inspect_container("first")["GraphDriver"]["Data"]["UpperDir"];
  ASSERT_EQ(::stat((upper + "/made-by-root").c_str(), &st), 0) << upper;
  EXPECT_EQ(static_cast<long>(st.st_uid), a);
  // Nothing of the image was copied up: its files are reached through the
  // idmapped layer, yet belong to the container's root inside.
  EXPECT_NE(::access((upper + "/bin").c_str(), F_OK), 0);
  auto listing = ward({"run", "--rm", "busybox", "ls", "-ln", "/bin/busybox"});
  EXPECT_NE(listing.out.find(" 0        0 "), std::string::npos) << listing.out;
}

TEST_F(EngineUserns, TheContainersProcessesRunAsItsRangeOnTheHost) {
  start_ward({"run", "--name", "proc", "busybox", "sleep", "60"});
  ASSERT_TRUE(wait_running("proc"));
  int pid = inspect_container("proc")["State"]["Pid"];
  struct stat st {};
  ASSERT_EQ(::stat(("/proc/" + std::to_string(pid)).c_str(), &st), 0);
  auto [start, count] = ward_entry("/etc/subuid");
  EXPECT_GE(static_cast<long>(st.st_uid), start);
  EXPECT_LT(static_cast<long>(st.st_uid), start + count);
  EXPECT_EQ(ward({"rm", "-f", "proc"}).status, 0);
}

TEST_F(EngineUserns, UsernsHostAndPrivilegedOptOutWithAWarning) {
  auto host = ward({"run", "--rm", "--userns", "host", "busybox", "cat", "/proc/self/uid_map"});
  ASSERT_EQ(host.status, 0) << host.err;
  EXPECT_EQ(host_id_of_root(host.out), 0);
  EXPECT_NE(host.err.find("warning: --userns host"), std::string::npos) << host.err;
  auto privileged = ward(
      {"run", "--rm", "--privileged", "busybox", "sh", "-c", "cat /proc/self/uid_map; grep CapEff /proc/self/status"});
  ASSERT_EQ(privileged.status, 0) << privileged.err;
  EXPECT_EQ(host_id_of_root(privileged.out), 0);
  // Every capability ward holds: this test's bounding set (a host may drop
  // one for every process, as this one does CAP_SYS_RESOURCE).
  std::ifstream status("/proc/self/status");
  std::string line, bounding;
  while (std::getline(status, line))
    if (line.starts_with("CapBnd:")) bounding = line.substr(line.find('\t') + 1);
  ASSERT_FALSE(bounding.empty());
  EXPECT_NE(privileged.out.find("CapEff:\t" + bounding), std::string::npos) << privileged.out;
  EXPECT_NE(privileged.err.find("warning: --privileged"), std::string::npos) << privileged.err;
  expect_no_container_left();
}

// The claim behind the default, tried as an attack: container root with
// CAP_SYS_ADMIN added and seccomp off mounts a fresh proc and writes a
// kernel setting that is the whole host's (printk_ratelimit, written with
// the value it has, so the host is left as it was).  In its own user
// namespace that is refused; with --userns host the same container can.
TEST_F(EngineUserns, ContainerRootCannotWriteHostKernelSettingsThatHostRootCan) {
  const std::string script =
      "mkdir -p /p && mount -t proc proc /p && cat /p/sys/kernel/printk_ratelimit > /old && "
      "cat /old > /p/sys/kernel/printk_ratelimit && echo WROTE";
  std::vector<std::string> base = {"run", "--rm", "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined"};
  auto contained = base;
  contained.insert(contained.end(), {"busybox", "sh", "-c", script});
  auto refused = ward(contained);
  EXPECT_EQ(refused.out.find("WROTE"), std::string::npos) << refused.out << refused.err;
  auto unprotected = base;
  unprotected.insert(unprotected.end(), {"--userns", "host", "busybox", "sh", "-c", script});
  auto allowed = ward(unprotected);
  EXPECT_NE(allowed.out.find("WROTE"), std::string::npos) << allowed.out << allowed.err;
  expect_no_container_left();
}

}  // namespace
}  // namespace ward::test
