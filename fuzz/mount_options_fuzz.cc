// The mount options of config.json's mounts (src/oci/mount_options.*).
// The input is a list of options, one per line.  Properties:
//   - parsing never crashes; an empty option is refused;
//   - a parse is consistent: no flag both set and cleared, at most one
//     access-time mode, the data string holds no option ward knows (a known
//     flag smuggled into the data would be refused or ignored by the
//     filesystem instead of applied);
//   - every accepted list round-trips: the options written back from the
//     result (by the table of single-option effects, not by the parser's
//     own table) parse to the same result.
#include <sys/mount.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "oci/mount_options.h"

namespace {

using ward::oci::MountOptions;
using ward::oci::parse_mount_options;

bool same(const MountOptions& a, const MountOptions& b) {
  return a.flags == b.flags && a.cleared == b.cleared && a.propagation == b.propagation &&
         a.recursive_set == b.recursive_set && a.recursive_clear == b.recursive_clear && a.data == b.data &&
         a.bind == b.bind && a.recursive_bind == b.recursive_bind && a.idmap == b.idmap &&
         a.recursive_idmap == b.recursive_idmap && a.tmpcopyup == b.tmpcopyup && a.copy_symlink == b.copy_symlink;
}

struct Effect {
  std::string name;
  MountOptions alone;  // what the option does on its own
};

// Each supported option's effect, learned by parsing it alone.
const std::vector<Effect>& effects() {
  static const std::vector<Effect> table = [] {
    std::vector<Effect> out;
    for (const std::string& name : ward::oci::supported_mount_option_names()) {
      auto parsed = parse_mount_options({name});
      WARD_FUZZ_CHECK(parsed && parsed->data.empty(), "supported option \"%s\" is not parsed as known", name.c_str());
      out.push_back({name, *parsed});
    }
    return out;
  }();
  return table;
}

bool is_known(std::string_view name) {
  for (const Effect& effect : effects())
    if (effect.name == name) return true;
  return false;
}

// The data string's options, split at commas outside double quotes.
std::vector<std::string_view> data_options(std::string_view data) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t at = 0; at <= data.size(); ++at) {
    if (at < data.size() && data[at] == '"') quoted = !quoted;
    if (at < data.size() && (quoted || data[at] != ',')) continue;
    out.push_back(data.substr(start, at - start));
    start = at + 1;
  }
  return out;
}

constexpr unsigned long kAtimeModes = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;
constexpr std::uint64_t kRecursiveAtime = 0x70;  // MOUNT_ATTR__ATIME

// Writes a parse result back as an option list, from the single-option
// effects: flags first, then cleared flags, propagation in order, the
// recursive attributes, the kinds of mount, then the data.
std::vector<std::string> write_back(const MountOptions& options) {
  std::vector<std::string> out;
  auto name_of = [&](auto matches) -> std::string {
    for (const Effect& effect : effects())
      if (matches(effect.alone)) return effect.name;
    WARD_FUZZ_CHECK(false, "no option has the wanted effect");
    return {};
  };
  unsigned long plain_flags = options.flags & ~static_cast<unsigned long>(MS_BIND | MS_REC);
  for (unsigned bit = 0; bit < 64; ++bit) {
    unsigned long flag = 1ul << bit;
    if (plain_flags & flag)
      out.push_back(name_of([&](const MountOptions& alone) { return alone.flags == flag && !alone.bind; }));
    if (options.cleared & flag)
      out.push_back(name_of([&](const MountOptions& alone) { return alone.cleared == flag; }));
  }
  for (unsigned long propagation : options.propagation)
    out.push_back(name_of([&](const MountOptions& alone) {
      return alone.propagation.size() == 1 && alone.propagation[0] == propagation;
    }));
  for (unsigned bit = 0; bit < 64; ++bit) {
    std::uint64_t attribute = std::uint64_t{1} << bit;
    if (attribute & kRecursiveAtime) continue;
    if (options.recursive_set & attribute)
      out.push_back(name_of([&](const MountOptions& alone) { return alone.recursive_set == attribute; }));
    if (options.recursive_clear & attribute)
      out.push_back(name_of(
          [&](const MountOptions& alone) { return alone.recursive_clear == attribute && alone.recursive_set == 0; }));
  }
  if (options.recursive_clear & kRecursiveAtime) {
    std::uint64_t mode = options.recursive_set & kRecursiveAtime;
    out.push_back(name_of([&](const MountOptions& alone) {
      return alone.recursive_clear == kRecursiveAtime && alone.recursive_set == mode;
    }));
  }
  if (options.recursive_bind)
    out.emplace_back("rbind");
  else if (options.bind)
    out.emplace_back("bind");
  if (options.recursive_idmap)
    out.emplace_back("ridmap");
  else if (options.idmap)
    out.emplace_back("idmap");
  if (options.tmpcopyup) out.emplace_back("tmpcopyup");
  if (options.copy_symlink) out.emplace_back("copy-symlink");
  if (!options.data.empty()) out.push_back(options.data);
  return out;
}

void check_consistent(const MountOptions& options) {
  WARD_FUZZ_CHECK((options.flags & options.cleared) == 0, "flags %lx both set and cleared",
                  options.flags & options.cleared);
  unsigned long modes = options.flags & kAtimeModes;
  WARD_FUZZ_CHECK((modes & (modes - 1)) == 0, "more than one access-time mode: %lx", modes);
  WARD_FUZZ_CHECK(((options.recursive_set & options.recursive_clear) & ~kRecursiveAtime) == 0,
                  "recursive attributes both set and cleared");
  WARD_FUZZ_CHECK(options.bind == ((options.flags & MS_BIND) != 0), "bind and MS_BIND disagree");
  WARD_FUZZ_CHECK(options.recursive_bind == ((options.flags & MS_REC) != 0), "rbind and MS_REC disagree");
  WARD_FUZZ_CHECK(!options.recursive_idmap || options.idmap, "ridmap without idmap");
  if (options.data.empty()) return;
  for (std::string_view option : data_options(options.data)) {
    WARD_FUZZ_CHECK(!option.empty(), "empty option in data \"%s\"", options.data.c_str());
    WARD_FUZZ_CHECK(!is_known(option), "known option \"%.*s\" in data \"%s\"", static_cast<int>(option.size()),
                    option.data(), options.data.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> options;
  while (!text.empty() && options.size() < 64) {
    std::size_t end = text.find('\n');
    options.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }

  auto parsed = parse_mount_options(options);
  bool has_empty = false;
  for (const std::string& option : options) has_empty = has_empty || option.empty();
  if (has_empty) WARD_FUZZ_CHECK(!parsed, "an empty option was accepted");
  if (!parsed) return 0;

  check_consistent(*parsed);
  std::vector<std::string> written = write_back(*parsed);
  auto again = parse_mount_options(written);
  WARD_FUZZ_CHECK(again.has_value(), "written-back options refused: %s", again.error().what().c_str());
  WARD_FUZZ_CHECK(same(*parsed, *again), "written-back options parse differently");
  return 0;
}
