// Idmapped bind mounts (runtime-spec mounts[].uidMappings/gidMappings and
// the "idmap"/"ridmap" options), checked by real ownership on both sides.
// Each mapping {containerID, hostID, size} reads as a uid_map line, as in
// crun and runc: a file owned by containerID on disk shows as hostID
// through the mount, and one created through it by hostID is stored as
// containerID.  Bad uses are in bad_input_test.cc (BadInput.IdmappedMounts).
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

nlohmann::json one_mapping(unsigned container_id, unsigned host_id, unsigned size) {
  return nlohmann::json::array({{{"containerID", container_id}, {"hostID", host_id}, {"size", size}}});
}

std::string owner(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) < 0) return "missing";
  return std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
}

class Idmap : public BundleTest {
 protected:
  // dir_/shared, owned by `uid`:`gid`, holding "file" with that owner and
  // "root" owned by 0:0.
  void make_shared(uid_t uid, gid_t gid) {
    shared_ = dir_ + "/shared";
    ASSERT_EQ(::mkdir(shared_.c_str(), 0755), 0);
    ASSERT_EQ(::chown(shared_.c_str(), uid, gid), 0);
    write_text(shared_ + "/file", "x\n");
    ASSERT_EQ(::chown((shared_ + "/file").c_str(), uid, gid), 0);
    write_text(shared_ + "/root", "x\n");
  }
  // The container's root (host 100000) may not create mount points in
  // the rootfs: they are made here.
  void use_user_namespace_with_mount_points(std::initializer_list<const char*> mount_points) {
    for (const char* point : mount_points) ASSERT_EQ(::mkdir((rootfs_ + point).c_str(), 0755), 0);
    use_user_namespace(100000);
  }
  std::string shared_;
};

// No user namespace in the container: the mount's own idmapping still
// applies (it belongs to the mount, not to the reader).
TEST_F(Idmap, MountMappingsWithoutAUserNamespace) {
  make_shared(1000, 1000);
  add_mount("/data", "bind", shared_, {"bind", "idmap"});
  config_["mounts"].back()["uidMappings"] = one_mapping(1000, 0, 1);
  config_["mounts"].back()["gidMappings"] = one_mapping(1000, 0, 1);
  std::string before = host_mounts();
  auto facts = run_checker({"sh", "-c",
                            "echo file=$(stat -c %u:%g /data/file); echo root=$(stat -c %u:%g /data/root);"
                            "echo dir=$(stat -c %u:%g /data); touch /data/new && echo made=yes"});
  EXPECT_EQ(facts["file"], "0:0");            // 1000 on disk
  EXPECT_EQ(facts["root"], "65534:65534");    // 0 on disk: not in the mapping
  EXPECT_EQ(facts["dir"], "0:0");
  EXPECT_EQ(facts["made"], "yes");
  EXPECT_EQ(owner(shared_ + "/new"), "1000:1000");  // root inside, 1000 on disk
  EXPECT_EQ(owner(shared_ + "/file"), "1000:1000");  // nothing was chowned
  EXPECT_EQ(host_mounts(), before);
}

// Several ranges, and a mapping read the other way round: on-disk 0 shows
// as 1000 (and root inside, being unmapped, cannot create files there).
TEST_F(Idmap, MappingDirection) {
  make_shared(0, 0);
  nlohmann::json uids = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}},
                         {{"containerID", 5}, {"hostID", 2005}, {"size", 10}}};
  add_mount("/data", "bind", shared_, {"rbind", "idmap"});
  config_["mounts"].back()["uidMappings"] = uids;
  config_["mounts"].back()["gidMappings"] = one_mapping(0, 3000, 1);
  add_mount("/ro", "bind", shared_, {"rbind", "ro", "idmap"});
  config_["mounts"].back()["uidMappings"] = uids;
  config_["mounts"].back()["gidMappings"] = one_mapping(0, 3000, 1);
  ASSERT_EQ(::chown((shared_ + "/file").c_str(), 7, 0), 0);
  auto facts = run_checker({"sh", "-c",
                            "echo root=$(stat -c %u:%g /data/root); echo file=$(stat -c %u:%g /data/file);"
                            "echo ro=$(stat -c %u:%g /ro/file);"
                            "ward-checker try-write /data/new; ward-checker try-write /ro/new"});
  EXPECT_EQ(facts["root"], "1000:3000");
  EXPECT_EQ(facts["file"], "2007:3000");
  EXPECT_EQ(facts["ro"], "2007:3000");
  // Root inside has no id on disk through this mount: the kernel refuses.
  EXPECT_EQ(facts["write /data/new"], "EOVERFLOW");
  EXPECT_EQ(facts["write /ro/new"], "EROFS");  // "ro" still applies
  EXPECT_FALSE(exists(shared_ + "/new"));
}

// "idmap" without mappings takes the container's user namespace: host
// root's files are the container root's, where without it they are
// nobody's.
TEST_F(Idmap, OptionTakesTheContainerUserNamespace) {
  make_shared(0, 0);
  use_user_namespace_with_mount_points({"/data", "/plain"});
  add_mount("/data", "bind", shared_, {"bind", "idmap"});
  add_mount("/plain", "bind", shared_, {"bind"});
  auto facts = run_checker({"sh", "-c",
                            "echo data=$(stat -c %u:%g /data/file); echo plain=$(stat -c %u:%g /plain/file);"
                            "echo uid_map=$(cat /proc/self/uid_map | tr -s ' ');"
                            "touch /data/new && echo made=yes"});
  EXPECT_EQ(facts["uid_map"], " 0 100000 65536");
  EXPECT_EQ(facts["data"], "0:0");
  EXPECT_EQ(facts["plain"], "65534:65534");
  EXPECT_EQ(facts["made"], "yes");
  EXPECT_EQ(owner(shared_ + "/new"), "0:0");  // the container's root writes as host root on disk
}

// "idmap" maps the top mount of an rbind only; "ridmap" every mount.
TEST_F(Idmap, RidmapReachesSubmounts) {
  make_shared(0, 0);
  use_user_namespace_with_mount_points({"/top", "/all"});
  std::string sub = shared_ + "/sub";
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  ASSERT_EQ(::mount("tmpfs", sub.c_str(), "tmpfs", 0, "mode=755"), 0);
  write_text(sub + "/file", "x\n");
  add_mount("/top", "bind", shared_, {"rbind", "idmap"});
  add_mount("/all", "bind", shared_, {"rbind", "ridmap"});
  std::map<std::string, std::string> facts;
  {
    facts = run_checker({"sh", "-c",
                         "echo top=$(stat -c %u /top/file) $(stat -c %u /top/sub/file);"
                         "echo all=$(stat -c %u /all/file) $(stat -c %u /all/sub/file)"});
  }
  ::umount2(sub.c_str(), MNT_DETACH);
  EXPECT_EQ(facts["top"], "0 65534");
  EXPECT_EQ(facts["all"], "0 0");
}

TEST_F(Idmap, FeaturesListIt) {
  auto outcome = oci({"features"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  auto features = nlohmann::json::parse(outcome.out);
  auto options = features["mountOptions"];
  EXPECT_NE(std::find(options.begin(), options.end(), "idmap"), options.end());
  EXPECT_NE(std::find(options.begin(), options.end(), "ridmap"), options.end());
  EXPECT_EQ(features["linux"]["mountExtensions"]["idmap"]["enabled"], true);
}

}  // namespace
}  // namespace ward::test
