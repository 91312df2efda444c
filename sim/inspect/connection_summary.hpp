// One followed connection as `tcpsim inspect` sums it up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/state.hpp"

namespace tcpsim::sim::inspect {

struct EndpointSummary {
  std::string name;                // "10.0.0.1:40000", "[2001:db8::1]:40000"
  std::optional<tcp::State> last;  // the last state inferred; nullopt: never known
  // The states it was seen in, in order: the first change's `from`, then each `to` (or the
  // assumed state first, for a connection caught mid-stream).
  std::vector<tcp::State> path;
  bool assumed = false;        // ESTABLISHED assumed (the handshake was not captured)
  std::uint64_t segments = 0;  // segments it sent
  std::uint64_t bytes = 0;     // payload bytes it sent, retransmissions included
  std::uint64_t retransmissions = 0;
};

struct InspectedConnection {
  std::string id;  // "a>b": the end that sent the first segment seen, first
  EndpointSummary a;
  EndpointSummary b;
  Nanos first = 0;  // times of its first and last segment, since the capture's first frame
  Nanos last = 0;
  std::uint64_t anomalies = 0;
  bool handshake_seen = false;

  Nanos duration() const { return last - first; }
};

}  // namespace tcpsim::sim::inspect
