// Engine::usage: a running container's counters for `ward stats`, from
// the runtime's stats document (runc's `events --stats` shape) and the
// init's /proc/PID/net/dev.
#include <ftw.h>

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/host_info.h"

namespace ward::engine {

namespace {

std::uint64_t number_at(const nlohmann::json& document, std::initializer_list<const char*> path) {
  const nlohmann::json* node = &document;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return 0;
    node = &node->at(key);
  }
  return node->is_number_unsigned() || node->is_number_integer() ? node->get<std::uint64_t>() : 0;
}

// Bytes received and sent on every interface but lo, as /proc/PID/net/dev
// (the process's network namespace) counts them.
void read_network(pid_t pid, ContainerUsage& usage) {
  std::ifstream dev(fmt::format("/proc/{}/net/dev", pid));
  std::string line;
  for (int header = 0; header < 2 && std::getline(dev, line); ++header) {
  }
  while (std::getline(dev, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name == "lo") continue;
    std::istringstream fields(line.substr(colon + 1));
    std::uint64_t value = 0, received = 0, sent = 0;
    for (int i = 0; i < 16 && fields >> value; ++i) {
      if (i == 0) received = value;
      if (i == 8) sent = value;
    }
    usage.net_received += received;
    usage.net_sent += sent;
  }
}

// nftw's callback has no context argument: the walk in progress.
struct SizeWalk {
  std::uint64_t bytes = 0;
  std::set<std::pair<dev_t, ino_t>> seen;  // hard links count once
};
thread_local SizeWalk* current_walk = nullptr;

int add_entry(const char*, const struct stat* info, int type, struct FTW*) {
  if (type == FTW_F || type == FTW_SL) {
    if (info->st_nlink > 1 && !current_walk->seen.insert({info->st_dev, info->st_ino}).second) return 0;
    current_walk->bytes += static_cast<std::uint64_t>(info->st_size);
  }
  return 0;
}

}  // namespace

Result<std::uint64_t> Engine::writable_size(const ContainerRecord& container) {
  std::string upper = layer_dir(container.id) + "/upper";
  SizeWalk walk;
  current_walk = &walk;
  int r = ::nftw(upper.c_str(), add_entry, 16, FTW_PHYS);
  current_walk = nullptr;
  if (r != 0 && errno != ENOENT) return fail_errno(errno, "measure " + upper);
  return walk.bytes;
}

Result<ContainerUsage> Engine::usage(const ContainerRecord& container) {
  auto current = WARD_TRY(reconcile(container));
  if (current.status != ContainerStatus::running)
    return fail(ErrorKind::wrong_state, fmt::format("Container {} is not running", current.id));
  ContainerUsage usage;
  usage.taken = std::chrono::steady_clock::now();
  auto text = WARD_TRY(runtime_.stats(current.id));
  auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) return fail(fmt::format("stats of {}: the runtime's document is not JSON", current.id));
  const auto& data = document["data"];
  usage.cpu_ns = number_at(data, {"cpu", "usage", "total"});
  std::uint64_t memory = number_at(data, {"memory", "usage", "usage"});
  // Docker leaves out the page cache the kernel may drop at once.
  std::uint64_t inactive = number_at(data, {"memory", "raw", "total_inactive_file"});
  if (inactive == 0) inactive = number_at(data, {"memory", "raw", "inactive_file"});
  usage.memory_bytes = inactive < memory ? memory - inactive : memory;
  usage.memory_limit = number_at(data, {"memory", "usage", "limit"});
  // No limit (v2's "max", v1's huge number): the host's memory, as Docker.
  std::uint64_t host = host_memory_bytes();
  if (usage.memory_limit == 0 || (host != 0 && usage.memory_limit > host)) usage.memory_limit = host;
  usage.pids = number_at(data, {"pids", "current"});
  if (data.contains("blkio") && data["blkio"].contains("ioServiceBytesRecursive"))
    for (const auto& entry : data["blkio"]["ioServiceBytesRecursive"]) {
      std::string op = entry.value("op", "");
      std::uint64_t value = entry.value("value", std::uint64_t{0});
      if (op == "Read" || op == "read") usage.block_read += value;
      if (op == "Write" || op == "write") usage.block_write += value;
    }
  read_network(current.pid, usage);
  return usage;
}

}  // namespace ward::engine
