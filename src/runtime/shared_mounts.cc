#include "runtime/shared_mounts.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ward::runtime {

bool at_or_below(std::string_view path, std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  if (root == "/") return !path.empty() && path.front() == '/';
  if (!path.starts_with(root)) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

Result<SharedMounts> record_shared_mounts(const std::string& rootfs) {
  auto table = WARD_TRY(sys::read_mountinfo());
  SharedMounts record;
  record.rootfs = rootfs;
  for (const auto& mount : table)
    if (at_or_below(mount.mount_point, rootfs)) record.kept.insert(mount.id);
  return record;
}

std::string shared_mounts_json(const SharedMounts& record) {
  nlohmann::json doc;
  doc["rootfs"] = record.rootfs;
  doc["kept"] = record.kept;
  return doc.dump();
}

Result<SharedMounts> parse_shared_mounts(const std::string& text) {
  try {
    auto doc = nlohmann::json::parse(text);
    SharedMounts record;
    record.rootfs = doc.at("rootfs").get<std::string>();
    record.kept = doc.value("kept", std::set<int>{});
    if (record.rootfs.empty() || record.rootfs.front() != '/' || record.rootfs == "/")
      return fail("mount record: invalid rootfs \"" + record.rootfs + "\"");
    return record;
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("mount record: ") + e.what());
  }
}

std::vector<sys::MountInfo> mounts_to_undo(const std::vector<sys::MountInfo>& table, const SharedMounts& record) {
  std::vector<sys::MountInfo> result;
  for (const auto& mount : table)
    if (at_or_below(mount.mount_point, record.rootfs) && !record.kept.contains(mount.id)) result.push_back(mount);
  auto depth = [](const std::string& path) { return std::count(path.begin(), path.end(), '/'); };
  // Deepest first; at one path, the later (higher id, usually on top) first.
  std::stable_sort(result.begin(), result.end(), [&](const sys::MountInfo& a, const sys::MountInfo& b) {
    auto da = depth(a.mount_point), db = depth(b.mount_point);
    return da != db ? da > db : a.id > b.id;
  });
  return result;
}

Result<> unmount_shared_mounts(const SharedMounts& record) {
  if (record.rootfs.empty() || record.rootfs == "/") return fail("mount record: no rootfs");
  // Detaching a mount takes its children along, and uncovers what it hid
  // (such as copies propagated beneath the rootfs bind mount): read the
  // table again after every round.
  for (int round = 0; round < 64; ++round) {
    auto table = sys::read_mountinfo();
    if (!table) return std::unexpected(table.error().wrap("unmount the container's mounts"));
    auto undo = mounts_to_undo(*table, record);
    if (undo.empty()) return {};
    bool progress = false;
    std::string last_error;
    for (const auto& mount : undo) {
      // Only while it is the topmost mount there: never one kept above it.
      auto top = sys::mount_id(mount.mount_point);
      if (!top || *top != mount.id) continue;
      if (auto r = sys::unmount_detach(mount.mount_point); r) {
        progress = true;
      } else if (r.error().code != EINVAL && r.error().code != ENOENT) {
        last_error = r.error().what();
      }
    }
    if (!progress) {
      std::string left;
      for (const auto& mount : undo) left += (left.empty() ? "" : ", ") + mount.mount_point;
      return fail(fmt::format("cannot unmount the container's mounts below {} ({}){}", record.rootfs, left,
                              last_error.empty() ? "" : ": " + last_error));
    }
  }
  return fail("unmount the container's mounts below " + record.rootfs + ": too many rounds");
}

}  // namespace ward::runtime
