// AppArmor: ward's own `ward-default` profile, a generator that turns a small
// model (or a TOML file describing one) into a profile, and the host side of
// confining a container's process with one.
//
// The profile is attached the way runc does it: the container's init writes
// "exec NAME" to its own /proc/thread-self/attr/apparmor/exec, and the
// kernel moves the process into the profile at its next execve.  Functions
// that look at the host take a `root` prefix ("" for the real host) so that
// tests can point them at a fake /sys tree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ward::security {

inline constexpr std::string_view kDefaultAppArmorProfile = "ward-default";

// What `ward apparmor generate` accepts (see docs in the TOML loader).
struct AppArmorModel {
  std::string name;
  std::vector<std::string> read_only;   // writes (and links) denied
  std::vector<std::string> writable;    // non-empty: the only writable paths (besides /dev basics)
  std::vector<std::string> allow_exec;  // non-empty: the only executables
  std::vector<std::string> deny_exec;   // never executed (nor mapped executable)
  // nullopt: every capability the container's capability sets grant;
  // a list (possibly empty): only these, lower case without "cap_".
  std::optional<std::vector<std::string>> capabilities;
  bool network_raw = false;
  bool network_packet = false;
};

// A name ward writes into a generated profile: [A-Za-z0-9][A-Za-z0-9._-]*,
// at most 128 characters, so that it cannot close the profile header or
// start a new rule.
[[nodiscard]] Result<> validate_profile_name(std::string_view name);
// A profile named in a config (process.apparmorProfile): anything printable
// without spaces, quotes or control characters, since the kernel reads it
// from "exec NAME" (stacked "a//&b" and namespaced ":ns:p" names pass).
[[nodiscard]] Result<> validate_profile_reference(std::string_view name);
// A path rule: absolute, printable, no quote, backslash, "@{" variable or
// control character; emitted quoted.
[[nodiscard]] Result<> validate_profile_path(std::string_view path);

// The profile text for `model`; errors name the offending field.
[[nodiscard]] Result<std::string> generate_apparmor_profile(const AppArmorModel& model);
// ward-default: what every ward container gets where AppArmor is enabled.
[[nodiscard]] std::string default_apparmor_profile();
// The model behind ward-default.
[[nodiscard]] AppArmorModel default_apparmor_model();

// Parses the TOML description in `text`; errors name `file` and the key.
[[nodiscard]] Result<AppArmorModel> parse_apparmor_toml(std::string_view text, const std::string& file);
[[nodiscard]] Result<AppArmorModel> load_apparmor_toml(const std::string& file);

// AppArmor is enabled on the host whose root is `root`: securityfs shows
// /sys/kernel/security/apparmor, or the module says enabled=Y.
[[nodiscard]] bool apparmor_enabled(const std::string& root = "");
// The attribute file the container's init writes "exec NAME" to: the
// AppArmor-specific one (kernels with LSM stacking, 5.8+) when the host's
// /proc has it, else the shared legacy one.
[[nodiscard]] std::string apparmor_exec_attr_path(const std::string& root = "");
// Whether `name` is among the loaded profiles listed in
// <root>/sys/kernel/security/apparmor/profiles.
[[nodiscard]] bool apparmor_profile_loaded(std::string_view name, const std::string& root = "");

// Parent side, before clone: fails with a `field`-named error if AppArmor is
// off, and loads ward-default (apparmor_parser -Kr) if that is the profile
// asked for and it is not loaded yet.  An empty name does nothing.
[[nodiscard]] Result<> prepare_apparmor_profile(const std::string& name, std::string_view field,
                                               const std::string& root = "");

namespace raw {
// Writes "exec NAME" (`command`) to `attr_path`: 0 or -errno.  For the
// container's init between clone and execve.
int apparmor_change_onexec(const char* attr_path, const char* command, std::size_t size) noexcept;
}  // namespace raw

}  // namespace ward::security
