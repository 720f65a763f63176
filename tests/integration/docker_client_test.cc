// Docker drives ward-oci as one of its runtimes (dockerd --add-runtime):
// run and exit codes, exec with and without a terminal, pause and unpause,
// stats, stop, kill, resource limits that reach the container's cgroups and
// live updates of them, and Docker's security settings applied by ward.
// The suite starts its own dockerd (which starts its own containerd) with
// every directory, socket and cgroup parent under one temporary directory,
// and stops it by the pid it got.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "clients_support.h"
#include "support.h"

namespace ward::test {
namespace {

// Debian's docker.io, by path: a host may have another docker client
// earlier in PATH.
constexpr const char* kDockerClient = "/usr/bin/docker";
constexpr const char* kImage = "ward-bb";
// Docker's default capability set (CHOWN DAC_OVERRIDE FOWNER FSETID KILL
// SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD
// AUDIT_WRITE SETFCAP) as /proc/self/status prints it.
constexpr const char* kDockerDefaultCaps = "00000000a80425fb";

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

class Docker : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }
  // Removes every container the test left, running or not.
  void TearDown() override {
    auto all = docker({"ps", "-aq"});
    std::istringstream ids(all.out);
    std::string id;
    while (ids >> id) docker({"rm", "-f", id});
  }

  static Outcome docker(std::vector<std::string> args, const std::string& input = "", int timeout = 60) {
    std::vector<std::string> argv = {kDockerClient, "--config", dir_ + "/client", "-H", "unix://" + dir_ + "/docker.sock"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input, timeout);
  }
  // docker run --runtime ward --network none EXTRA...
  static std::vector<std::string> run_args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--runtime", "ward", "--network", "none"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  static std::string inspect(const std::string& name, const std::string& format) {
    return trimmed(docker({"inspect", "-f", format, name}).out);
  }
  // The host directory of a container's cgroup in one v1 hierarchy, from
  // the /proc/PID/cgroup of its init.
  static std::string cgroup_dir(const std::string& pid, const std::string& controller) {
    std::istringstream lines(read_text("/proc/" + pid + "/cgroup"));
    std::string line;
    while (std::getline(lines, line)) {
      auto first = line.find(':'), second = line.find(':', first + 1);
      std::istringstream controllers(line.substr(first + 1, second - first - 1));
      std::string name;
      while (std::getline(controllers, name, ','))
        if (name == controller) return "/sys/fs/cgroup/" + controller + line.substr(second + 1);
    }
    return "";
  }
  // ward-oci's own view of a container, from the state root Docker's shim
  // hands it (dockerd 20.10 gives every runtime the runc shim's default,
  // EXEC_ROOT/runtime-runc/moby, whatever the runtime's name).
  static Outcome ward_state(const std::string& id) {
    return run_command({WARD_OCI_BINARY, "--root", dir_ + "/exec/runtime-runc/moby", "state", id});
  }
  static Outcome ward_list() {
    return run_command({WARD_OCI_BINARY, "--root", dir_ + "/exec/runtime-runc/moby", "list", "-q"});
  }

  static inline std::unique_ptr<CgroupLayoutLock> layout_lock_;  // dockerd reads the layout at start
  static inline std::string dir_;
  static inline std::string cgroup_parent_;  // every container's cgroups sit below it
  static inline pid_t daemon_ = -1;
  static inline std::string setup_error_;
};

