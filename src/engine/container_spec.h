// What a container is made from: the image's config merged with the flags
// of `ward run`/`ward create`, kept in the containers table (column
// `spec`) in Docker's shape, so `inspect` shows Config and HostConfig as
// Docker does and a later start rebuilds the same container.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/monitor/restart_policy.h"
#include "engine/volume_spec.h"
#include "image/spec.h"
#include "util/error.h"

namespace ward::engine {

// --network: the default is a private network namespace with only
// loopback (bridge networks come with src/net).
enum class NetworkMode : std::uint8_t { none, host };
// --userns: `automatic` gives the container its own range (the default).
enum class UsernsMode : std::uint8_t { automatic, host };

// --ulimit NAME=SOFT[:HARD]: Docker's {Name, Soft, Hard}; -1 is unlimited.
struct Ulimit {
  std::string name;  // "nofile", "nproc", ...
  std::int64_t soft = 0, hard = 0;
  friend bool operator==(const Ulimit&, const Ulimit&) = default;
};

// --device-read-bps and friends: Docker's {Path, Rate} (a block device of
// the host; its numbers are looked up when the config is built).
struct ThrottleDevice {
  std::string path;
  std::uint64_t rate = 0;
  friend bool operator==(const ThrottleDevice&, const ThrottleDevice&) = default;
};

// --device HOST[:CONTAINER][:PERMISSIONS]: Docker's {PathOnHost,
// PathInContainer, CgroupPermissions}.
struct DeviceMapping {
  std::string path_on_host, path_in_container, cgroup_permissions = "rwm";
  friend bool operator==(const DeviceMapping&, const DeviceMapping&) = default;
};

// The cgroup limits of --cpus, --cpu-*, --cpuset-*, --memory-*, --oom-*,
// --blkio-* and --device-*-bps/iops, in HostConfig's fields; 0 or "" is
// "not set" (memory_swappiness: -1).
struct ResourceLimits {
  std::int64_t nano_cpus = 0;
  std::int64_t cpu_shares = 0;
  std::int64_t cpu_period = 0;
  std::int64_t cpu_quota = 0;
  std::string cpuset_cpus, cpuset_mems;
  std::int64_t memory_reservation = 0;
  std::int64_t memory_swap = 0;  // -1: unlimited swap
  std::int64_t memory_swappiness = -1;
  bool oom_kill_disable = false;
  std::uint16_t blkio_weight = 0;
  std::vector<ThrottleDevice> device_read_bps, device_write_bps, device_read_iops, device_write_iops;
  std::vector<ThrottleDevice> blkio_weight_device;  // --blkio-weight-device: `rate` is the weight
  friend bool operator==(const ResourceLimits&, const ResourceLimits&) = default;
};

// --secret NAME[,target=PATH,uid=N,gid=N,mode=0NNN]: a secret's file,
// bound read-only in the container (engine/secrets.h).
struct SecretMount {
  std::string name;
  std::string target;  // absolute; /run/secrets/NAME by default
  std::uint32_t uid = 0, gid = 0;
  std::uint32_t mode = 0444;
  friend bool operator==(const SecretMount&, const SecretMount&) = default;
};

struct ContainerSpec {
  // --- Docker's Config ---
  std::string image;  // as the user named it
  std::string hostname;
  std::string user;              // "", "name", "uid", "uid:gid", "name:group"
  std::vector<std::string> env;  // image's, then -e/--env-file, last one of a name wins
  std::vector<std::string> cmd;
  std::vector<std::string> entrypoint;
  std::string working_dir;
  bool tty = false;
  bool open_stdin = false;
  // -a: the streams a foreground run relays to its own stdin, stdout and
  // stderr (all of them without -a; stdin with -i).  An unattached
  // stream still reaches the log.
  bool attach_stdin = false;
  bool attach_stdout = true;
  bool attach_stderr = true;
  std::map<std::string, std::string> labels;
  std::string stop_signal;  // --stop-signal as given; "": SIGTERM
  int stop_timeout = -1;    // --stop-timeout in seconds; -1: stop's default (10)
  // --- Docker's HostConfig ---
  bool auto_remove = false;
  bool read_only = false;
  bool privileged = false;
  std::vector<std::string> cap_add, cap_drop;  // as given: "NET_ADMIN", "ALL"
  bool no_new_privileges = true;               // ward's default (SPEC section 3)
  bool seccomp_unconfined = false;
  bool systempaths_unconfined = false;  // --security-opt systempaths=unconfined
  NetworkMode network = NetworkMode::none;
  UsernsMode userns = UsernsMode::automatic;
  std::int64_t memory = 0;                   // bytes; 0: no limit
  std::int64_t pids_limit = 2048;            // -1 or 0 via the flag: no limit
  std::map<std::string, std::string> tmpfs;  // destination -> options
  // Bind mounts of host paths (-v HOST:CTR[:ro], --mount type=bind):
  // Docker's "HOST:CTR[:ro]" strings, the shape HostConfig.Binds has.
  std::vector<std::string> binds;
  // Volumes (engine/volume_spec.h); -v NAME:... stays in `binds` as given.
  std::vector<VolumeMount> volume_mounts;
  std::vector<std::string> volumes_from;  // --volumes-from as given
  std::vector<std::string> security_opt;  // as given, for inspect
  monitor::RestartPolicy restart;
  std::string log_driver = "json-file";  // or "none"
  std::map<std::string, std::string> log_options;
  std::vector<Ulimit> ulimits;  // sorted by name, one per name
  ResourceLimits resources;
  int oom_score_adj = 0;
  std::int64_t shm_size = 64 << 20;                       // bytes of the /dev/shm tmpfs
  std::map<std::string, std::string> sysctls;             // namespaced ones only
  std::vector<std::string> group_add;                     // names or gids, resolved in the image's /etc/group
  std::string domainname;                                 // Config.Domainname
  std::vector<std::string> extra_hosts;                   // --add-host "HOST:IP", /etc/hosts lines
  std::vector<std::string> dns, dns_search, dns_options;  // what /etc/resolv.conf says
  std::vector<DeviceMapping> devices;
  std::vector<std::string> device_cgroup_rules;  // "c 1:3 rwm", Docker's form
  // --pid, --ipc, --uts: "" (a namespace of its own) or "host"; --ipc
  // also "private" and "shareable" (its own as well).
  std::string pid_mode, ipc_mode, uts_mode;
  // --cgroupns: "" (a cgroup namespace of its own, "private") or "host".
  std::string cgroupns_mode;
  // --cgroup-parent: the cgroup the container's is made under ("": /ward).
  std::string cgroup_parent;
  bool init = false;                               // --init: tini as PID 1
  std::map<std::string, std::string> annotations;  // the OCI config's annotations
  bool no_healthcheck = false;                     // Config.Healthcheck {"Test": ["NONE"]}
  // --health-*, with the image's HEALTHCHECK merged in field by field.
  std::optional<image::Healthcheck> healthcheck;
  std::vector<SecretMount> secrets;  // HostConfig.Secrets (ward's, as Podman's --secret)

  friend bool operator==(const ContainerSpec&, const ContainerSpec&) = default;
};

// The image's defaults under the flags: Env merged by name, Cmd replaced
// by a given command, and (Docker's rule) a given --entrypoint drops the
// image's Cmd unless a command is given too.  The image's HEALTHCHECK
// fills the fields the --health-* flags leave unset; its STOPSIGNAL is
// used unless --stop-signal is given.
void apply_image_defaults(ContainerSpec& spec, const image::ContainerConfig& image_config, bool entrypoint_given,
                          bool command_given);

// {"Config": {...}, "HostConfig": {...}} with Docker's field names.
[[nodiscard]] nlohmann::ordered_json spec_to_json(const ContainerSpec& spec);
// The reverse; invalid_input naming the field for a damaged record.
[[nodiscard]] Result<ContainerSpec> spec_from_json(std::string_view text);

[[nodiscard]] std::string_view network_mode_name(NetworkMode mode);

struct BindMount {
  std::string source, destination;
  bool read_only = false;
};
// "HOST:CONTAINER[:ro|rw]" with absolute paths; a named volume (no "/"
// first, engine/volume_spec.h) is not a bind.
[[nodiscard]] Result<BindMount> parse_bind(std::string_view text);

}  // namespace ward::engine
