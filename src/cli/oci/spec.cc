#include <fcntl.h>

#include <cstdio>
#include <cstring>

#include "cli/oci/commands.h"
#include "runtime/features.h"
#include "oci/spec_default.h"
#include "security/apparmor.h"
#include "util/sys.h"

namespace ward::cli {

int cmd_spec(const GlobalOptions&, const std::vector<std::string>& args) {
  auto parsed = parse_verb("spec", args,
                           {{{"bundle", "b"}, true, "path to the root of the bundle directory"},
                            {{"rootless"}, false, "generate a configuration for a rootless container"}},
                           0, 0, "[command options]");
  if (!parsed) return 1;
  std::string path = parsed->value("bundle", ".") + "/config.json";
  // Never overwrite an existing config, as runc.
  if (sys::path_exists(path)) return report_error(fmt::format("spec: {} already exists; remove it first", path));
  auto fd = sys::open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (!fd) return report_error(fd.error().wrap("spec"));
  std::string json = oci::default_spec_json(parsed->flag("rootless"), security::apparmor_enabled()) + "\n";
  if (sys::raw::write_all(fd->get(), json.data(), json.size()) < 0)
    return report_error(fmt::format("spec: write {}: {}", path, std::strerror(errno)));
  return 0;
}

int cmd_features(const GlobalOptions&, const std::vector<std::string>& args) {
  auto parsed = parse_verb("features", args, {}, 0, 0, "");
  if (!parsed) return 1;
  std::fputs((runtime::features_json() + "\n").c_str(), stdout);
  return 0;
}

}  // namespace ward::cli
