#include "support.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace ward::test {

Outcome run_command(const std::vector<std::string>& argv, const std::string& input, int timeout_seconds) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  Outcome outcome;
  if (spawned != 0) {
    outcome.err = std::string("spawn failed: ") + std::strerror(spawned);
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return outcome;
  }
  if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  // Waits for the command to exit, not for EOF: a detached or created
  // container inherits the pipes and keeps them open after ward-oci exits.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int status = 0;
  bool exited = false;
  auto drain = [&](int timeout_ms) {
    if (::poll(fds, 2, timeout_ms) <= 0) return false;
    bool got = false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0) {
        fds[i].fd = -1;  // closed below
      } else {
        (i == 0 ? outcome.out : outcome.err).append(buffer, static_cast<size_t>(n));
        got = true;
      }
    }
    return got;
  };
  while (!exited) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      outcome.err += "\n[test: command timed out]";
    }
    drain(20);
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
  }
  while (drain(0)) {
  }
  ::close(out[0]);
  ::close(err[0]);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  file << text;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool hugetlb_on_cgroup2() {
  std::istringstream controllers(read_text("/sys/fs/cgroup/unified/cgroup.controllers"));
  std::string name;
  while (controllers >> name)
    if (name == "hugetlb") return true;
  return false;
}

CgroupLayoutLock::CgroupLayoutLock(bool exclusive) {
  fd_ = ::open("/run/ward-test-cgroup-layout.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ >= 0) ::flock(fd_, exclusive ? LOCK_EX : LOCK_SH);
}

CgroupLayoutLock::~CgroupLayoutLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::map<std::string, std::string> parse_facts(const std::string& text) {
  std::map<std::string, std::string> facts;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) facts[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return facts;
}

std::string host_mounts() { return read_text("/proc/self/mountinfo"); }

std::string host_mounts_under(const std::string& prefix) {
  std::string all = host_mounts(), kept;
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t end = all.find('\n', start);
    std::string line = all.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
    if (line.find(" " + prefix) != std::string::npos) kept += line;
    start = end == std::string::npos ? all.size() : end + 1;
  }
  return kept;
}

std::vector<int> processes_mentioning(const std::string& text) {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* entry = ::readdir(proc)) {
    int pid = std::atoi(entry->d_name);
    if (pid <= 0 || pid == ::getpid()) continue;
    std::string cmdline = read_text("/proc/" + std::to_string(pid) + "/cmdline");
    std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    bool zombie = stat.find(") Z ") != std::string::npos;
    if (!zombie && cmdline.find(text) != std::string::npos) pids.push_back(pid);
  }
  ::closedir(proc);
  return pids;
}

void remove_namespace(nlohmann::json& config, const std::string& type) {
  auto& namespaces = config["linux"]["namespaces"];
  for (size_t i = 0; i < namespaces.size(); ++i)
    if (namespaces[i]["type"] == type) {
      namespaces.erase(i);
      return;
    }
}

