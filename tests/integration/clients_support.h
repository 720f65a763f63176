// Helpers for the tests that drive ward-oci through real clients (Podman,
// containerd, Docker): the busybox image they import, and the daemons a test
// starts itself, stops by the pid it got and cleans up after.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ward::test {

// A busybox rootfs tarball in DIR (DIR/bb.tar), the image every client
// imports; with_checker also puts ward-checker at /bin/ward-checker.
std::string make_image_tar(const std::string& dir, bool with_checker = false);

// Starts ARGV in its own process group with stdout and stderr going to LOG;
// returns the pid, or -1 (with a test failure) when it could not start.
pid_t spawn_daemon(const std::vector<std::string>& argv, const std::string& log);

// SIGTERM, then SIGKILL once grace_seconds have passed; reaps the daemon.
// Returns false when it had to be killed.
bool stop_daemon(pid_t pid, int grace_seconds);

// Lazily unmounts every mount point under DIR, deepest first.
void unmount_under(const std::string& dir);

}  // namespace ward::test
