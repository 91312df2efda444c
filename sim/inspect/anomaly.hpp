// What an observer on the path flags in a TCP connection: the kinds, their names in traces
// (`note` events with what="anomaly", docs/inspect.md) and one flagged occurrence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stack/base/time.hpp"

namespace tcpsim::sim::inspect {

enum class AnomalyKind : std::uint8_t {
  Retransmission,          // sequence space sent again that was sent before
  SpuriousRetransmission,  // ... that the receiver had acknowledged, or reported by D-SACK
  OutOfWindow,             // data past the right edge of the receiver's advertised window
  ZeroWindow,              // a receiver advertises a window of zero
  WindowOpen,              // ... and later a non-zero one again
  DuplicateAck,            // the same ACK again, with data outstanding and nothing new
  RstAcceptable,           // a RST the receiver takes: both ends are CLOSED
  RstUnacceptable,         // a RST the receiver must ignore or challenge: no state change
  MissingHandshake,        // the capture starts after the SYN (or SYN,ACK)
  Malformed,               // a frame that does not decode
};

// Lower-case, hyphenated: "spurious-retransmission".
std::string_view to_string(AnomalyKind kind);
std::optional<AnomalyKind> parse_anomaly_kind(std::string_view name);

struct Anomaly {
  AnomalyKind kind = AnomalyKind::Retransmission;
  std::uint64_t frame = 0;  // 1-based frame number in the capture
  Nanos time = 0;
  std::string detail;
};

}  // namespace tcpsim::sim::inspect
