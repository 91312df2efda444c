// Hears about every packet the network sends, delivers and drops (tests, statistics,
// the CLI's ladder). Calls happen synchronously, at the simulated time of the happening.
#pragma once

#include "sim/net/drop_cause.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

class LinkDirection;
class Node;
struct Packet;

class PacketObserver {
 public:
  virtual ~PacketObserver() = default;
  // Transmission starts on `link` (the egress capture point).
  virtual void on_sent(Nanos /*now*/, const LinkDirection& /*link*/, const Packet& /*p*/) {}
  // The packet is about to be handed to the node at the far end of `link`.
  virtual void on_delivered(Nanos /*now*/, const LinkDirection& /*link*/, const Packet& /*p*/) {}
  // `where` is the node at which the packet was lost; `link` is null for drops inside a
  // node (a router without a route).
  virtual void on_dropped(Nanos /*now*/, const Node& /*where*/, const LinkDirection* /*link*/,
                          const Packet& /*p*/, DropCause /*cause*/) {}
};

}  // namespace tcpsim::sim