void Docker::SetUpTestSuite() {
  layout_lock_ = std::make_unique<CgroupLayoutLock>(false);
  char templ[] = "/tmp/ward-docker.XXXXXX";
  if (::mkdtemp(templ) == nullptr) {
    setup_error_ = "mkdtemp failed";
    return;
  }
  dir_ = templ;
  cgroup_parent_ = "/" + dir_.substr(dir_.rfind('/') + 1);
  // An empty daemon.json of its own: the host's /etc/docker/daemon.json
  // must not change what the test runs.
  write_text(dir_ + "/daemon.json", "{}\n");
  std::string log = dir_ + "/dockerd.log";
  daemon_ = spawn_daemon({"/usr/sbin/dockerd", "--config-file", dir_ + "/daemon.json", "--data-root", dir_ + "/data",
                          "--exec-root", dir_ + "/exec", "--pidfile", dir_ + "/dockerd.pid", "-H",
                          "unix://" + dir_ + "/docker.sock", "--iptables=false", "--ip6tables=false",
                          "--bridge=none", "--exec-opt", "native.cgroupdriver=cgroupfs", "--cgroup-parent",
                          cgroup_parent_, "--add-runtime", std::string("ward=") + WARD_OCI_BINARY},
                         log);
  if (daemon_ <= 0) {
    setup_error_ = "cannot start dockerd";
    return;
  }
  // The socket appears before the API answers; the version call needs both.
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    ready = docker({"version", "--format", "{{.Server.Version}}"}, "", 5).status == 0;
    if (!ready) ::usleep(100000);
  }
  if (!ready) {
    setup_error_ = "dockerd did not answer within 30 s:\n" + read_text(log);
    return;
  }
  auto imported = docker({"import", make_image_tar(dir_, true), kImage});
  if (imported.status != 0) setup_error_ = "docker import: " + imported.err;
}

void Docker::TearDownTestSuite() {
  struct Release {
    ~Release() { layout_lock_.reset(); }
  } release;
  if (dir_.empty()) return;
  auto all = docker({"ps", "-aq"});
  std::istringstream ids(all.out);
  std::string id;
  while (ids >> id) docker({"rm", "-f", id});
  // dockerd stops the containerd it started; if it had to be killed, its
  // containerd and the shims are found by the directory they were given.
  EXPECT_TRUE(stop_daemon(daemon_, 20)) << "dockerd ignored SIGTERM for 20 s";
  for (int pid : processes_mentioning(dir_)) ::kill(pid, SIGKILL);
  // Containers left by a killed shim sit in cgroups below cgroup_parent_:
  // kill them by the pids found there, then remove the cgroups.
  run_command({"sh", "-c",
               "for d in $(find /sys/fs/cgroup/*" + cgroup_parent_ + " -depth -type d 2>/dev/null); do "
               "xargs -r kill -9 < $d/cgroup.procs; done; sleep 0.1; "
               "find /sys/fs/cgroup/*" + cgroup_parent_ + " -depth -type d -exec rmdir {} + 2>/dev/null; true"});
  unmount_under(dir_);
  run_command({"rm", "-rf", "--one-file-system", dir_});
  struct stat st;
  EXPECT_NE(::stat(("/sys/fs/cgroup/memory" + cgroup_parent_).c_str(), &st), 0) << "cgroup left behind";
}

