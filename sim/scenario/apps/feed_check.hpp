// The feed check, shared by the two kinds of feed client.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/app.hpp"

namespace tcpsim::sim {

// Passes when at least `c.min` events arrived, or `fallback` (the client's own target)
// when the check names no minimum.
inline CheckResult check_feed(const CheckSpec& c, const std::vector<WsReceived>& got,
                              std::uint64_t fallback, std::string detail) {
  std::uint64_t want = c.min == 0 ? fallback : c.min;
  std::uint64_t events = 0;
  for (const WsReceived& x : got) events += x.event ? 1u : 0u;
  return CheckResult{{}, want > 0 && events >= want, std::move(detail)};
}

}  // namespace tcpsim::sim
