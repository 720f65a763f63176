#include "cgroups/oom.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "cgroups/stats.h"
#include "util/sys.h"

namespace ward::cgroups {

OomCounters parse_memory_events(const std::string& text) {
  auto values = parse_flat_keyed(text);
  OomCounters counters;
  if (auto it = values.find("oom"); it != values.end()) counters.oom = it->second;
  if (auto it = values.find("oom_kill"); it != values.end()) counters.oom_kill = it->second;
  return counters;
}

Result<OomWatcher> OomWatcher::open(const Cgroup& cgroup) {
  std::string v1 = detail::v1_directory(cgroup.directories(), "memory");
  if (!v1.empty()) return open_v1(v1);
  for (const auto& dir : cgroup.directories()) {
    if (dir.hierarchy.unified && sys::path_exists(dir.path + "/memory.events")) return open_v2(dir.path);
  }
  return fail("OOM notifications: the container's cgroup has no memory controller "
              "(neither v1 memory.oom_control nor v2 memory.events)");
}

Result<OomWatcher> OomWatcher::open_v1(const std::string& memory_directory) {
  OomWatcher watcher;
  watcher.directory_ = memory_directory;
  auto oom_control = sys::open(memory_directory + "/memory.oom_control", O_RDONLY | O_CLOEXEC);
  if (!oom_control) return std::unexpected(oom_control.error().wrap("OOM notifications"));
  watcher.oom_control_ = std::move(*oom_control);
  watcher.fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!watcher.fd_) return fail_errno(errno, "OOM notifications: eventfd");
  // "<eventfd> <fd of the file to watch>": the kernel takes both by number
  // from the writing process.
  std::string registration = fmt::format("{} {}", watcher.fd_.get(), watcher.oom_control_.get());
  if (auto r = sys::write_file(memory_directory + "/cgroup.event_control", registration); !r)
    return std::unexpected(r.error().wrap("OOM notifications: register on memory.oom_control"));
  return watcher;
}

Result<OomWatcher> OomWatcher::open_v2(const std::string& directory) {
  OomWatcher watcher;
  watcher.v2_ = true;
  watcher.directory_ = directory;
  watcher.fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!watcher.fd_) return fail_errno(errno, "OOM notifications: inotify_init1");
  std::string memory_events = directory + "/memory.events";
  watcher.memory_events_watch_ = ::inotify_add_watch(watcher.fd_.get(), memory_events.c_str(), IN_MODIFY);
  if (watcher.memory_events_watch_ < 0) return fail_errno(errno, "OOM notifications: watch " + memory_events);
  std::string cgroup_events = directory + "/cgroup.events";
  if (sys::path_exists(cgroup_events)) {
    watcher.cgroup_events_watch_ = ::inotify_add_watch(watcher.fd_.get(), cgroup_events.c_str(), IN_MODIFY);
    if (watcher.cgroup_events_watch_ < 0) return fail_errno(errno, "OOM notifications: watch " + cgroup_events);
  }
  // Only OOMs from now on count.
  auto text = sys::read_file(memory_events);
  if (!text) return std::unexpected(text.error().wrap("OOM notifications"));
  watcher.seen_ = parse_memory_events(*text);
  return watcher;
}

Result<bool> OomWatcher::check() { return v2_ ? check_v2() : check_v1(); }

Result<bool> OomWatcher::check_v1() {
  if (ended_) return false;
  std::uint64_t count = 0;
  ssize_t n = sys::raw::read_some(fd_.get(), &count, sizeof count);
  if (n == -EAGAIN) return false;
  if (n < 0) return fail_errno(static_cast<int>(-n), "OOM notifications: read eventfd");
  // Removing the cgroup signals the eventfd too: that is the end, not an OOM.
  if (!sys::path_exists(directory_ + "/cgroup.event_control")) {
    ended_ = true;
    return false;
  }
  return count > 0;
}

Result<bool> OomWatcher::check_v2() {
  if (ended_) return false;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    ssize_t n = sys::raw::read_some(fd_.get(), buffer, sizeof buffer);
    if (n == -EAGAIN) break;
    if (n < 0) return fail_errno(static_cast<int>(-n), "OOM notifications: read inotify");
    for (ssize_t offset = 0; offset + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      inotify_event event;
      std::memcpy(&event, buffer + offset, sizeof event);
      offset += static_cast<ssize_t>(sizeof event + event.len);
      // The file went away with its cgroup.
      if ((event.mask & (IN_IGNORED | IN_DELETE_SELF)) && event.wd == memory_events_watch_) ended_ = true;
      if ((event.mask & IN_MODIFY) && event.wd == cgroup_events_watch_) {
        auto text = sys::read_file(directory_ + "/cgroup.events");
        if (text) {
          auto values = parse_flat_keyed(*text);
          if (auto it = values.find("populated"); it != values.end() && it->second == 0) ended_ = true;
        }
      }
    }
  }
  // The counters decide, whatever woke us: a notification may still be on
  // its way when the caller drains before leaving.
  auto text = sys::read_file(directory_ + "/memory.events");
  if (!text) {
    if (text.error().is(ErrorKind::not_found)) {  // ENOENT, or ENODEV once the cgroup is gone
      ended_ = true;
      return false;
    }
    return std::unexpected(text.error().wrap("OOM notifications"));
  }
  OomCounters now = parse_memory_events(*text);
  bool rose = now.oom > seen_.oom || now.oom_kill > seen_.oom_kill;
  seen_.oom = std::max(seen_.oom, now.oom);
  seen_.oom_kill = std::max(seen_.oom_kill, now.oom_kill);
  return rose;
}

}  // namespace ward::cgroups
