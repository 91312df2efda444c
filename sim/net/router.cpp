#include "sim/net/router.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "sim/net/environment.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/packet.hpp"
#include "sim/net/packet_reporter.hpp"

namespace tcpsim::sim {

Interface& Router::own_interface(Interface& iface) const {
  if (&iface.owner() != this) {
    throw std::invalid_argument(
        fmt::format("router {}: interface {} is not its own", name(), iface.name()));
  }
  return iface;
}

Interface& Router::interface_towards(const Node& next_hop) const {
  Interface* iface = interface_to(next_hop);
  if (iface == nullptr) {
    throw std::invalid_argument(fmt::format("router {}: no link to {}", name(), next_hop.name()));
  }
  return *iface;
}

void Router::add_route(const wire::IpAddress& destination, Interface& out) {
  routes_[destination] = &own_interface(out);
}

void Router::add_route(const wire::IpAddress& destination, const Node& next_hop) {
  routes_[destination] = &interface_towards(next_hop);
}

void Router::set_default_route(Interface& out) {
  default_route_ = &own_interface(out);
}

void Router::set_default_route(const Node& next_hop) {
  default_route_ = &interface_towards(next_hop);
}

Interface* Router::route(const wire::IpAddress& destination) const {
  auto it = routes_.find(destination);
  return it != routes_.end() ? it->second : default_route_;
}

void Router::receive(Nanos now, Packet&& packet, Interface& /*in*/) {
  // Frames carry TTL 64 - hops; a router does not forward one whose TTL would reach 0
  // (RFC 791 §3.2), which also ends routing loops.
  if (packet.hops >= kInitialTtl) {
    environment().reporter.report_dropped(now, *this, nullptr, packet, DropCause::TtlExpired);
    return;
  }
  Interface* out = route(packet.ip.dst);
  if (out == nullptr) {
    environment().reporter.report_dropped(now, *this, nullptr, packet, DropCause::NoRoute);
    return;
  }
  out->send(now, std::move(packet));
}

}  // namespace tcpsim::sim
