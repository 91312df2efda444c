// Success or a one-line explanation a person can act on, for configuration checks.
#pragma once

#include <string>
#include <variant>

#include "stack/base/result.hpp"

namespace tcpsim::sim {

using Status = tcpsim::Result<std::monostate, std::string>;

inline Status ok_status() {
  return std::monostate{};
}

}  // namespace tcpsim::sim