// `ward save` writes what `docker load` reads (Docker 20.10 wants
// docker-archive with plain layer tars), and `docker save` what `ward
// load` reads: the same image ID and layers both ways, and Docker runs it.
TEST_F(Docker, LoadsWhatWardSavesAndWardLoadsWhatDockerSaves) {
  std::string root = dir_ + "/ward-store";
  auto ward = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {WARD_FRONT_BINARY, "--root", root};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, "", 120);
  };
  auto saved = ward({"save", "-o", dir_ + "/ward-saved.tar", "busybox"});
  ASSERT_EQ(saved.status, 0) << saved.err;
  auto ours = nlohmann::json::parse(ward({"image", "inspect", "busybox"}).out).at(0);
  auto loaded = docker({"load", "-i", dir_ + "/ward-saved.tar"});
  ASSERT_EQ(loaded.status, 0) << loaded.err;
  EXPECT_EQ(loaded.out, "Loaded image: busybox:latest\n");
  auto theirs = nlohmann::json::parse(docker({"image", "inspect", "busybox:latest"}).out).at(0);
  EXPECT_EQ(theirs["Id"], ours["Id"]);
  EXPECT_EQ(theirs["RootFS"]["Layers"], ours["RootFS"]["Layers"]);
  auto ran = docker(run_args({"--rm", "busybox:latest", "echo", "from ward"}));
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "from ward\n");

  auto exported = docker({"save", "-o", dir_ + "/docker-saved.tar", kImage});
  ASSERT_EQ(exported.status, 0) << exported.err;
  auto back = ward({"load", "-i", dir_ + "/docker-saved.tar"});
  ASSERT_EQ(back.status, 0) << back.err;
  EXPECT_EQ(back.out, std::string("Loaded image: ") + kImage + ":latest\n");
  auto docker_view = nlohmann::json::parse(docker({"image", "inspect", kImage}).out).at(0);
  auto ward_view = nlohmann::json::parse(ward({"image", "inspect", kImage}).out).at(0);
  EXPECT_EQ(ward_view["Id"], docker_view["Id"]);
  EXPECT_EQ(ward_view["RootFS"]["Layers"], docker_view["RootFS"]["Layers"]);
  docker({"rmi", "busybox:latest"});
}

TEST_F(Docker, RunPrintsOutputAndPropagatesExitCode) {
  auto hello = docker(run_args({"--rm", kImage, "echo", "hi"}));
  ASSERT_EQ(hello.status, 0) << hello.err;
  EXPECT_EQ(hello.out, "hi\n");
  auto failed = docker(run_args({"--rm", kImage, "sh", "-c", "exit 3"}));
  EXPECT_EQ(failed.status, 3) << failed.err;
  // A terminal: the console socket path through the shim.
  auto terminal = docker(run_args({"--rm", "-t", kImage, "tty"}));
  EXPECT_EQ(terminal.status, 0) << terminal.err;
  EXPECT_EQ(terminal.out.rfind("/dev/pts/", 0), 0u) << terminal.out;
}

TEST_F(Docker, ExecIntoDetachedContainer) {
  auto started = docker(run_args({"-d", "--name", "ward-exec", kImage, "sleep", "300"}));
  ASSERT_EQ(started.status, 0) << started.err;
  std::string id = trimmed(started.out);
  // It is ward-oci's container: ward-oci's own state knows it, running,
  // with the pid Docker reports.
  auto state = ward_state(id);
  ASSERT_EQ(state.status, 0) << state.err;
  auto parsed = nlohmann::json::parse(state.out);
  EXPECT_EQ(parsed["status"], "running");
  EXPECT_EQ(std::to_string(parsed["pid"].get<int>()), inspect("ward-exec", "{{.State.Pid}}"));

  auto exec = docker({"exec", "ward-exec", "sh", "-c", "echo exec-ok; exit 5"});
  EXPECT_EQ(exec.status, 5) << exec.err;
  EXPECT_EQ(exec.out, "exec-ok\n");
  auto piped = docker({"exec", "-i", "ward-exec", "cat"}, "through-stdin\n");
  EXPECT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.out, "through-stdin\n");
  auto as_user = docker({"exec", "-u", "1000:1000", "ward-exec", "sh", "-c", "id -u; id -g"});
  EXPECT_EQ(as_user.out, "1000\n1000\n") << as_user.err;
  // -t without -i needs no terminal on the client's side.
  auto terminal = docker({"exec", "-t", "ward-exec", "tty"});
  EXPECT_EQ(terminal.status, 0) << terminal.err;
  EXPECT_EQ(terminal.out.rfind("/dev/pts/", 0), 0u) << terminal.out;
}

