// A router: forwards each packet out of the interface its destination address routes
// to (exact host routes first, then the default route), with no processing delay.
// Output queueing happens on the chosen interface's link. Without a route the packet is
// dropped with cause "no-route"; a packet that has crossed 64 links (TTL spent, e.g. in a
// routing loop) with "ttl-expired".
#pragma once

#include <string>
#include <unordered_map>

#include "sim/net/node.hpp"
#include "stack/wire/address.hpp"

namespace tcpsim::sim {

class Router : public Node {
 public:
  explicit Router(std::string name) : Node(std::move(name)) {}

  // `out` must be one of this router's interfaces (std::invalid_argument otherwise).
  void add_route(const wire::IpAddress& destination, Interface& out);
  // Routes to whichever interface links this router to `next_hop`.
  void add_route(const wire::IpAddress& destination, const Node& next_hop);
  void set_default_route(Interface& out);
  void set_default_route(const Node& next_hop);

  // The interface a packet to `destination` leaves by, or nullptr.
  Interface* route(const wire::IpAddress& destination) const;

  void receive(Nanos now, Packet&& packet, Interface& in) override;

 private:
  Interface& own_interface(Interface& iface) const;
  Interface& interface_towards(const Node& next_hop) const;

  // Looked up, never iterated, so hash order cannot reach any output.
  std::unordered_map<wire::IpAddress, Interface*> routes_;
  Interface* default_route_ = nullptr;
};

}  // namespace tcpsim::sim
