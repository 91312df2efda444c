// Linux's clock for TCP timers and the CUBIC curve: jiffies. CONFIG_HZ is a build choice of
// the kernel (100, 250, 300 or 1000); tcpsim takes 1000, so a jiffy is a millisecond.
#pragma once

#include <cstdint>

#include "stack/base/time.hpp"

namespace tcpsim::tcp {

constexpr std::uint32_t kLinuxHz = 1000;
constexpr Nanos kJiffy = kSecond / kLinuxHz;

// usecs_to_jiffies (and nsecs_to_jiffies) as timers use them: up to the next whole jiffy.
constexpr Nanos round_up_to_jiffy(Nanos t) {
  return (t + kJiffy - 1) / kJiffy * kJiffy;
}

// tcp_jiffies32 at `now`: whole jiffies since the origin, wrapping as the kernel's does.
constexpr std::uint32_t jiffies_at(Nanos now) {
  return static_cast<std::uint32_t>(now / kJiffy);
}

// tcp_timer.c tcp_model_timeout: how long `boundary` retransmissions take with an RTO
// that starts at TCP_RTO_MIN (200 ms) and doubles up to `max` (TCP_RTO_MAX): what
// tcp_retries2 and tcp_orphan_retries mean (924.6 s for 15, 102.2 s for 8).
constexpr Nanos linux_model_timeout(int boundary, Nanos max) {
  constexpr Nanos kBase = 200 * kMillisecond;
  int thresh = 0;
  while ((Nanos{2} << thresh) * kBase <= max) ++thresh;  // ilog2(max / base)
  if (boundary <= thresh) return ((Nanos{2} << boundary) - 1) * kBase;
  return ((Nanos{2} << thresh) - 1) * kBase + (boundary - thresh) * max;
}
static_assert(linux_model_timeout(15, 120 * kSecond) == 924600 * kMillisecond);
static_assert(linux_model_timeout(8, 120 * kSecond) == 102200 * kMillisecond);

}  // namespace tcpsim::tcp
