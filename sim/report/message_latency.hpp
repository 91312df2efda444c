// Why each application message took as long as it did: for every HTTP or WebSocket message
// of a trace (the `app-message` events) that reached the receiving application, the time
// from when it was asked for to when it was read whole, split into causes. Read from the
// trace alone; the definitions are in docs/message-latency.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/trace_event.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim::report {

enum class LatencyPart : std::uint8_t {
  Request,           // waiting at the application for a message from the other end
  Handshake,         // the sender's connection was not yet ESTABLISHED
  CongestionWindow,  // bytes unsent: the congestion window was full
  ReceiveWindow,     // bytes unsent: the peer's receive window was full
  NagleDelayedAck,   // bytes unsent: a small segment held by Nagle while data is unacknowledged
  Retransmission,    // from a lost copy of one of its bytes to the copy that got through
  HeadOfLine,        // all its bytes arrived, earlier bytes of the stream had not
  Network,           // the rest: propagation, serialisation, queues
};
inline constexpr std::size_t kLatencyParts = 8;

// "request", "handshake", "cwnd", "rwnd", "nagle-delack", "retransmission", "head-of-line",
// "network".
std::string_view to_string(LatencyPart part);

struct MessageLatency {
  std::string conn;      // the sender's connection id, local end first
  std::string from, to;  // sending and receiving host names
  std::string proto, what;
  std::int64_t msg = 0;
  std::int64_t begin = 0, end = 0;  // stream offsets
  Nanos issued = 0, delivered = 0;  // asked for by the app; whole message in the receiving app
  std::array<Nanos, kLatencyParts> parts{};  // sums exactly to delivered - issued
};

// One entry per message sent and received whole, in the order of the send events.
std::vector<MessageLatency> message_latencies(std::span<const TraceEvent> events);

}  // namespace tcpsim::sim::report