TEST_F(Docker, PauseFreezesAndUnpauseResumes) {
  auto started = docker(run_args({"-d", "--name", "ward-pause", kImage, "sh", "-c",
                                  "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done"}));
  ASSERT_EQ(started.status, 0) << started.err;
  std::string pid = inspect("ward-pause", "{{.State.Pid}}");
  std::string counter = "/proc/" + pid + "/root/tmp/count";
  for (int i = 0; i < 100 && trimmed(read_text(counter)).empty(); ++i) ::usleep(20000);
  ASSERT_FALSE(trimmed(read_text(counter)).empty());

  ASSERT_EQ(docker({"pause", "ward-pause"}).status, 0);
  EXPECT_EQ(inspect("ward-pause", "{{.State.Status}}"), "paused");
  EXPECT_EQ(read_text(cgroup_dir(pid, "freezer") + "/freezer.state"), "FROZEN\n");
  EXPECT_EQ(nlohmann::json::parse(ward_state(trimmed(started.out)).out)["status"], "paused");
  std::string frozen = read_text(counter);
  ::usleep(500000);
  EXPECT_EQ(read_text(counter), frozen) << "the counter moved while paused";

  ASSERT_EQ(docker({"unpause", "ward-pause"}).status, 0);
  EXPECT_EQ(inspect("ward-pause", "{{.State.Status}}"), "running");
  bool moved = false;
  for (int i = 0; i < 100 && !moved; ++i) {
    std::string now = trimmed(read_text(counter));
    moved = !now.empty() && now != trimmed(frozen);
    if (!moved) ::usleep(20000);
  }
  EXPECT_TRUE(moved) << "the counter did not move after unpause";
}

TEST_F(Docker, StatsShowMemoryAndPids) {
  auto started = docker(run_args({"-d", "--name", "ward-stats", "--memory", "64m", kImage, "sleep", "300"}));
  ASSERT_EQ(started.status, 0) << started.err;
  auto stats = docker({"stats", "--no-stream", "--format", "{{.MemUsage}}|{{.PIDs}}", "ward-stats"});
  ASSERT_EQ(stats.status, 0) << stats.err;
  // "692KiB / 64MiB|1"
  std::string line = trimmed(stats.out);
  auto slash = line.find(" / "), bar = line.find('|');
  ASSERT_NE(slash, std::string::npos) << line;
  ASSERT_NE(bar, std::string::npos) << line;
  std::string usage = line.substr(0, slash);
  EXPECT_GT(std::stod(usage), 0.0) << line;
  EXPECT_NE(usage, "0B") << line;
  EXPECT_EQ(line.substr(slash + 3, bar - slash - 3), "64MiB") << line;
  EXPECT_GE(std::stoi(line.substr(bar + 1)), 1) << line;
}

TEST_F(Docker, LimitsReachTheContainersCgroups) {
  auto started = docker(run_args({"-d", "--name", "ward-limits", "--memory", "64m", "--memory-swap", "64m",
                                  "--pids-limit", "20", kImage, "sleep", "300"}));
  ASSERT_EQ(started.status, 0) << started.err;
  std::string pid = inspect("ward-limits", "{{.State.Pid}}");
  std::string memory = cgroup_dir(pid, "memory"), pids = cgroup_dir(pid, "pids");
  EXPECT_NE(memory.find(cgroup_parent_ + "/"), std::string::npos) << memory;
  EXPECT_EQ(read_text(memory + "/memory.limit_in_bytes"), "67108864\n");
  EXPECT_EQ(read_text(pids + "/pids.max"), "20\n");
  // The pids limit holds: of 40 forks, the ones past 20 tasks fail.
  auto bomb = parse_facts(docker({"exec", "ward-limits", "ward-checker", "forkbomb", "40"}).out);
  EXPECT_LT(std::stoi(bomb["forked"]), 20);
  EXPECT_GT(std::stoi(bomb["failed"]), 0);
  // The memory limit holds: 100 MiB in a 32 MiB container without swap is
  // an OOM kill, and Docker sees it as one.  Not at once: dockerd clears
  // OOMKilled when its start call returns, which may be after an OOM kill
  // that came quickly (a slow ward-oci start, as under ASan).
  auto oom = docker(run_args({"--name", "ward-oom", "--memory", "32m", "--memory-swap", "32m", kImage, "sh", "-c",
                              "sleep 1; exec ward-checker alloc 100"}));
  EXPECT_EQ(oom.status, 137) << oom.out << oom.err;
  // The shim's OOM event may reach dockerd after the exit it caused.
  std::string oom_killed;
  for (int i = 0; i < 50 && (oom_killed = inspect("ward-oom", "{{.State.OOMKilled}}")) != "true"; ++i)
    ::usleep(100000);
  EXPECT_EQ(oom_killed, "true");
}

