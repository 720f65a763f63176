// Mounts, devices, masked and read-only paths, the read-only root.
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

using Mounts = BundleTest;

TEST_F(Mounts, RootIsReadOnlyByDefault) {
  auto facts = run_checker({"ward-checker", "try-write", "/probe"});
  EXPECT_EQ(facts["write /probe"], "EROFS");
  config_["root"]["readonly"] = false;
  facts = run_checker({"ward-checker", "try-write", "/probe"});
  EXPECT_EQ(facts["write /probe"], "ok");
  EXPECT_TRUE(exists(rootfs_ + "/probe"));
}

TEST_F(Mounts, MaskedAndReadOnlyPaths) {
  auto facts = run_checker({"sh", "-c",
                            "echo keys=$(wc -c < /proc/keys); echo firmware=$(ls /sys/firmware | wc -l);"
                            "ward-checker try-write /proc/sys/kernel/hostname;"
                            "ward-checker try-write /proc/sysrq-trigger; ward-checker try-write /sys/kernel/ward-probe;"
                            "ward-checker try-write /sys/fs/cgroup/ward"});
  EXPECT_EQ(facts["keys"], "0");
  EXPECT_EQ(facts["firmware"], "0");
  EXPECT_EQ(facts["write /proc/sys/kernel/hostname"], "EROFS");
  // Some kernels (this CI's among them) are built without sysrq.
  if (exists("/proc/sysrq-trigger")) {
    EXPECT_EQ(facts["write /proc/sysrq-trigger"], "EROFS");
  }
  EXPECT_EQ(facts["write /sys/kernel/ward-probe"], "EROFS");
  EXPECT_EQ(facts["write /sys/fs/cgroup/ward"], "EROFS");
  // Without the lists the same paths are visible (so the test is not vacuous).
  config_["linux"]["maskedPaths"] = nlohmann::json::array();
  facts = run_checker({"sh", "-c", "echo firmware=$(ls /sys/firmware | wc -l)"});
  EXPECT_NE(facts["firmware"], "0");
}

