// Anything attached to the network: hosts (sim/host), routers, test endpoints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stack/base/time.hpp"

namespace tcpsim::tcp {
class Connection;
}

namespace tcpsim::sim {

class Interface;
class Network;
struct NodeEnvironment;
struct Packet;

class Node {
 public:
  explicit Node(std::string name);
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }
  // Position in the network, from 1 in the order nodes were added; 0 before that.
  std::uint32_t index() const { return index_; }
  bool in_network() const { return network_ != nullptr; }
  // The services the network lends its nodes: clock and agenda, trace, drop reports,
  // packet ids, payload buffers. Precondition: in_network().
  const NodeEnvironment& environment() const;

  std::size_t interface_count() const { return interfaces_.size(); }
  Interface& interface(std::size_t i) const { return *interfaces_.at(i); }
  // The first interface whose link leads to `peer`, or nullptr.
  Interface* interface_to(const Node& peer) const;

  // A packet has fully arrived on `in`. The node owns it from here on.
  virtual void receive(Nanos now, Packet&& packet, Interface& in) = 0;

  // The connection on this node that sent `packet`, or nullptr (a router, a RST for a
  // closed port, a connection already gone): whose TCB the trace and captures show.
  virtual const tcp::Connection* sender_of(const Packet& /*packet*/) const { return nullptr; }

 protected:
  // Called after Network::connect gave this node a new interface.
  virtual void on_interface_added(Interface& /*iface*/) {}

 private:
  friend class Network;

  std::string name_;
  std::uint32_t index_ = 0;
  Network* network_ = nullptr;
  const NodeEnvironment* env_ = nullptr;
  std::vector<std::unique_ptr<Interface>> interfaces_;
};

}  // namespace tcpsim::sim