// `docker update` reaches ward-oci's `update --resources -` with zeros for
// everything not given ({"reservation": 0, "kernel": 0, "shares": 0, ...}).
TEST_F(Docker, UpdateChangesLimitsLive) {
  auto started = docker(run_args({"-d", "--name", "ward-update", "--memory", "64m", kImage, "sleep", "300"}));
  ASSERT_EQ(started.status, 0) << started.err;
  std::string pid = inspect("ward-update", "{{.State.Pid}}");
  auto updated = docker({"update", "--memory", "128m", "--memory-swap", "256m", "--pids-limit", "50", "--cpus",
                         "0.5", "--cpu-shares", "256", "ward-update"});
  ASSERT_EQ(updated.status, 0) << updated.err;
  std::string memory = cgroup_dir(pid, "memory"), cpu = cgroup_dir(pid, "cpu");
  EXPECT_EQ(read_text(memory + "/memory.limit_in_bytes"), "134217728\n");
  EXPECT_EQ(read_text(memory + "/memory.memsw.limit_in_bytes"), "268435456\n");
  EXPECT_EQ(read_text(cgroup_dir(pid, "pids") + "/pids.max"), "50\n");
  EXPECT_EQ(read_text(cpu + "/cpu.cfs_quota_us"), "50000\n");
  EXPECT_EQ(read_text(cpu + "/cpu.shares"), "256\n");
  // The zeros Docker sent for what it was not given changed nothing.
  EXPECT_NE(read_text(memory + "/memory.soft_limit_in_bytes"), "0\n");

  // A container without a memory limit: Docker sends {"limit": 0}, which
  // must leave it unlimited.
  ASSERT_EQ(docker(run_args({"-d", "--name", "ward-update-free", kImage, "sleep", "300"})).status, 0);
  std::string free_pid = inspect("ward-update-free", "{{.State.Pid}}");
  std::string unlimited = read_text(cgroup_dir(free_pid, "memory") + "/memory.limit_in_bytes");
  auto cpus_only = docker({"update", "--cpus", "1", "ward-update-free"});
  ASSERT_EQ(cpus_only.status, 0) << cpus_only.err;
  EXPECT_EQ(read_text(cgroup_dir(free_pid, "cpu") + "/cpu.cfs_quota_us"), "100000\n");
  EXPECT_EQ(read_text(cgroup_dir(free_pid, "memory") + "/memory.limit_in_bytes"), unlimited);
}

TEST_F(Docker, StopAndKill) {
  auto started = docker(run_args({"-d", "--name", "ward-stop", kImage, "sh", "-c",
                                  "trap 'exit 0' TERM; while :; do sleep 0.1; done"}));
  ASSERT_EQ(started.status, 0) << started.err;
  std::string id = trimmed(started.out);
  auto begin = std::chrono::steady_clock::now();
  auto stopped = docker({"stop", "-t", "10", "ward-stop"});
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(stopped.status, 0) << stopped.err;
  // SIGTERM reached the trap: no wait for the 10 s timeout and its SIGKILL.
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(inspect("ward-stop", "{{.State.ExitCode}}"), "0");
  // The shim deleted the container through ward-oci.
  EXPECT_EQ(ward_list().out.find(id), std::string::npos);

  ASSERT_EQ(docker(run_args({"-d", "--name", "ward-kill", kImage, "sleep", "300"})).status, 0);
  EXPECT_EQ(docker({"kill", "ward-kill"}).status, 0);
  EXPECT_EQ(docker({"wait", "ward-kill"}).out, "137\n");
  EXPECT_EQ(docker({"rm", "ward-kill"}).status, 0);
}