void BundleTest::SetUp() {
  ASSERT_EQ(::geteuid(), 0u) << "integration tests need root";
  char templ[] = "/tmp/ward-it.XXXXXX";
  ASSERT_NE(::mkdtemp(templ), nullptr);
  dir_ = templ;
  // Mapped users of a user namespace must reach the rootfs.
  ::chmod(dir_.c_str(), 0755);
  bundle_ = dir_ + "/bundle";
  rootfs_ = bundle_ + "/rootfs";
  root_ = dir_ + "/state";
  ::mkdir(bundle_.c_str(), 0755);
  for (const char* sub : {"", "/bin", "/dev", "/proc", "/sys", "/etc", "/tmp", "/root", "/home", "/home/user"})
    ::mkdir((rootfs_ + sub).c_str(), 0755);
  ::chmod((rootfs_ + "/tmp").c_str(), 01777);
  ASSERT_EQ(run_command({"cp", "/bin/busybox", rootfs_ + "/bin/busybox"}).status, 0);
  ASSERT_EQ(run_command({"cp", WARD_CHECKER_BINARY, rootfs_ + "/bin/ward-checker"}).status, 0);
  ASSERT_EQ(run_command({"chroot", rootfs_, "/bin/busybox", "--install", "-s", "/bin"}).status, 0);
  write_text(rootfs_ + "/etc/passwd",
             "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
  write_text(rootfs_ + "/etc/group", "root:x:0:\ntty:x:5:\nuser:x:1000:\n");
  auto spec = oci({"spec", "--bundle", bundle_});
  ASSERT_EQ(spec.status, 0) << spec.err;
  config_ = nlohmann::json::parse(read_text(bundle_ + "/config.json"));
  config_["process"]["terminal"] = false;
  save_config();
}

Outcome BundleTest::run_on_pure_v2(const std::string& script) {
  used_pure_v2_ = true;
  return run_command({"unshare", "--mount", "--propagation", "private", "sh", "-c",
                      "umount -l /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup && cd \"$0\" && "
                      "W=\"$1 --root $2\" && eval \"$3\"",
                      bundle_, WARD_OCI_BINARY, root_, script});
}

void BundleTest::TearDown() {
  // A container made on the pure v2 view is deleted there: its cgroup is
  // only at that path in that view.
  if (used_pure_v2_)
    for (const auto& id : state_entries()) run_on_pure_v2("$W delete --force " + id);
  for (const auto& id : state_entries()) oci({"delete", "--force", id});
  // The per-test parent cgroup that oci() put containers under: its first
  // container made it and left it while others still used it.
  if (!dir_.empty()) {
    std::string parent = dir_.substr(dir_.rfind('/') + 1);
    ::rmdir(("/sys/fs/cgroup/" + parent).c_str());
    if (DIR* hierarchies = ::opendir("/sys/fs/cgroup")) {
      while (dirent* entry = ::readdir(hierarchies))
        if (entry->d_name[0] != '.') ::rmdir(("/sys/fs/cgroup/" + std::string(entry->d_name) + "/" + parent).c_str());
      ::closedir(hierarchies);
    }
  }
  if (!dir_.empty() && dir_.starts_with("/tmp/ward-it.")) run_command({"rm", "-rf", "--one-file-system", dir_});
}

Outcome BundleTest::oci(const std::vector<std::string>& args, const std::string& input, int timeout_seconds) {
  std::vector<std::string> argv = {WARD_OCI_BINARY, "--root", root_};
  argv.insert(argv.end(), args.begin(), args.end());
  char cwd[4096];
  bool have_cwd = ::getcwd(cwd, sizeof(cwd)) != nullptr;
  if (!bundle_.empty() && exists(bundle_)) (void)!::chdir(bundle_.c_str());
  // Containers of concurrent tests may share ids; their cgroups must not
  // (a delete kills everything in its cgroup).  Unless the test chose a
  // cgroupsPath, each container gets one under this test's own parent.
  std::string config_path = bundle_ + "/config.json";
  if (!args.empty() && (args[0] == "create" || args[0] == "run") && !config_.is_null() &&
      !config_["linux"].contains("cgroupsPath")) {
    std::string current = read_text(config_path);
    if (!current.empty() && (current == config_.dump(2) || current == last_written_config_)) {
      nlohmann::json with_path = config_;
      with_path["linux"]["cgroupsPath"] = "/" + dir_.substr(dir_.rfind('/') + 1) + "/" + args.back();
      last_written_config_ = with_path.dump(2);
      write_text(config_path, last_written_config_);
    }
  }
  Outcome outcome = run_command(argv, input, timeout_seconds);
  if (have_cwd) (void)!::chdir(cwd);
  return outcome;
}

std::map<std::string, std::string> BundleTest::run_checker(const std::vector<std::string>& args) {
  set_args(args);
  static int counter = 0;
  auto outcome = oci({"run", "checker-" + std::to_string(++counter)});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  return parse_facts(outcome.out);
}

void BundleTest::add_mount(const std::string& destination, const std::string& type, const std::string& source,
                           const std::vector<std::string>& options) {
  config_["mounts"].push_back({{"destination", destination}, {"type", type}, {"source", source}, {"options", options}});
}

void BundleTest::save_config() { write_text(bundle_ + "/config.json", config_.dump(2)); }

void BundleTest::set_args(const std::vector<std::string>& args) {
  config_["process"]["args"] = args;
  save_config();
}

void BundleTest::use_user_namespace(std::uint32_t host_id) {
  nlohmann::json mapping = {{{"containerID", 0}, {"hostID", host_id}, {"size", 65536}}};
  config_["linux"]["namespaces"].push_back({{"type", "user"}});
  config_["linux"]["uidMappings"] = mapping;
  config_["linux"]["gidMappings"] = mapping;
  config_["linux"]["sysctl"]["net.ipv4.ping_group_range"] = "0 65535";
  auto& mounts = config_["mounts"];
  for (size_t i = 0; i < mounts.size(); ++i)
    if (mounts[i]["destination"] == "/sys/fs/cgroup") mounts.erase(i--);
}

std::vector<std::string> BundleTest::state_entries() {
  std::vector<std::string> entries;
  DIR* dir = ::opendir(root_.c_str());
  if (dir == nullptr) return entries;
  while (dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') entries.emplace_back(entry->d_name);
  ::closedir(dir);
  return entries;
}

}  // namespace ward::test
