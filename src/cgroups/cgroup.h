// A container's cgroup: one directory per mounted hierarchy (v1 controllers,
// the v2 unified hierarchy, or both on hybrid hosts), the resources written
// into them, and their removal.  Backends: resources_v1.cc, resources_v2.cc,
// device_program.cc (the eBPF device controller); pure value conversions:
// convert.h; device rules to eBPF: device_filter.h.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cgroups/device_filter.h"
#include "cgroups/hierarchy.h"
#include "oci/config.h"
#include "util/error.h"

namespace ward::cgroups {

struct CgroupDirectory {
  Hierarchy hierarchy;
  std::string path;  // absolute host path: /sys/fs/cgroup/memory/ward/c1
};

class Cgroup {
 public:
  // Resolves linux.cgroupsPath on this host without touching anything.
  // Absolute paths are taken from each hierarchy's root, relative ones from
  // ward-oci's own cgroup, an empty one is "/<id>".  The systemd
  // "slice:prefix:name" form is refused: there is no systemd here.
  [[nodiscard]] static Result<Cgroup> resolve(const std::string& cgroups_path, const std::string& id);
  // The text kept in the container's state directory: its directories (with
  // their hierarchies) and the ones it made.  parse() restores it.
  [[nodiscard]] std::string serialize() const;
  [[nodiscard]] static Cgroup parse(const std::string& text);

  // Makes the directories (parents included) and remembers the ones it made.
  [[nodiscard]] Result<> create();
  // Writes linux.resources; `allowed_devices` are the devices the container
  // gets besides the config's rules (ward's defaults and linux.devices).
  // Device rules go to the v1 devices controller when there is one and, as
  // an eBPF program, to the container's cgroup v2 directory when there is
  // one: on a hybrid host both enforce.
  [[nodiscard]] Result<> set(const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed_devices);
  // For `update`: like set(), but device rules are rewritten only when
  // `resources` has some (the eBPF program is swapped), and unset fields
  // are left as they are.  With memory.checkBeforeUpdate, a memory limit
  // below the current usage is refused before anything is written.
  [[nodiscard]] Result<> update(const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed_devices);
  [[nodiscard]] Result<> add_process(pid_t pid) const;
  // Stops every process (v1 freezer, v2 cgroup.freeze) and waits until the
  // kernel says frozen; thaw() undoes it.
  [[nodiscard]] Result<> freeze() const;
  [[nodiscard]] Result<> thaw() const;
  [[nodiscard]] bool frozen() const;
  // Pids in the cgroup (from the first directory that lists them).
  [[nodiscard]] Result<std::vector<pid_t>> pids() const;
  // Memory the cgroup uses now (v1 memory.usage_in_bytes, v2 memory.current).
  [[nodiscard]] Result<std::uint64_t> memory_usage() const;
  // `kill --all` (kill.cc).  kill_file() is the cgroup.kill of the unified
  // directory (v2, or the cgroup2 side of a hybrid host; kernel 5.14+) when
  // `signal` is SIGKILL and the file exists, else "".  signal_all() uses it
  // when there is one: the kernel kills every process at once, forks
  // included.  Otherwise it freezes the cgroup (so nothing forks past the
  // list), sends `signal` to each pid but `except`, and thaws it again
  // unless it was already paused; without a freezer it signals unfrozen.
  [[nodiscard]] std::string kill_file(int signal) const;
  [[nodiscard]] Result<> signal_all(int signal, pid_t except) const;
  // SIGKILLs what is left, then removes the created directories, deepest
  // first.  Idempotent; a directory already gone is fine.
  [[nodiscard]] Result<> destroy();

  [[nodiscard]] const std::vector<CgroupDirectory>& directories() const { return directories_; }
  // Directories this cgroup made, deepest first: what destroy() removes.
  [[nodiscard]] const std::vector<std::string>& created() const { return created_; }
  // The container's directory in the hierarchy mounted at `mount_point`.
  [[nodiscard]] std::string directory_for(const std::string& mount_point) const;

 private:
  [[nodiscard]] Result<> create_once();
  [[nodiscard]] Result<> apply(const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed_devices,
                               bool creating);

  std::vector<CgroupDirectory> directories_;
  std::vector<std::string> created_;
};

// The device rules every container gets (null, zero, full, random,
// urandom, tty, console, ptmx and the pts devices), as runc allows them.
// Removes the cgroup at `cgroups_path` (absolute: from each hierarchy's
// root) in every hierarchy where it is empty; one that holds processes or
// other cgroups stays.  An engine's parent cgroup (/ward) goes this way
// once its last container is gone.
[[nodiscard]] Result<> remove_empty_cgroup(const std::string& cgroups_path);

[[nodiscard]] std::vector<oci::DeviceRule> default_allowed_devices();
// Those plus an allow rule for each of the config's linux.devices.
[[nodiscard]] std::vector<oci::DeviceRule> allowed_devices(const std::vector<oci::Device>& devices);

namespace detail {
// resources_v1.cc / resources_v2.cc.  `dir_for` finds the directory of the
// hierarchy holding a controller ("" when it is not mounted).
using DirectoryFor = std::string (*)(const std::vector<CgroupDirectory>&, const std::string& controller);
[[nodiscard]] Result<> set_v1(const std::vector<CgroupDirectory>& dirs, const oci::Resources& resources,
                              const std::vector<oci::DeviceRule>& allowed_devices, bool always_devices);
[[nodiscard]] Result<> set_v2(const std::string& dir, const oci::Resources& resources);
[[nodiscard]] std::string v1_directory(const std::vector<CgroupDirectory>& dirs, const std::string& controller);
// device_program.cc: compiles `policy` and makes it the device program of
// the cgroup v2 directory `dir`, replacing any there.
[[nodiscard]] Result<> set_device_program(const std::string& dir, const DevicePolicy& policy);
}  // namespace detail

}  // namespace ward::cgroups
