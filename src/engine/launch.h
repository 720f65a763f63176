// Internal to src/engine: what every start of a container prepares before
// the runtime creates it (foreground run, detached start, a monitor's
// restart), and the runtime's options for it.
#pragma once

#include <string>

#include "oci/config.h"
#include "runtime/container.h"
#include "util/fd.h"

namespace ward::engine {

// The bundle directory of one start: removed when the start fails (the
// PreparedLaunch is destroyed without keep()).
class BundleDir {
 public:
  BundleDir() = default;
  explicit BundleDir(std::string path) : path_(std::move(path)) {}
  BundleDir(BundleDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  BundleDir& operator=(BundleDir&&) = delete;
  BundleDir(const BundleDir&) = delete;
  ~BundleDir();
  [[nodiscard]] const std::string& path() const { return path_; }
  void keep() { path_.clear(); }

 private:
  std::string path_;
};

struct PreparedLaunch {
  std::string id;
  BundleDir bundle;    // config.json, hostname, hosts, resolv.conf
  UniqueFd rootfs;     // the detached overlay, attached by the init
  oci::Config config;  // parsed in-process: nothing reads config.json back
};

// Whether `pid` is still the process that started at `start_time` and
// has not ended (a zombie has).
[[nodiscard]] bool process_lives(pid_t pid, std::uint64_t start_time);

// The runtime's options for `launch` (kept after the container exits: the
// engine deletes it when it has recorded the exit).
[[nodiscard]] runtime::RunOptions run_options(const PreparedLaunch& launch);

// This program's path (/proc/self/exe): the ward a monitor or a health
// check runs again.
[[nodiscard]] Result<std::string> own_program();

}  // namespace ward::engine
