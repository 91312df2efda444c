#include "sim/net/link_params.hpp"

#include "sim/net/link_keys.hpp"

namespace tcpsim::sim {

Status LinkParams::validate(std::string_view where) const {
  // The limits live in the link key table, with the scenario keys that set them.
  return validate_link_keys(where, *this, FaultParams{});
}

Nanos LinkParams::serialization_time(std::uint64_t bytes) const {
  // bits * 1e9 stays far below 2^64 for any frame an MTU of 65535 allows.
  const std::uint64_t scaled = bytes * 8 * 1'000'000'000ULL;
  return static_cast<Nanos>((scaled + rate_bps - 1) / rate_bps);
}

}  // namespace tcpsim::sim
