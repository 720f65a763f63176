// Container names: Docker's rule for a given name, and generated ones
// ("adjective_noun") for containers run without --name.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ward::engine {

// [a-zA-Z0-9][a-zA-Z0-9_.-]+, as Docker; invalid_input naming it otherwise.
[[nodiscard]] Result<> validate_container_name(std::string_view name);
// A random "adjective_noun" name (ward's own word lists); with
// `numbered`, "adjective_noun_N" for when the plain ones keep clashing.
[[nodiscard]] Result<std::string> generate_container_name(bool numbered = false);
// 64 random hex digits: a container's id, an exec's id, an anonymous
// volume's name, as Docker makes them.
[[nodiscard]] Result<std::string> random_id();

}  // namespace ward::engine
