// Why the network lost a packet. Every drop names exactly one cause, so tests and traces
// can say why a segment never arrived.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tcpsim::sim {

enum class DropCause : std::uint8_t {
  QueueFull,    // drop-tail: the sending interface's queue was at its packet or byte limit
  Loss,         // random (Bernoulli) loss on the wire
  BurstLoss,    // Gilbert-Elliott loss on the wire
  BadChecksum,  // corrupted on the wire; the receiving interface's checksum check failed
  Malformed,    // a received frame that does not parse for another reason
  Mtu,          // the IP datagram is larger than the link's MTU
  Scripted,     // a scripted fault rule named this packet
  NoRoute,      // a router has no route for the destination address
  TtlExpired,   // a router got a packet that has crossed 64 links (a routing loop)
};

inline constexpr std::size_t kDropCauseCount = 9;

// "queue-full", "loss", "burst-loss", "bad-checksum", "malformed", "mtu", "scripted",
// "no-route", "ttl-expired".
std::string_view to_string(DropCause cause);

}  // namespace tcpsim::sim
