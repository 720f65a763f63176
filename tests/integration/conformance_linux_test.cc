// config-linux.md and config.md requirements the other suites do not
// already pin: namespaces inherited when absent, rootfsPropagation, sysctl,
// invalid rlimits and a writable root.  docs/CONFORMANCE.md maps them to
// the runtime-tools validation programs.
#include <unistd.h>

#include "support.h"

namespace ward::test {
namespace {

using ConformanceLinux = BundleTest;

std::string host_ns(const std::string& type) {
  char buffer[128] = {};
  return ::readlink(("/proc/self/ns/" + type).c_str(), buffer, sizeof(buffer) - 1) > 0 ? buffer : "";
}

// "If a namespace type is not specified in the namespaces array, the
// container MUST inherit the runtime namespace of that type."  Every type
// but mount here; without a mount namespace, see no_mount_namespace_test.cc.
TEST_F(ConformanceLinux, EveryAbsentNamespaceIsTheRuntimes) {
  for (const char* type : {"pid", "network", "ipc", "uts", "cgroup", "user", "time"}) remove_namespace(config_, type);
  config_.erase("hostname");
  config_["linux"].erase("sysctl");
  config_["linux"].erase("uidMappings");
  config_["linux"].erase("gidMappings");
  auto facts = run_checker();
  for (const char* type : {"pid", "net", "ipc", "uts", "cgroup", "user", "time"})
    EXPECT_EQ(facts["ns." + std::string(type)], host_ns(type)) << type;
  EXPECT_NE(facts["ns.mnt"], host_ns("mnt"));
}

// linux.rootfsPropagation sets the propagation of the container's root
// mount, as /proc/self/mountinfo shows it from inside (field 5 is "/").
// This host's mounts are private, and a slave needs a master: the rootfs
// becomes a shared bind mount of itself first, as on a systemd host.
TEST_F(ConformanceLinux, RootfsPropagation) {
  ASSERT_EQ(run_command({"mount", "--bind", rootfs_, rootfs_}).status, 0);
  struct Unmount {
    std::string path;
    ~Unmount() { run_command({"umount", "-l", path}); }
  } unmount{rootfs_};
  ASSERT_EQ(run_command({"mount", "--make-shared", rootfs_}).status, 0);
  auto root_line = [&](const std::string& propagation) {
    config_["linux"]["rootfsPropagation"] = propagation;
    set_args({"sh", "-c", "echo root=$(awk '$5==\"/\"' /proc/self/mountinfo)"});
    static int counter = 0;
    auto outcome = oci({"run", "prop" + std::to_string(++counter)});
    EXPECT_EQ(outcome.status, 0) << propagation << ": " << outcome.err;
    return parse_facts(outcome.out)["root"];
  };
  std::string shared = root_line("shared");
  EXPECT_NE(shared.find(" shared:"), std::string::npos) << shared;
  std::string slave = root_line("slave");
  EXPECT_NE(slave.find(" master:"), std::string::npos) << slave;
  EXPECT_EQ(slave.find(" shared:"), std::string::npos) << slave;
  std::string priv = root_line("private");
  EXPECT_EQ(priv.find(" shared:"), std::string::npos) << priv;
  EXPECT_EQ(priv.find(" master:"), std::string::npos) << priv;
  std::string unbindable = root_line("unbindable");
  EXPECT_NE(unbindable.find(" unbindable"), std::string::npos) << unbindable;
}

// linux.sysctl values are set in the container's namespaces, and the
// host's stay as they were.
TEST_F(ConformanceLinux, SysctlIsSetInTheContainerOnly) {
  std::string host_forward = read_text("/proc/sys/net/ipv4/ip_forward");
  std::string host_msgmax = read_text("/proc/sys/kernel/msgmax");
  config_["linux"]["sysctl"] = {{"net.ipv4.ip_forward", host_forward == "1\n" ? "0" : "1"},
                                {"kernel.msgmax", "4096"}};
  auto facts = run_checker({"sh", "-c",
                            "echo forward=$(cat /proc/sys/net/ipv4/ip_forward);"
                            "echo msgmax=$(cat /proc/sys/kernel/msgmax)"});
  EXPECT_EQ(facts["forward"], host_forward == "1\n" ? "0" : "1");
  EXPECT_EQ(facts["msgmax"], "4096");
  EXPECT_EQ(read_text("/proc/sys/net/ipv4/ip_forward"), host_forward);
  EXPECT_EQ(read_text("/proc/sys/kernel/msgmax"), host_msgmax);
}

// config.md: an rlimit type the platform does not know MUST be an error
// ("runtimes MUST generate an error for any values which cannot be
// mapped"), and nothing is left.
TEST_F(ConformanceLinux, UnknownRlimitTypeFailsCreate) {
  config_["process"]["rlimits"] = {{{"type", "RLIMIT_TEST"}, {"hard", 1024}, {"soft", 1024}}};
  set_args({"true"});
  auto outcome = oci({"create", "rl"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("RLIMIT_TEST"), std::string::npos) << outcome.err;
  EXPECT_TRUE(state_entries().empty());
}

// root.readonly false: the root filesystem is writable (ward's default is
// read-only; Mounts.RootIsReadOnlyByDefault covers true).
TEST_F(ConformanceLinux, RootReadonlyFalseIsWritable) {
  config_["root"]["readonly"] = false;
  auto facts = run_checker({"sh", "-c", "touch /written && echo wrote=yes"});
  EXPECT_EQ(facts["wrote"], "yes");
  EXPECT_TRUE(exists(rootfs_ + "/written"));
}

// linux.maskedPaths and linux.readonlyPaths beyond the default lists: a
// masked directory looks empty and a masked file reads empty, a read-only
// one refuses writes while its neighbour takes them, and a path that does
// not exist is no error.
TEST_F(ConformanceLinux, ConfiguredMaskedAndReadonlyPaths) {
  config_["root"]["readonly"] = false;
  for (const char* d : {"/masked-dir", "/ro-dir", "/rw-dir"}) ASSERT_EQ(::mkdir((rootfs_ + d).c_str(), 0755), 0);
  write_text(rootfs_ + "/masked-dir/secret", "secret\n");
  write_text(rootfs_ + "/masked-file", "secret\n");
  write_text(rootfs_ + "/ro-file", "old\n");
  config_["linux"]["maskedPaths"] = {"/masked-dir", "/masked-file", "/does-not-exist"};
  config_["linux"]["readonlyPaths"] = {"/ro-dir", "/ro-file", "/does-not-exist-either"};
  auto facts = run_checker({"sh", "-c",
                            "echo dir=$(ls /masked-dir | wc -l); echo file=$(cat /masked-file | wc -c);"
                            "touch /ro-dir/x 2>/dev/null && echo ro_dir=written || echo ro_dir=refused;"
                            "echo new > /ro-file 2>/dev/null && echo ro_file=written || echo ro_file=refused;"
                            "touch /rw-dir/x && echo rw_dir=written"});
  EXPECT_EQ(facts["dir"], "0");
  EXPECT_EQ(facts["file"], "0");
  EXPECT_EQ(facts["ro_dir"], "refused");
  EXPECT_EQ(facts["ro_file"], "refused");
  EXPECT_EQ(facts["rw_dir"], "written");
  EXPECT_EQ(read_text(rootfs_ + "/ro-file"), "old\n");
  EXPECT_EQ(read_text(rootfs_ + "/masked-file"), "secret\n");
}

}  // namespace
}  // namespace ward::test
