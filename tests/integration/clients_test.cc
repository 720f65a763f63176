// The real clients drive ward-oci unchanged: Podman (with conmon) and
// containerd's ctr through its runc shim (Docker: docker_client_test.cc).
// Each test has its own storage, state and daemon, started here and
// stopped by the pid it got.
#include <unistd.h>

#include "clients_support.h"
#include "support.h"

namespace ward::test {
namespace {

class Podman : public ::testing::Test {
 protected:
  CgroupLayoutLock layout_lock_{false};  // held from before SetUp to after TearDown
  void SetUp() override {
    char templ[] = "/tmp/ward-podman.XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
    auto imported = podman({"import", make_image_tar(dir_), "localhost/bb"});
    ASSERT_EQ(imported.status, 0) << imported.err;
  }
  void TearDown() override {
    podman({"rm", "--all", "--force", "--time", "0"});
    podman({"system", "reset", "--force"});
    run_command({"rm", "-rf", "--one-file-system", dir_});
  }
  Outcome podman(std::vector<std::string> args, int timeout = 120) {
    std::vector<std::string> argv = {"podman", "--root", dir_ + "/storage", "--runroot", dir_ + "/run",
                                     "--tmpdir", dir_ + "/tmp", "--cgroup-manager=cgroupfs",
                                     "--events-backend=file", "--runtime", WARD_OCI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", timeout);
  }
  // Root's bounding set on this host lacks CAP_SYS_RESOURCE: Podman would
  // otherwise ask for rlimits above root's own hard limit.
  std::vector<std::string> run_args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit",
                                     "nproc=1024:1024"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::string dir_;
};

TEST_F(Podman, RunRemoveWithWardDefaults) {
  auto outcome = podman(run_args({"--rm", "localhost/bb", "sh", "-c", "echo hi; grep -E 'Seccomp:' /proc/self/status"}));
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("hi\n"), std::string::npos);
  EXPECT_NE(outcome.out.find("Seccomp:\t2"), std::string::npos) << outcome.out;
}

// Podman asks for tmpcopyup on every --tmpfs: the image's files show
// through the new tmpfs, which takes the writes.
TEST_F(Podman, TmpfsStartsWithTheImageContent) {
  auto outcome = podman(run_args({"--rm", "--tmpfs", "/etc", "localhost/bb", "sh", "-c",
                                  "grep -c ^root: /etc/passwd; awk '$2==\"/etc\" {print $3}' /proc/self/mounts;"
                                  "echo new > /etc/new && cat /etc/new"}));
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "1\ntmpfs\nnew\n");
  // Without it the same tmpfs is empty (so the check above is not vacuous).
  outcome = podman(run_args({"--rm", "--tmpfs", "/etc:notmpcopyup", "localhost/bb", "sh", "-c",
                             "test -e /etc/passwd && echo present || echo absent"}));
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "absent\n");
}

TEST_F(Podman, ExecPauseStatsStopWithLimits) {
  auto started = podman(run_args({"-d", "--name", "t", "--memory", "64m", "--pids-limit", "30", "localhost/bb",
                                  "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"}));
  ASSERT_EQ(started.status, 0) << started.err;
  auto exec = podman({"exec", "t", "sh", "-c", "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes"});
  EXPECT_EQ(exec.status, 0) << exec.err;
  EXPECT_EQ(exec.out, "30\n67108864\n");
  EXPECT_EQ(podman({"pause", "t"}).status, 0);
  EXPECT_NE(podman({"ps", "-a", "--format", "{{.Status}}"}).out.find("Paused"), std::string::npos);
  EXPECT_EQ(podman({"unpause", "t"}).status, 0);
  auto stats = podman({"stats", "--no-stream", "--format", "{{.MemLimit}}", "t"});
  EXPECT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(stats.out, "67108864\n");
  auto stopped = podman({"stop", "-t", "10", "t"});
  EXPECT_EQ(stopped.status, 0) << stopped.err;
  EXPECT_EQ(podman({"rm", "t"}).status, 0);
}

TEST_F(Podman, KillRunningContainer) {
  ASSERT_EQ(podman(run_args({"-d", "--name", "k", "localhost/bb", "sleep", "300"})).status, 0);
  EXPECT_EQ(podman({"kill", "k"}).status, 0);
  EXPECT_EQ(podman({"wait", "k"}).out, "137\n");
}

