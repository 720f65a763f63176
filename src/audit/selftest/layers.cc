#include "audit/selftest/layers.h"

#include <array>

namespace ward::audit::selftest {

namespace {

constexpr std::array kLayers = {
    Layer{"seccomp", "the seccomp filter", "--security-opt seccomp=unconfined",
          [](engine::ContainerSpec& spec) { spec.seccomp_unconfined = true; }},
    Layer{"capabilities", "the capability bounding set", "--cap-add ALL",
          [](engine::ContainerSpec& spec) { spec.cap_add = {"ALL"}; }},
    Layer{"userns", "the user namespace", "--userns host",
          [](engine::ContainerSpec& spec) { spec.userns = engine::UsernsMode::host; }},
};

}  // namespace

std::span<const Layer> protection_layers() {
  return kLayers;
}

void remove_every_protection(engine::ContainerSpec& spec) {
  spec.privileged = true;
  for (const auto& layer : kLayers) layer.remove(spec);
  spec.no_new_privileges = false;
}

void remove_layers_but(engine::ContainerSpec& spec, std::string_view kept) {
  for (const auto& layer : kLayers)
    if (layer.id != kept) layer.remove(spec);
}

}  // namespace ward::audit::selftest