TEST_F(Mounts, TmpfsWithSizeAndMode) {
  add_mount("/scratch", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=1m", "mode=700"});
  auto facts = run_checker({"sh", "-c",
                            "grep ' /scratch ' /proc/self/mountinfo | sed 's/^/line=/';"
                            "echo mode=$(stat -c %a /scratch); ward-checker try-write /scratch/f"});
  EXPECT_NE(facts["line"].find("size=1024k"), std::string::npos) << facts["line"];
  EXPECT_NE(facts["line"].find("nosuid,nodev"), std::string::npos) << facts["line"];
  EXPECT_EQ(facts["mode"], "700");
  EXPECT_EQ(facts["write /scratch/f"], "ok");
}

TEST_F(Mounts, BindMountsReadOnlyAndReadWrite) {
  ::mkdir((dir_ + "/shared").c_str(), 0755);
  write_text(dir_ + "/shared/hello", "from host\n");
  add_mount("/ro", "bind", dir_ + "/shared", {"rbind", "ro"});
  add_mount("/rw", "bind", dir_ + "/shared", {"bind", "rw"});
  auto facts = run_checker({"sh", "-c",
                            "echo content=$(cat /ro/hello); ward-checker try-write /ro/new;"
                            "ward-checker try-write /rw/new"});
  EXPECT_EQ(facts["content"], "from host");
  EXPECT_EQ(facts["write /ro/new"], "EROFS");
  EXPECT_EQ(facts["write /rw/new"], "ok");
  EXPECT_TRUE(exists(dir_ + "/shared/new"));
}

// crun's copy-symlink: a symlink source becomes the same symlink inside,
// replacing what the image has there; without it the bind follows the link.
TEST_F(Mounts, CopySymlinkRecreatesTheLink) {
  ::mkdir((dir_ + "/zoneinfo").c_str(), 0755);
  write_text(dir_ + "/zoneinfo/UTC", "host zone\n");
  ASSERT_EQ(::symlink((dir_ + "/zoneinfo/UTC").c_str(), (dir_ + "/localtime").c_str()), 0);
  write_text(rootfs_ + "/etc/localtime", "image zone\n");
  add_mount("/etc/localtime", "bind", dir_ + "/localtime", {"bind", "ro", "copy-symlink"});
  auto facts = run_checker({"sh", "-c", "echo type=$(stat -c %F /etc/localtime); echo target=$(readlink /etc/localtime)"});
  EXPECT_EQ(facts["type"], "symbolic link");
  EXPECT_EQ(facts["target"], dir_ + "/zoneinfo/UTC");
  // The link is in the image now (as any mount point ward-oci creates).
  ASSERT_EQ(::unlink((rootfs_ + "/etc/localtime").c_str()), 0);
  write_text(rootfs_ + "/etc/localtime", "image zone\n");
  config_["mounts"].back()["options"] = {"bind", "ro"};
  facts = run_checker({"sh", "-c", "echo type=$(stat -c %F /etc/localtime); echo content=$(cat /etc/localtime)"});
  EXPECT_EQ(facts["type"], "regular file");
  EXPECT_EQ(facts["content"], "host zone");
}

TEST_F(Mounts, DefaultAndConfiguredDevices) {
  config_["linux"]["devices"] = {
      {{"path", "/dev/ward-zero"}, {"type", "c"}, {"major", 1}, {"minor", 5}, {"fileMode", 0640}, {"uid", 0}, {"gid", 0}}};
  auto facts = run_checker({"sh", "-c",
                            "for d in null zero full random urandom tty ward-zero; do echo $d=$(stat -c '%F %t:%T' /dev/$d); done;"
                            "echo mode=$(stat -c %a /dev/ward-zero); echo fd=$(readlink /dev/fd); echo ptmx=$(readlink /dev/ptmx);"
                            "echo read=$(head -c 4 /dev/ward-zero | od -An -tx1 | tr -d ' ')"});
  EXPECT_EQ(facts["null"], "character special file 1:3");
  EXPECT_EQ(facts["zero"], "character special file 1:5");
  EXPECT_EQ(facts["full"], "character special file 1:7");
  EXPECT_EQ(facts["random"], "character special file 1:8");
  EXPECT_EQ(facts["urandom"], "character special file 1:9");
  EXPECT_EQ(facts["tty"], "character special file 5:0");
  EXPECT_EQ(facts["ward-zero"], "character special file 1:5");
  EXPECT_EQ(facts["mode"], "640");
  EXPECT_EQ(facts["fd"], "/proc/self/fd");
  EXPECT_EQ(facts["ptmx"], "pts/ptmx");
  EXPECT_EQ(facts["read"], "00000000");
}

TEST_F(Mounts, DestinationsStayInsideTheRootfs) {
  // A symlink in the image pointing at a host path: the mount lands inside
  // the rootfs, never on the host's /tmp.
  ASSERT_EQ(::symlink("/tmp", (rootfs_ + "/escape").c_str()), 0);
  add_mount("/escape/ward-escape-probe", "tmpfs", "tmpfs", {"size=64k"});
  add_mount("/../../../ward-dotdot", "tmpfs", "tmpfs", {"size=64k"});
  std::string before = host_mounts();
  auto facts = run_checker({"sh", "-c", "grep -cE ' /(tmp/ward-escape-probe|ward-dotdot) ' /proc/self/mountinfo | sed 's/^/count=/'"});
  EXPECT_EQ(facts["count"], "2");
  EXPECT_EQ(host_mounts(), before);
  EXPECT_FALSE(exists("/tmp/ward-escape-probe"));
  EXPECT_FALSE(exists("/ward-dotdot"));
  EXPECT_TRUE(exists(rootfs_ + "/tmp/ward-escape-probe"));
  EXPECT_TRUE(exists(rootfs_ + "/ward-dotdot"));
}

TEST_F(Mounts, ProcAndSysfsAndMqueue) {
  auto facts = run_checker({"sh", "-c",
                            "for m in /proc /sys /dev/mqueue /dev/pts /dev/shm; do"
                            " echo $m=$(awk -v m=$m '$2==m {print $3}' /proc/self/mounts); done"});
  EXPECT_EQ(facts["/proc"], "proc");
  EXPECT_EQ(facts["/sys"], "sysfs");
  EXPECT_EQ(facts["/dev/mqueue"], "mqueue");
  EXPECT_EQ(facts["/dev/pts"], "devpts");
  EXPECT_EQ(facts["/dev/shm"], "tmpfs");
}

}  // namespace
}  // namespace ward::test
