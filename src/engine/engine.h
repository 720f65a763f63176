// The daemonless engine (ENGINE.md): containers made from the store's
// images and run by the runtime library in-process.  Each command opens
// an Engine, does its work and exits; the database and the run directory
// are all the state there is.
//
// Where a container's things live:
//   <store>/containers/<id>/upper, work   its overlay's writable layer
//   <run>/containers/<id>/                its bundle: config.json, the
//                                         rootfs mount point, hostname,
//                                         hosts, resolv.conf (mode 0711,
//                                         so the container's root can
//                                         reach what is bound in)
//   <run>/runtime/<id>/                   the runtime's state
// <run> is /run/ward (a tmpfs: after a reboot every container has exited).
// The rootfs overlay is made detached and attached only inside the
// container's mount namespace, so no host mount can leak.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/container_rows.h"
#include "engine/container_spec.h"
#include "image/store.h"
#include "runtime/container.h"
#include "util/error.h"

namespace ward::engine {

struct CreateRequest {
  ContainerSpec spec;  // the flags; the image's defaults are merged in
  std::string name;    // "" for a generated one
  bool entrypoint_given = false;
  bool command_given = false;
};

// Makes `store` refuse to remove an image a container uses (the
// containers table answers Store's ImageUsersQuery).
void watch_image_users(image::Store& store);

class Engine {
 public:
  // The engine over the store at `store_root`, its run state under
  // `run_root` ("" for the default).
  [[nodiscard]] static Result<Engine> open(const std::string& store_root, const std::string& run_root = "");

  [[nodiscard]] image::Store& store() { return store_; }
  [[nodiscard]] const std::string& run_root() const { return run_root_; }

  // Records a new container and makes its directories; nothing is left
  // when it fails.  The image is resolved (the built-in busybox made on
  // first use).
  [[nodiscard]] Result<ContainerRecord> create(CreateRequest request);
  // Starts the container and waits for it in the foreground (stdio
  // attached, signals forwarded, a terminal relayed with -t); records its
  // exit and, with --rm, removes it.  Returns its exit status.
  [[nodiscard]] Result<int> run_attached(const ContainerRecord& container);
  // Removes a container: refused while it runs unless `force`, which
  // kills it first.  Files go first and the row last, so a kill half-way
  // leaves a row that the next rm finishes.
  [[nodiscard]] Result<> remove(const ContainerRecord& container, bool force);

  // Every container, with the state of those recorded as running checked
  // against their init (a dead one is recorded exited).
  [[nodiscard]] Result<std::vector<ContainerRecord>> list();
  // One container by id, id prefix or name, checked the same way.
  [[nodiscard]] Result<ContainerRecord> find(std::string_view text);

  [[nodiscard]] std::string bundle_dir(const std::string& id) const;
  [[nodiscard]] std::string layer_dir(const std::string& id) const;  // <store>/containers/<id>

 private:
  Engine(image::Store store, std::string run_root);
  // A running record whose init is gone becomes exited.
  [[nodiscard]] Result<ContainerRecord> reconcile(ContainerRecord record);
  [[nodiscard]] Result<> remove_files(const std::string& id);
  // Deletes the runtime's state and cgroup of `id`, killing what still
  // runs; nothing to delete is fine.
  [[nodiscard]] Result<> forget_runtime_state(const std::string& id);

  image::Store store_;
  std::string run_root_;
  runtime::Runtime runtime_;
};

}  // namespace ward::engine
