// The event feed that WebSocket and HTTP polling clients receive: event lines, what a client
// records of each message it got, and the latency of the events. Feed events are text lines
// "event K t=NANOS ....\n" padded to a fixed size, the same bytes on every transport, so
// transports can be compared byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"

namespace tcpsim::sim {

// The feed's event stream: `count` events, the first at `first`, then one every `interval`,
// each `size` bytes.
struct FeedParams {
  std::uint32_t count = 0;
  Nanos first = kSecond;
  Nanos interval = kSecond;
  std::uint32_t size = 64;
};

// The event line for event `k` (from 1) generated at `at`: exactly `size` bytes (at least
// enough for the text), ending in '\n'.
std::string feed_event_line(std::uint64_t k, Nanos at, std::uint32_t size);
// Reads "event K t=NANOS" at the start of `line`; nullopt if it is not an event line.
struct FeedEventStamp {
  std::uint64_t k = 0;
  Nanos at = 0;
};
std::optional<FeedEventStamp> parse_feed_event(std::string_view line);

struct WsReceived {
  Nanos at = 0;
  bool text = false;
  std::uint64_t bytes = 0;
  std::optional<FeedEventStamp> event;  // a feed event line
  Nanos rtt = -1;                       // echo: time since the original was sent
  bool intact = true;                   // echo: equal to what was sent
};

// Latency of delivered feed events (receive time minus generation time), for summaries.
struct LatencyStats {
  std::size_t n = 0;
  Nanos mean = 0, p50 = 0, max = 0;
};
LatencyStats feed_latency(const std::vector<WsReceived>& received);

}  // namespace tcpsim::sim
