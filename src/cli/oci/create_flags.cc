#include "cli/oci/create_flags.h"

#include <cstdlib>

namespace ward::cli {

std::vector<FlagSpec> create_flags() {
  return {
      {{"bundle", "b"}, true, "path to the root of the bundle directory (default: current directory)"},
      {{"console-socket"}, true, "path to an AF_UNIX socket that receives the pty master of a terminal container"},
      {{"pid-file"}, true, "file to write the container's init pid to"},
      {{"no-pivot"}, false, "do not use pivot_root (use MS_MOVE and chroot), for ramdisk roots"},
      {{"no-new-keyring"}, false, "do not create a new session keyring for the container"},
      {{"preserve-fds"}, true, "pass N additional fds (from 3) to the container"},
  };
}

Result<runtime::CreateOptions> create_options(const GlobalOptions& global, const ParsedArgs& parsed) {
  if (global.systemd_cgroup) return fail("--systemd-cgroup: the systemd cgroup driver is not available on this host");
  runtime::CreateOptions options;
  options.id = parsed.positional.at(0);
  options.bundle = parsed.value("bundle", ".");
  options.console_socket = parsed.value("console-socket");
  options.pid_file = parsed.value("pid-file");
  options.no_pivot = parsed.flag("no-pivot");
  options.no_new_keyring = parsed.flag("no-new-keyring");
  if (parsed.has("preserve-fds")) {
    std::string text = parsed.value("preserve-fds");
    char* end = nullptr;
    long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 0 || n > 1024)
      return fail(fmt::format("--preserve-fds: invalid count \"{}\"", text));
    options.preserve_fds = static_cast<int>(n);
  }
  if (!options.pid_file.empty() && options.pid_file[0] != '/') {
    char* cwd = ::get_current_dir_name();
    if (cwd != nullptr) {
      options.pid_file = std::string(cwd) + "/" + options.pid_file;
      std::free(cwd);
    }
  }
  return options;
}

}  // namespace ward::cli
