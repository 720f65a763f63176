// The pure half of id mapping: parsing /etc/subuid, /etc/subgid and
// /etc/passwd text, and choosing how each map is written.  No system calls,
// so the unit tests cover every branch.
#include "runtime/plan/id_mappings.h"

#include <algorithm>
#include <charconv>

namespace ward::runtime {

namespace {

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  for (;;) {
    size_t end = line.find(separator);
    fields.push_back(line.substr(0, end));
    if (end == std::string_view::npos) return fields;
    line.remove_prefix(end + 1);
  }
}

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// The lines of `text`, without their newlines.
template <class F>
void for_each_line(std::string_view text, F&& fn) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    fn(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// The kernel lets anyone map their own (effective) id, alone, size one.
bool only_own_id(const std::vector<oci::IdMapping>& mappings, std::uint32_t own) {
  return mappings.size() == 1 && mappings[0].size == 1 && mappings[0].host_id == own;
}

std::string describe_ranges(const std::vector<SubordinateRange>& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}-{}", r.start, r.start + r.count - 1);
  }
  return out;
}

struct MapKind {
  const char* field;   // linux.uidMappings
  const char* id;      // uid
  const char* file;    // /etc/subuid
  const char* helper;  // newuidmap
};

Result<IdMapWrite> plan_one(const std::vector<oci::IdMapping>& mappings, const MapKind& kind, bool privileged,
                            std::uint32_t real_id, std::uint32_t effective_id, const std::string& subordinate_text,
                            const std::string& helper_path, const IdCaller& caller) {
  IdMapWrite write;
  if (mappings.empty()) return write;
  if (privileged || only_own_id(mappings, effective_id)) {
    write.method = IdMapWrite::Method::direct;
    write.text = map_text(mappings);
    return write;
  }
  std::string who = caller.name.empty() ? fmt::format("uid {}", caller.uid)
                                        : fmt::format("{} (uid {})", caller.name, caller.uid);
  auto granted = subordinate_ranges(subordinate_text, caller.name, caller.uid);
  for (size_t i = 0; i < mappings.size(); ++i) {
    const auto& m = mappings[i];
    // newuidmap also lets the caller map its own real id, alone.
    if (m.size == 1 && m.host_id == real_id) continue;
    if (ranges_cover(granted, m.host_id, m.size)) continue;
    std::uint64_t last = std::uint64_t{m.host_id} + m.size - 1;
    std::string grants = granted.empty() ? fmt::format("{} has no entry for it", kind.file)
                                         : fmt::format("{} grants it {}", kind.file, describe_ranges(granted));
    std::string ids = m.size == 1 ? fmt::format("host {} {} is not a subordinate {}", kind.id, m.host_id, kind.id)
                                  : fmt::format("host {}s {}-{} are not subordinate {}s", kind.id, m.host_id, last,
                                                kind.id);
    return fail(fmt::format("{}[{}]: {} of {}: {}", kind.field, i, ids, who, grants));
  }
  if (helper_path.empty())
    return fail(fmt::format("{}: mappings beyond the caller's own {} need {} (package uidmap), which is not installed",
                            kind.field, kind.id, kind.helper));
  write.method = IdMapWrite::Method::helper;
  write.mappings = mappings;
  write.helper = helper_path;
  return write;
}

}  // namespace

std::vector<SubordinateRange> subordinate_ranges(std::string_view text, std::string_view name, uid_t uid) {
  std::vector<SubordinateRange> ranges;
  std::string uid_text = std::to_string(uid);
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    auto fields = split(line, ':');
    if (fields.size() != 3) return;
    if (fields[0] != uid_text && (name.empty() || fields[0] != name)) return;
    SubordinateRange range;
    if (!parse_number(fields[1], range.start) || !parse_number(fields[2], range.count) || range.count == 0) return;
    ranges.push_back(range);
  });
  return ranges;
}

bool ranges_cover(const std::vector<SubordinateRange>& ranges, std::uint64_t start, std::uint64_t count) {
  if (count == 0) return false;
  std::uint64_t end = start + count;  // exclusive; ids are 32-bit, so no overflow
  // Walk forward from `start` through whichever range contains the next id.
  while (start < end) {
    auto it = std::find_if(ranges.begin(), ranges.end(),
                           [&](const SubordinateRange& r) { return r.start <= start && start < r.start + r.count; });
    if (it == ranges.end()) return false;
    start = it->start + it->count;
  }
  return true;
}

std::string user_name_from_passwd(std::string_view passwd, uid_t uid) {
  std::string found;
  std::string uid_text = std::to_string(uid);
  for_each_line(passwd, [&](std::string_view line) {
    if (!found.empty() || line.empty() || line.front() == '#') return;
    // name:password:uid:gid:gecos:home:shell
    auto fields = split(line, ':');
    if (fields.size() >= 3 && fields[2] == uid_text && !fields[0].empty()) found = fields[0];
  });
  return found;
}

Result<IdMapPlan> plan_id_maps(const std::vector<oci::IdMapping>& uid_mappings,
                               const std::vector<oci::IdMapping>& gid_mappings, const IdCaller& caller) {
  static constexpr MapKind kUids{"linux.uidMappings", "uid", kSubuidFile, "newuidmap"};
  static constexpr MapKind kGids{"linux.gidMappings", "gid", kSubgidFile, "newgidmap"};
  IdMapPlan plan;
  auto uid = WARD_TRY(plan_one(uid_mappings, kUids, caller.can_set_uids, caller.uid, caller.euid, caller.subuid_text,
                               caller.newuidmap, caller));
  plan.uid = std::move(uid);
  auto gid = WARD_TRY(plan_one(gid_mappings, kGids, caller.can_set_gids, caller.gid, caller.egid, caller.subgid_text,
                               caller.newgidmap, caller));
  plan.gid = std::move(gid);
  // An unprivileged writer of its own gid must give up setgroups first;
  // newgidmap allows setgroups once it maps subordinate gids.
  bool unprivileged_gid_map = !caller.can_set_gids && plan.gid.method != IdMapWrite::Method::helper;
  plan.deny_setgroups = unprivileged_gid_map;
  plan.setgroups_allowed = !unprivileged_gid_map;
  return plan;
}

std::string map_text(const std::vector<oci::IdMapping>& mappings) {
  std::string text;
  for (const auto& m : mappings) text += fmt::format("{} {} {}\n", m.container_id, m.host_id, m.size);
  return text;
}

}  // namespace ward::runtime
