// Time as the stack sees it: a value handed in by the caller, never read from a clock.
#pragma once

#include <cstdint>

namespace tcpsim {

// Nanoseconds since an arbitrary origin (the simulator's start, or the bridge's epoch).
using Nanos = std::int64_t;

constexpr Nanos kNanosecond = 1;
constexpr Nanos kMicrosecond = 1000;
constexpr Nanos kMillisecond = 1000 * kMicrosecond;
constexpr Nanos kSecond = 1000 * kMillisecond;
constexpr Nanos kNever = INT64_MAX;

}  // namespace tcpsim
