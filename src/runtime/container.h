// The runtime's operations, one per ward-oci verb.  Front ends parse flags
// into these option structs and print the errors they return.
#pragma once

#include <string>
#include <vector>

#include "runtime/state.h"
#include "util/error.h"

namespace ward::runtime {

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;  // keep the caller's session keyring
  int preserve_fds = 0;
};

struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;  // do not delete the container after it exits
};

class Runtime {
 public:
  explicit Runtime(std::string root) : store_(std::move(root)) {}

  [[nodiscard]] Result<> create(const CreateOptions& options);
  [[nodiscard]] Result<> start(const std::string& id);
  // Foreground: returns the container's exit status (128+N when killed by
  // signal N).  Detached: returns 0 once the container is running.
  [[nodiscard]] Result<int> run(const RunOptions& options);
  [[nodiscard]] Result<std::string> state(const std::string& id);
  [[nodiscard]] Result<> kill(const std::string& id, int signal, bool all);
  [[nodiscard]] Result<> remove(const std::string& id, bool force);
  // Freezes or thaws every process of a running container (its cgroup).
  [[nodiscard]] Result<> pause(const std::string& id);
  [[nodiscard]] Result<> resume(const std::string& id);
  // The host pids of the container's processes.
  [[nodiscard]] Result<std::vector<pid_t>> pids(const std::string& id);

  struct Summary {
    ContainerState state;
    Status status;
  };
  [[nodiscard]] Result<std::vector<Summary>> list();

  [[nodiscard]] const StateStore& store() const { return store_; }

 private:
  StateStore store_;
};

}  // namespace ward::runtime
