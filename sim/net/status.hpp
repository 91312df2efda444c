// Success or an error a person can act on (sim/core/error.hpp), for configuration checks.
#pragma once

#include <variant>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

using Status = tcpsim::Result<std::monostate, Error>;

inline Status ok_status() {
  return std::monostate{};
}

}  // namespace tcpsim::sim
