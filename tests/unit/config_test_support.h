// Helpers shared by the config.json parser tests.
#pragma once

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/config.h"

namespace ward::oci::test_support {

// The smallest config ward accepts; tests add or break one field at a time.
inline nlohmann::json minimal_config() {
  return nlohmann::json::parse(R"({
    "ociVersion": "1.2.0",
    "root": {"path": "rootfs"},
    "process": {"args": ["/bin/sh"], "cwd": "/"}
  })");
}

inline Result<Config> parse(const nlohmann::json& config) { return parse_config(config.dump()); }

// The full error line for a config that must be rejected ("" if it parsed).
inline std::string parse_error(const nlohmann::json& config) {
  auto result = parse(config);
  EXPECT_FALSE(result.has_value()) << "expected an error for " << config.dump();
  return result ? std::string() : result.error().what();
}

// A minimal config with `linux` set to the given JSON text.
inline nlohmann::json config_with_linux(const char* linux_json) {
  auto config = minimal_config();
  config["linux"] = nlohmann::json::parse(linux_json);
  return config;
}

}  // namespace ward::oci::test_support
