// A node's attachment to one link end. Sending hands the packet to the link direction
// that leaves this interface (its queue, then the wire).
#pragma once

#include <cstdint>
#include <string>

#include "stack/base/time.hpp"
#include "stack/wire/address.hpp"

namespace tcpsim::sim {

class Link;
class LinkDirection;
class Node;
struct Packet;

// 02:00:NN:NN:NN:II — locally administered, unicast, from the node's index (24 bits) and
// the interface's index on it (8 bits), so captures show the same addresses on every run:
// node 1's first interface is 02:00:00:00:01:00.
wire::MacAddress synthetic_mac(std::uint32_t node_index, std::uint32_t interface_index);

class Interface {
 public:
  Interface(Node& owner, std::uint32_t index);
  Interface(const Interface&) = delete;
  Interface& operator=(const Interface&) = delete;

  Node& owner() const { return *owner_; }
  std::uint32_t index() const { return index_; }
  const wire::MacAddress& mac() const { return mac_; }
  // "A:0": owner name and interface index.
  const std::string& name() const { return name_; }

  bool connected() const { return link_ != nullptr; }
  // Preconditions for the rest: connected().
  Link& link() const { return *link_; }
  LinkDirection& egress() const { return *egress_; }
  LinkDirection& ingress() const { return *ingress_; }
  Interface& peer() const;

  // Queues the packet for transmission at `now` (it may be dropped there: queue-full, mtu).
  void send(Nanos now, Packet&& packet);

 private:
  friend class Link;

  Node* owner_;
  std::uint32_t index_;
  wire::MacAddress mac_;
  std::string name_;
  Link* link_ = nullptr;
  LinkDirection* egress_ = nullptr;
  LinkDirection* ingress_ = nullptr;
};

}  // namespace tcpsim::sim
