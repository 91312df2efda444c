// Marking instead of dropping (RFC 3168 §5, RFC 7567 §4.2.1): a queue that is filling
// sets CE on ECN-capable packets rather than discard them. The rule is a step on the
// instantaneous queue length, the threshold K of RFC 8257 §3.1; packets that are not
// ECN-capable are treated as before (drop-tail), and a full queue still drops.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stack/tcp/segment.hpp"

namespace tcpsim::sim {

// Marks `ip` CE when `waiting` packets are queued ahead of it and `threshold` (> 0) is
// reached, if its ECN field is ECT(0) or ECT(1). True when it was marked.
inline bool mark_congestion(tcp::IpSegment& ip, std::size_t waiting, std::uint32_t threshold) {
  if (threshold == 0 || waiting < threshold) return false;
  std::uint8_t ecn = ip.tos & 3u;
  if (ecn != 1 && ecn != 2) return false;  // Not-ECT, or CE already
  ip.tos = static_cast<std::uint8_t>(ip.tos | 3u);
  return true;
}

}  // namespace tcpsim::sim
