#include "sim/net/link_params.hpp"

#include <fmt/core.h>

namespace tcpsim::sim {

Status LinkParams::validate(std::string_view where) const {
  if (rate_bps == 0) return fail(fmt::format("{}: rate must be greater than 0 bps", where));
  if (delay < 0) {
    return fail(fmt::format("{}: delay must not be negative (got {} ns)", where, delay));
  }
  if (mtu < 68 || mtu > 65535) {
    return fail(fmt::format("{}: mtu must be between 68 and 65535 bytes (got {})", where, mtu));
  }
  return ok_status();
}

Nanos LinkParams::serialization_time(std::uint64_t bytes) const {
  // bits * 1e9 stays far below 2^64 for any frame an MTU of 65535 allows.
  const std::uint64_t scaled = bytes * 8 * 1'000'000'000ULL;
  return static_cast<Nanos>((scaled + rate_bps - 1) / rate_bps);
}

}  // namespace tcpsim::sim