class Containerd : public ::testing::Test {
 protected:
  CgroupLayoutLock layout_lock_{false};  // held from before SetUp to after TearDown
  void SetUp() override {
    char templ[] = "/tmp/ward-containerd.XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
    std::string log = dir_ + "/containerd.log";
    daemon_ = spawn_daemon({"containerd", "--root", dir_ + "/root", "--state", dir_ + "/state", "--address",
                            dir_ + "/containerd.sock"},
                           log);
    ASSERT_GT(daemon_, 0);
    for (int i = 0; i < 100 && !exists(dir_ + "/containerd.sock"); ++i) ::usleep(50000);
    ASSERT_TRUE(exists(dir_ + "/containerd.sock")) << read_text(log);
    auto tar = make_image_tar(dir_);
    // ctr imports OCI or Docker archives; make an OCI layout from the rootfs tar.
    ASSERT_EQ(make_oci_archive(tar), 0);
    auto imported = ctr({"image", "import", "--base-name", "localhost/bb", dir_ + "/bb-oci.tar"});
    ASSERT_EQ(imported.status, 0) << imported.err;
  }
  void TearDown() override {
    for (const char* id : {"c1", "c2", "c3"}) {
      ctr({"task", "kill", "-s", "KILL", id});
      ctr({"task", "rm", "-f", id});
      ctr({"container", "rm", id});
    }
    stop_daemon(daemon_, 10);
    unmount_under(dir_);
    run_command({"rm", "-rf", "--one-file-system", dir_});
  }
  Outcome ctr(std::vector<std::string> args, int timeout = 120) {
    std::vector<std::string> argv = {"ctr", "--address", dir_ + "/containerd.sock"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", timeout);
  }
  std::vector<std::string> run_args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--runtime", "io.containerd.runc.v2", "--runc-binary", WARD_OCI_BINARY};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // An OCI image layout with the rootfs tarball as its one layer.
  int make_oci_archive(const std::string& layer_tar);
  std::string dir_;
  pid_t daemon_ = -1;
};

int Containerd::make_oci_archive(const std::string& layer_tar) {
  std::string layout = dir_ + "/oci";
  std::string script =
      "set -e; L=" + layout + "; mkdir -p $L/blobs/sha256; "
      "layer=$(sha256sum " + layer_tar + " | cut -d' ' -f1); cp " + layer_tar + " $L/blobs/sha256/$layer; "
      "lsize=$(stat -c %s " + layer_tar + "); "
      "printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}' $layer > $L/config.json; "
      "config=$(sha256sum $L/config.json | cut -d' ' -f1); csize=$(stat -c %s $L/config.json); "
      "mv $L/config.json $L/blobs/sha256/$config; "
      "printf '{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%s\",\"size\":%s},"
      "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%s}]}'"
      " $config $csize $layer $lsize > $L/manifest.json; "
      "manifest=$(sha256sum $L/manifest.json | cut -d' ' -f1); msize=$(stat -c %s $L/manifest.json); "
      "mv $L/manifest.json $L/blobs/sha256/$manifest; "
      "printf '{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"digest\":\"sha256:%s\",\"size\":%s,\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}'"
      " $manifest $msize > $L/index.json; "
      "printf '{\"imageLayoutVersion\":\"1.0.0\"}' > $L/oci-layout; "
      "tar -C $L -cf " + dir_ + "/bb-oci.tar .";
  auto outcome = run_command({"sh", "-c", script});
  if (outcome.status != 0) ADD_FAILURE() << outcome.err;
  return outcome.status;
}

TEST_F(Containerd, RunThroughTheRuncShim) {
  auto outcome = ctr(run_args({"--rm", "localhost/bb:latest", "c1", "sh", "-c", "echo hi-from-ctr"}));
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "hi-from-ctr\n");
}

TEST_F(Containerd, ExecPauseMetricsKill) {
  auto started = ctr(run_args({"-d", "localhost/bb:latest", "c2", "sleep", "300"}));
  ASSERT_EQ(started.status, 0) << started.err;
  auto exec = ctr({"task", "exec", "--exec-id", "e1", "c2", "sh", "-c", "echo exec-ok"});
  EXPECT_EQ(exec.out, "exec-ok\n") << exec.err;
  EXPECT_EQ(ctr({"task", "pause", "c2"}).status, 0);
  EXPECT_NE(ctr({"task", "ls"}).out.find("PAUSED"), std::string::npos);
  EXPECT_EQ(ctr({"task", "resume", "c2"}).status, 0);
  auto metrics = ctr({"task", "metrics", "c2"});
  EXPECT_EQ(metrics.status, 0) << metrics.err;
  EXPECT_NE(metrics.out.find("memory.usage_in_bytes"), std::string::npos) << metrics.out;
  EXPECT_EQ(ctr({"task", "kill", "-s", "KILL", "c2"}).status, 0);
  for (int i = 0; i < 100 && ctr({"task", "ls"}).out.find("STOPPED") == std::string::npos; ++i) ::usleep(50000);
  EXPECT_NE(ctr({"task", "ls"}).out.find("STOPPED"), std::string::npos);
}

// What stopping a Kubernetes pod does through the CRI: a kill of a task
// whose process has already exited.  The shim reads ward-oci's stderr for
// runc's words; recognised, the kill is "process already finished: not
// found" (which the CRI plugin ignores), as with runc, instead of "unknown
// error after kill"; and kill --all succeeds, as runc's does.
TEST_F(Containerd, KillOfAnExitedTaskIsAlreadyFinished) {
  auto started = ctr(run_args({"-d", "localhost/bb:latest", "c3", "true"}));
  ASSERT_EQ(started.status, 0) << started.err;
  for (int i = 0; i < 100 && ctr({"task", "ls"}).out.find("STOPPED") == std::string::npos; ++i) ::usleep(50000);
  ASSERT_NE(ctr({"task", "ls"}).out.find("STOPPED"), std::string::npos);
  for (const char* signal : {"TERM", "KILL"}) {
    auto killed = ctr({"task", "kill", "-s", signal, "c3"});
    EXPECT_NE(killed.status, 0);
    EXPECT_NE(killed.err.find("process already finished: not found"), std::string::npos) << killed.err;
    EXPECT_EQ(killed.err.find("unknown error after kill"), std::string::npos) << killed.err;
  }
  auto all = ctr({"task", "kill", "--all", "-s", "KILL", "c3"});
  EXPECT_EQ(all.status, 0) << all.err;
  auto removed = ctr({"task", "rm", "c3"});
  EXPECT_EQ(removed.status, 0) << removed.err;
}

}  // namespace
}  // namespace ward::test
