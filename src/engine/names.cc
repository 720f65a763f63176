#include "engine/names.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr std::array<std::string_view, 40> kAdjectives = {
    "amber",  "bold",   "brisk", "calm",   "clever", "cosy",   "crisp",  "daring", "eager",   "fair",
    "fierce", "gentle", "glad",  "golden", "hardy",  "honest", "humble", "jolly",  "keen",    "kind",
    "lively", "loyal",  "lucid", "mellow", "merry",  "modest", "nimble", "noble",  "patient", "placid",
    "proud",  "quiet",  "rapid", "serene", "steady", "sturdy", "swift",  "tidy",   "vivid",   "witty"};
constexpr std::array<std::string_view, 40> kNouns = {
    "alder",   "aspen",  "badger", "beacon", "birch",   "bison",  "cedar",   "comet",   "condor",  "cypress",
    "dolphin", "falcon", "fern",   "finch",  "glacier", "harbor", "heron",   "juniper", "kestrel", "lagoon",
    "larch",   "lynx",   "maple",  "marten", "meadow",  "osprey", "otter",   "pebble",  "pine",    "plover",
    "quartz",  "raven",  "river",  "rowan",  "spruce",  "summit", "swallow", "thistle", "walnut",  "willow"};

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

Result<> validate_container_name(std::string_view name) {
  bool ok = name.size() >= 2 && name_start(name[0]);
  for (std::size_t i = 1; ok && i < name.size(); ++i)
    ok = name_start(name[i]) || name[i] == '_' || name[i] == '.' || name[i] == '-';
  if (!ok)
    return fail(
        ErrorKind::invalid_input,
        fmt::format("--name: invalid container name \"{}\": only [a-zA-Z0-9][a-zA-Z0-9_.-]+ are allowed", name));
  return {};
}

Result<std::string> generate_container_name(bool numbered) {
  std::array<std::uint8_t, 4> pick{};
  WARD_TRY(sys::random_bytes(pick));
  std::string name = fmt::format("{}_{}", kAdjectives[pick[0] % kAdjectives.size()], kNouns[pick[1] % kNouns.size()]);
  if (numbered) name += fmt::format("_{}", (pick[2] << 8 | pick[3]) % 10000);
  return name;
}

Result<std::string> random_id() {
  std::array<std::uint8_t, 32> bytes{};
  WARD_TRY(sys::random_bytes(bytes));
  std::string hex;
  for (auto byte : bytes) hex += fmt::format("{:02x}", byte);
  return hex;
}

}  // namespace ward::engine
