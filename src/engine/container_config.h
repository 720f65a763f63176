// The OCI config of a container: ward's hardened default (SPEC section 3,
// oci::default_spec) changed by the container's spec.  The engine hands
// the parsed config to the runtime in-process; config.json is written
// beside it only for `ward-oci exec`, `--runtime` and people reading it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/container_spec.h"
#include "engine/userns.h"
#include "util/error.h"
#include "util/passwd.h"

namespace ward::engine {

struct ConfigInputs {
  std::string id;
  ResolvedUser user;
  std::optional<HostIds> ids;  // none: --userns host or --privileged
  std::string hostname_file;   // bound at /etc/hostname
  std::string hosts_file;      // bound at /etc/hosts
  std::string resolv_file;     // bound at /etc/resolv.conf; "" for none
  std::string store_root;      // where volumes' data is (engine/volumes.h)
  // A volume's host directory when it is not its _data (--opt device=).
  std::map<std::string, std::string> volume_sources;
  // --secret: destination in the container -> its file in the bundle.
  std::map<std::string, std::string> secret_files;
};

// The config.json document; invalid_input naming the flag for a
// capability name or option it cannot honour.
[[nodiscard]] Result<nlohmann::json> build_oci_config(const ContainerSpec& spec, const ConfigInputs& inputs);

}  // namespace ward::engine
