// The physical properties of one direction of a link.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/net/status.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

struct LinkParams {
  std::uint64_t rate_bps = 1'000'000'000;  // serialization rate
  Nanos delay = 0;                         // propagation delay
  std::uint32_t mtu = 1500;                // largest IP datagram accepted, in bytes
  std::uint32_t queue_packets = 1000;      // packets waiting behind the one on the wire
  std::uint64_t queue_bytes = 0;           // byte limit on waiting packets; 0 = none
  // ECN marking (ecn_marking.hpp): an ECN-capable packet that finds this many waiting is
  // marked CE; 0 = off (drop-tail only).
  std::uint32_t ecn_threshold = 0;

  // Refuses a zero rate, a negative delay, and an MTU below 68 (the IPv4 minimum,
  // RFC 791) or above 65535. `where` names the link direction in the message, e.g.
  // "link A->B: rate must be greater than 0 bps".
  Status validate(std::string_view where) const;

  // Time to put `bytes` on the wire at rate_bps, rounded up to a whole nanosecond.
  Nanos serialization_time(std::uint64_t bytes) const;
};

}  // namespace tcpsim::sim