// Docker decides the security settings and ward applies them: Docker's
// capabilities and seccomp profile, and what Docker's flags change.
TEST_F(Docker, AppliesDockersSecuritySettings) {
  auto report = docker(run_args({"--rm", kImage, "ward-checker", "report"}));
  ASSERT_EQ(report.status, 0) << report.err;
  auto facts = parse_facts(report.out);
  EXPECT_EQ(facts["CapEff"], kDockerDefaultCaps);
  EXPECT_EQ(facts["CapBnd"], kDockerDefaultCaps);
  EXPECT_EQ(facts["Seccomp"], "2");
  EXPECT_EQ(facts["NoNewPrivs"], "0");  // Docker did not ask for it

  auto hardened = parse_facts(docker(run_args({"--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                                               kImage, "ward-checker", "report"}))
                                  .out);
  EXPECT_EQ(hardened["CapEff"], "0000000000000000");
  EXPECT_EQ(hardened["NoNewPrivs"], "1");

  // Docker's seccomp profile, compiled by ward, refuses keyctl and a new
  // user namespace; without it both get through to the kernel.
  auto filtered = parse_facts(docker(run_args({"--rm", kImage, "ward-checker", "syscalls"})).out);
  EXPECT_EQ(filtered["sys.keyctl"], "EPERM");
  EXPECT_EQ(filtered["sys.unshare_user"], "EPERM");
  auto unconfined =
      parse_facts(docker(run_args({"--rm", "--security-opt", "seccomp=unconfined", kImage, "ward-checker", "syscalls"}))
                      .out);
  EXPECT_NE(unconfined["sys.keyctl"], "EPERM");
  EXPECT_NE(unconfined["sys.unshare_user"], "EPERM");

  // Only stdin, stdout and stderr cross into the container (CVE-2024-21626).
  auto fds = parse_facts(docker(run_args({"--rm", kImage, "ward-checker", "fds"})).out);
  EXPECT_EQ(fds.size(), 3u) << docker(run_args({"--rm", kImage, "ward-checker", "fds"})).out;
  for (const char* fd : {"fd.0", "fd.1", "fd.2"}) EXPECT_TRUE(fds.contains(fd)) << fd;
}

// --privileged asks for every capability.  Where ward-oci's own bounding
// set lacks one (this host: CAP_SYS_RESOURCE), `create` refuses with the
// reason and Docker reports it (125), as with runc; elsewhere the container
// runs with every capability.
TEST_F(Docker, PrivilegedGetsEveryCapabilityOrACreateError) {
  std::string own_bounding;
  std::istringstream status(read_text("/proc/self/status"));
  for (std::string line; std::getline(status, line);)
    if (line.rfind("CapBnd:", 0) == 0) own_bounding = line.substr(line.find_first_not_of(" \t", 7));
  int last_cap = std::stoi(read_text("/proc/sys/kernel/cap_last_cap"));
  bool every_capability = std::stoull(own_bounding, nullptr, 16) == (std::uint64_t{1} << (last_cap + 1)) - 1;
  auto privileged = docker(run_args({"--rm", "--privileged", kImage, "ward-checker", "report"}));
  if (!every_capability) {
    EXPECT_EQ(privileged.status, 125) << privileged.out;
    EXPECT_NE(privileged.err.find("is not in ward-oci's own bounding set"), std::string::npos) << privileged.err;
  } else {
    EXPECT_EQ(privileged.status, 0) << privileged.err;
    EXPECT_EQ(parse_facts(privileged.out)["CapEff"], own_bounding);
  }
}

}  // namespace
}  // namespace ward::test
