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

}  // namespace tcpsim::tcp
