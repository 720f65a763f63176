// ward's own plain view of an OCI runtime-spec config.json (Linux part).
// The JSON library stays inside src/oci; every other module takes these
// structs.  Field names follow the runtime-spec so a reader can map them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace ward::oci {

// The newest runtime-spec version ward-oci implements.
inline constexpr const char* kRuntimeSpecVersion = "1.2.1";

enum class NamespaceKind { pid, network, mount, ipc, uts, user, cgroup, time };

struct Namespace {
  NamespaceKind kind;
  std::string path;  // empty: create a new one; else join the one at path
};

struct IdMapping {
  std::uint32_t container_id = 0;
  std::uint32_t host_id = 0;
  std::uint32_t size = 0;
};

struct Mount {
  std::string destination;  // absolute path inside the container
  std::string type;         // "bind", "tmpfs", "proc", ... ("" with bind options)
  std::string source;
  std::vector<std::string> options;
  std::vector<IdMapping> uid_mappings;  // idmapped mounts
  std::vector<IdMapping> gid_mappings;
};

struct Rlimit {
  int resource = 0;  // RLIMIT_*
  std::string name;  // "RLIMIT_NOFILE", for messages
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

struct Capabilities {
  // Each set holds capability numbers (CAP_*); names are checked at parse.
  std::vector<int> bounding, effective, inheritable, permitted, ambient;
};

struct User {
  uid_t uid = 0;
  gid_t gid = 0;
  std::optional<mode_t> umask;
  std::vector<gid_t> additional_gids;
  std::string username;  // informational (Windows); ignored on Linux
};

struct ConsoleSize {
  unsigned height = 0;
  unsigned width = 0;
};

struct IoPriority {
  int io_class = 0;  // IOPRIO_CLASS_*
  int priority = 0;
};

struct Scheduler {
  std::string policy;  // SCHED_OTHER, SCHED_FIFO, ...
  int nice = 0;
  int priority = 0;
  std::vector<std::string> flags;
  std::uint64_t runtime = 0, deadline = 0, period = 0;
};

// process.landlock: the shape of the open runtime-spec proposal
// (opencontainers/runtime-spec#1111, carried on as #1241).  Rights are the
// kernel's LANDLOCK_ACCESS_{FS,NET}_* names in lower case.
struct LandlockPathBeneath {
  std::vector<std::string> allowed_access;  // "execute", "read_file", ...
  std::vector<std::string> paths;           // absolute, inside the container
};

struct LandlockNetPort {
  std::vector<std::string> allowed_access;  // "bind_tcp", "connect_tcp"
  std::vector<std::uint64_t> ports;
};

struct Landlock {
  std::vector<std::string> handled_access_fs;       // ruleset.handledAccessFS
  std::vector<std::string> handled_access_network;  // ruleset.handledAccessNetwork
  std::vector<LandlockPathBeneath> path_beneath;    // rules.pathBeneath
  std::vector<LandlockNetPort> net_port;            // rules.netPort
  bool disable_best_effort = false;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  User user;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::string apparmor_profile;
  std::optional<int> oom_score_adj;
  std::string selinux_label;
  std::optional<IoPriority> io_priority;
  std::optional<Scheduler> scheduler;
  std::optional<Landlock> landlock;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;  // seconds, > 0
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;
  [[nodiscard]] bool empty() const {
    return prestart.empty() && create_runtime.empty() && create_container.empty() &&
           start_container.empty() && poststart.empty() && poststop.empty();
  }
};

struct Device {
  char type = 'c';  // 'c', 'b', 'u', 'p'
  std::string path;
  std::int64_t major = 0, minor = 0;
  std::optional<mode_t> file_mode;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

// --- cgroup resources (applied by src/cgroups) ---
struct DeviceRule {
  bool allow = false;
  char type = 'a';  // 'a', 'c', 'b'
  std::optional<std::int64_t> major, minor;
  std::string access;  // subset of "rwm"
};

struct MemoryResources {
  std::optional<std::int64_t> limit, reservation, swap, kernel, kernel_tcp;
  std::optional<std::uint64_t> swappiness;
  std::optional<bool> disable_oom_killer, use_hierarchy, check_before_update;
};

struct CpuResources {
  std::optional<std::uint64_t> shares, period, realtime_period;
  std::optional<std::int64_t> quota, realtime_runtime, idle;
  std::optional<std::uint64_t> burst;
  std::string cpus, mems;
};

struct WeightDevice {
  std::int64_t major = 0, minor = 0;
  std::optional<std::uint16_t> weight, leaf_weight;
};

struct ThrottleDevice {
  std::int64_t major = 0, minor = 0;
  std::uint64_t rate = 0;
};

struct BlockIoResources {
  std::optional<std::uint16_t> weight, leaf_weight;
  std::vector<WeightDevice> weight_devices;
  std::vector<ThrottleDevice> throttle_read_bps, throttle_write_bps, throttle_read_iops, throttle_write_iops;
};

struct HugepageLimit {
  std::string page_size;  // "2MB"
  std::uint64_t limit = 0;
};

struct NetworkPriority {
  std::string name;
  std::uint32_t priority = 0;
};

struct Resources {
  std::vector<DeviceRule> devices;
  std::optional<MemoryResources> memory;
  std::optional<CpuResources> cpu;
  std::optional<std::int64_t> pids_limit;
  std::optional<BlockIoResources> block_io;
  std::vector<HugepageLimit> hugepage_limits;
  std::optional<std::uint32_t> net_class_id;
  std::vector<NetworkPriority> net_priorities;
  std::map<std::string, std::string> unified;
};

// --- seccomp (compiled by src/security/seccomp) ---
struct SeccompArg {
  unsigned index = 0;
  std::uint64_t value = 0, value_two = 0;
  std::string op;  // SCMP_CMP_*
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_*
  std::optional<std::uint32_t> errno_ret;
  std::vector<SeccompArg> args;
};

struct Seccomp {
  std::string default_action;
  std::optional<std::uint32_t> default_errno_ret;
  std::vector<std::string> architectures;
  std::vector<std::string> flags;
  std::string listener_path, listener_metadata;
  std::vector<SeccompSyscall> syscalls;
};

struct TimeOffset {
  std::int64_t secs = 0;
  std::uint32_t nanosecs = 0;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::map<std::string, TimeOffset> time_offsets;  // "monotonic", "boottime"
  std::vector<Device> devices;
  std::string cgroups_path;
  std::optional<Resources> resources;
  std::string rootfs_propagation;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string mount_label;
  std::map<std::string, std::string> sysctl;
  std::optional<Seccomp> seccomp;
  std::string intel_rdt_clos_id;  // parsed so that asking for it fails loudly
  std::optional<unsigned long> personality_domain;
};

struct Root {
  std::string path;  // as written in config.json
  bool readonly = false;
};

struct Config {
  std::string oci_version;
  Root root;
  std::optional<Process> process;
  std::string hostname, domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  Linux linux;

  [[nodiscard]] bool has_namespace(NamespaceKind kind) const;
  [[nodiscard]] const Namespace* find_namespace(NamespaceKind kind) const;
};

// Parses and validates config.json text.  Errors name the offending field,
// e.g. "linux.namespaces[2].type: unknown namespace \"foo\"".
[[nodiscard]] Result<Config> parse_config(std::string_view json_text);
// Reads BUNDLE/config.json; errors name the file.
[[nodiscard]] Result<Config> load_config(const std::string& bundle_dir);
// Parses a process.json (ward-oci exec --process).
[[nodiscard]] Result<Process> parse_process(std::string_view json_text);
// A linux.resources object on its own (`update --resources`).
[[nodiscard]] Result<Resources> parse_resources(std::string_view json_text);

const char* namespace_kind_name(NamespaceKind kind);  // "pid", "network", ...

}  // namespace ward::oci
