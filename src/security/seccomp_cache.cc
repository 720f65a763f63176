// Compiled seccomp programs cached on disk by profile, so that starting many
// containers with one profile compiles it once.  libseccomp needs ~10 ms
// for a Docker-sized allow-list; loading a cached program needs a read.
//
// A cache file holds the profile's canonical text next to the program, and
// a hit requires the text to match exactly: a hash collision can only cost
// a recompile, never load another profile's filter.
#include <fmt/format.h>
#include <seccomp.h>

#include <cstring>
#include <string>

#include "security/seccomp.h"
#include "util/sys.h"

namespace ward::security {

namespace {

// Version 2: programs with SCMP_ACT_NOTIFY (NEW_LISTENER in the flags), and
// WAIT_KILLABLE_RECV refused without it; version-1 files are recompiled.
constexpr std::string_view kMagic = "ward-seccomp-cache-2\n";

// Every field that changes the program, in a fixed order, plus the
// libseccomp version that compiled it.
std::string canonical_text(const oci::Seccomp& profile) {
  const scmp_version* version = seccomp_version();
  std::string text = fmt::format("libseccomp {}.{}.{}\ndefault {} {}\n", version->major, version->minor,
                                 version->micro, profile.default_action,
                                 profile.default_errno_ret ? static_cast<long long>(*profile.default_errno_ret) : -1);
  for (const auto& arch : profile.architectures) text += "arch " + arch + "\n";
  for (const auto& flag : profile.flags) text += "flag " + flag + "\n";
  text += "listener " + profile.listener_path + "\n";
  for (const auto& entry : profile.syscalls) {
    text += fmt::format("rule {} {}", entry.action, entry.errno_ret ? static_cast<long long>(*entry.errno_ret) : -1);
    for (const auto& name : entry.names) text += " " + name;
    for (const auto& arg : entry.args) text += fmt::format(" [{} {} {} {}]", arg.index, arg.op, arg.value, arg.value_two);
    text += "\n";
  }
  return text;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

std::string encode(const std::string& canonical, const SeccompProgram& program) {
  std::string data(kMagic);
  std::uint64_t sizes[3] = {canonical.size(), program.flags, program.instructions.size()};
  data.append(reinterpret_cast<const char*>(sizes), sizeof(sizes));
  data += canonical;
  data.append(reinterpret_cast<const char*>(program.instructions.data()),
              program.instructions.size() * sizeof(sock_filter));
  return data;
}

// The cached program, or nullopt when the file is absent, foreign or stale.
std::optional<SeccompProgram> decode(const std::string& data, const std::string& canonical) {
  std::uint64_t sizes[3];
  size_t header = kMagic.size() + sizeof(sizes);
  if (data.size() < header || data.compare(0, kMagic.size(), kMagic) != 0) return std::nullopt;
  std::memcpy(sizes, data.data() + kMagic.size(), sizeof(sizes));
  if (sizes[0] != canonical.size() || data.size() != header + sizes[0] + sizes[2] * sizeof(sock_filter))
    return std::nullopt;
  if (data.compare(header, canonical.size(), canonical) != 0) return std::nullopt;
  SeccompProgram program;
  program.flags = static_cast<unsigned>(sizes[1]);
  program.instructions.resize(sizes[2]);
  std::memcpy(program.instructions.data(), data.data() + header + sizes[0], sizes[2] * sizeof(sock_filter));
  return program;
}

}  // namespace

Result<SeccompProgram> compile_seccomp_cached(const oci::Seccomp& profile, const std::string& cache_dir) {
  std::string canonical = canonical_text(profile);
  std::string path = fmt::format("{}/{:016x}.bpf", cache_dir, fnv1a(canonical));
  if (auto data = sys::read_file(path)) {
    if (auto program = decode(*data, canonical)) return std::move(*program);
  }
  auto program = compile_seccomp(profile);
  if (!program) return program;
  // A cache that cannot be written only costs speed.
  if (sys::mkdir_all(cache_dir, 0700)) (void)sys::write_file_atomic(path, encode(canonical, *program), 0600);
  return program;
}

}  // namespace ward::security
