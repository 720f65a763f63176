// tmpcopyup: a tmpfs that starts with a copy of the directory it covers
// (what Podman asks for on every --tmpfs), copied without ever following a
// symlink out of the image.  Bad uses (a bind mount, a tree too deep) are in
// bad_input_test.cc.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

class TmpCopyUp : public BundleTest {
 protected:
  // rootfs/data: a file with a mode, owner, mtime and xattr, nested
  // directories, a relative symlink, a fifo and a device node.
  void make_image_data() {
    std::string data = rootfs_ + "/data";
    ASSERT_EQ(::mkdir(data.c_str(), 0750), 0);
    ASSERT_EQ(::chown(data.c_str(), 1000, 1000), 0);
    write_text(data + "/a", "alpha\n");
    ASSERT_EQ(::chown((data + "/a").c_str(), 1000, 2000), 0);
    ASSERT_EQ(::chmod((data + "/a").c_str(), 0640), 0);
    has_xattr_ = ::setxattr((data + "/a").c_str(), "user.ward", "kept", 4, 0) == 0;
    struct timeval times[2] = {{1000000000, 0}, {1000000000, 0}};
    ASSERT_EQ(::utimes((data + "/a").c_str(), times), 0);
    ASSERT_EQ(::mkdir((data + "/sub").c_str(), 0700), 0);
    ASSERT_EQ(::mkdir((data + "/sub/deep").c_str(), 0755), 0);
    write_text(data + "/sub/deep/file", "deep\n");
    ASSERT_EQ(::chmod((data + "/sub/deep/file").c_str(), 04755), 0);
    ASSERT_EQ(::symlink("sub/deep/file", (data + "/link").c_str()), 0);
    ASSERT_EQ(::mkfifo((data + "/pipe").c_str(), 0620), 0);
    ASSERT_EQ(::chmod((data + "/pipe").c_str(), 0620), 0);  // past the umask
    ASSERT_EQ(::mknod((data + "/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)), 0);
    ASSERT_EQ(::chmod((data + "/zero").c_str(), 0666), 0);
  }
  bool has_xattr_ = false;
};

TEST_F(TmpCopyUp, CopiesTheCoveredDirectoryWithItsAttributes) {
  make_image_data();
  add_mount("/data", "tmpfs", "tmpfs", {"nosuid", "size=1m", "tmpcopyup"});
  auto facts = run_checker({"sh", "-c",
                            "echo fstype=$(awk '$2==\"/data\" {print $3}' /proc/self/mounts);"
                            "echo root=$(stat -c '%a %u %g' /data); echo a=$(cat /data/a);"
                            "echo a_stat=$(stat -c '%a %u %g %Y' /data/a); echo sub=$(stat -c '%a' /data/sub);"
                            "echo deep=$(cat /data/sub/deep/file) $(stat -c %a /data/sub/deep/file);"
                            "echo link=$(stat -c %F /data/link) $(readlink /data/link);"
                            "echo pipe=$(stat -c '%F %a' /data/pipe); echo zero=$(stat -c '%F %t:%T %a' /data/zero);"
                            "ward-checker xattr /data/a user.ward; ward-checker try-write /data/new"});
  EXPECT_EQ(facts["fstype"], "tmpfs");
  EXPECT_EQ(facts["root"], "750 1000 1000");
  EXPECT_EQ(facts["a"], "alpha");
  EXPECT_EQ(facts["a_stat"], "640 1000 2000 1000000000");
  EXPECT_EQ(facts["sub"], "700");
  EXPECT_EQ(facts["deep"], "deep 4755");
  EXPECT_EQ(facts["link"], "symbolic link sub/deep/file");
  EXPECT_EQ(facts["pipe"], "fifo 620");
  EXPECT_EQ(facts["zero"], "character special file 1:5 666");
  if (has_xattr_) {
    EXPECT_EQ(facts["xattr /data/a user.ward"], "kept");
  }
  // Writes go to the tmpfs, not to the image.
  EXPECT_EQ(facts["write /data/new"], "ok");
  EXPECT_FALSE(exists(rootfs_ + "/data/new"));
}

TEST_F(TmpCopyUp, WithoutTheOptionTheTmpfsIsEmpty) {
  make_image_data();
  add_mount("/data", "tmpfs", "tmpfs", {"nosuid", "size=1m"});
  auto facts = run_checker({"sh", "-c", "echo entries=$(ls -A /data | wc -l)"});
  EXPECT_EQ(facts["entries"], "0");
}

TEST_F(TmpCopyUp, OptionsOverTheRootAndReadOnly) {
  make_image_data();
  add_mount("/data", "tmpfs", "tmpfs", {"tmpcopyup", "mode=711", "ro"});
  auto facts = run_checker({"sh", "-c",
                            "echo root=$(stat -c '%a %u' /data); echo a=$(cat /data/a);"
                            "ward-checker try-write /data/new"});
  EXPECT_EQ(facts["root"], "711 1000");
  EXPECT_EQ(facts["a"], "alpha");
  EXPECT_EQ(facts["write /data/new"], "EROFS");
}

// Symlinks in the image that point at host paths are copied as symlinks:
// the copy never reads through them, so no host content reaches the tmpfs.
TEST_F(TmpCopyUp, SymlinksAreCopiedNeverFollowed) {
  std::string secret = "ward-host-secret-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir((dir_ + "/host").c_str(), 0755), 0);
  write_text(dir_ + "/host/secret", secret + "\n");
  std::string data = rootfs_ + "/data";
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  ASSERT_EQ(::symlink((dir_ + "/host/secret").c_str(), (data + "/file").c_str()), 0);
  ASSERT_EQ(::symlink((dir_ + "/host").c_str(), (data + "/dir").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../../../etc", (data + "/up").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/shadow", (data + "/shadow").c_str()), 0);
  add_mount("/data", "tmpfs", "tmpfs", {"tmpcopyup"});
  std::string before = host_mounts();
  auto facts = run_checker({"sh", "-c",
                            "for l in file dir up shadow; do echo $l=$(stat -c %F /data/$l) $(readlink /data/$l); done;"
                            "echo regular=$(find /data -type f | wc -l); echo dirs=$(find /data -type d | wc -l);"
                            "echo found=$(cat /data/file /data/dir/secret 2>/dev/null | wc -c)"});
  EXPECT_EQ(facts["file"], "symbolic link " + dir_ + "/host/secret");
  EXPECT_EQ(facts["dir"], "symbolic link " + dir_ + "/host");
  EXPECT_EQ(facts["up"], "symbolic link ../../../../../../etc");
  EXPECT_EQ(facts["shadow"], "symbolic link /etc/shadow");
  EXPECT_EQ(facts["regular"], "0");
  EXPECT_EQ(facts["dirs"], "1");
  EXPECT_EQ(facts["found"], "0");
  EXPECT_EQ(read_text(dir_ + "/host/secret"), secret + "\n");
  EXPECT_EQ(host_mounts(), before);
}

// A mount below the destination belongs to another filesystem: its
// mount point is copied, not its content.
TEST_F(TmpCopyUp, StaysOnTheCoveredMount) {
  ASSERT_EQ(::mkdir((dir_ + "/host").c_str(), 0755), 0);
  write_text(dir_ + "/host/hostfile", "host\n");
  ASSERT_EQ(::mkdir((rootfs_ + "/data").c_str(), 0755), 0);
  write_text(rootfs_ + "/data/image-file", "image\n");
  add_mount("/data/inner", "bind", dir_ + "/host", {"bind"});
  add_mount("/data", "tmpfs", "tmpfs", {"tmpcopyup"});
  auto facts = run_checker({"sh", "-c", "echo image=$(cat /data/image-file); echo inner=$(ls -A /data/inner | wc -l)"});
  EXPECT_EQ(facts["image"], "image");
  EXPECT_EQ(facts["inner"], "0");
}

// A device node under a nodev mount, or a set-id program under a nosuid
// one, is inert; the copy on a tmpfs without those flags must stay inert.
TEST_F(TmpCopyUp, WhatWasInertStaysInert) {
  std::string host = dir_ + "/host";
  ASSERT_EQ(::mkdir(host.c_str(), 0755), 0);
  write_text(host + "/set-id", "#!/bin/sh\n");
  ASSERT_EQ(::chmod((host + "/set-id").c_str(), 06755), 0);
  ASSERT_EQ(::mknod((host + "/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)), 0);
  add_mount("/data", "bind", host, {"bind", "nosuid", "nodev"});
  add_mount("/data", "tmpfs", "tmpfs", {"tmpcopyup"});
  auto facts = run_checker({"sh", "-c",
                            "echo set_id=$(stat -c %a /data/set-id); echo zero=$(ls /data/zero 2>/dev/null | wc -l);"
                            "echo flags=$(awk '$2==\"/data\" {print $4}' /proc/self/mounts | tail -1)"});
  EXPECT_EQ(facts["set_id"], "755");
  EXPECT_EQ(facts["zero"], "0");
  EXPECT_EQ(facts["flags"].find("nosuid"), std::string::npos) << facts["flags"];
}

TEST_F(TmpCopyUp, InAUserNamespace) {
  use_user_namespace(200000);
  std::string data = rootfs_ + "/data";
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  ASSERT_EQ(::chown(data.c_str(), 201000, 201000), 0);
  write_text(data + "/mine", "mine\n");
  ASSERT_EQ(::chown((data + "/mine").c_str(), 201000, 201001), 0);
  write_text(data + "/hosts", "unmapped owner\n");  // host root: not mapped
  ASSERT_EQ(::mknod((data + "/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)), 0);
  add_mount("/data", "tmpfs", "tmpfs", {"tmpcopyup"});
  auto facts = run_checker({"sh", "-c",
                            "echo root=$(stat -c '%u %g' /data); echo mine=$(stat -c '%u %g' /data/mine) $(cat /data/mine);"
                            "echo hosts=$(cat /data/hosts); echo zero=$(ls /data/zero 2>/dev/null | wc -l)"});
  EXPECT_EQ(facts["root"], "1000 1000");
  EXPECT_EQ(facts["mine"], "1000 1001 mine");
  EXPECT_EQ(facts["hosts"], "unmapped owner");
  // mknod of a device is not allowed in a user namespace: left out.
  EXPECT_EQ(facts["zero"], "0");
}

}  // namespace
}  // namespace ward::test
