#include "sim/net/interface.hpp"

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"

namespace tcpsim::sim {

wire::MacAddress synthetic_mac(std::uint32_t node_index, std::uint32_t interface_index) {
  return wire::MacAddress{{0x02, 0x00, static_cast<std::uint8_t>(node_index >> 16),
                           static_cast<std::uint8_t>(node_index >> 8),
                           static_cast<std::uint8_t>(node_index),
                           static_cast<std::uint8_t>(interface_index)}};
}

Interface::Interface(Node& owner, std::uint32_t index)
    : owner_(&owner),
      index_(index),
      mac_(synthetic_mac(owner.index(), index)),
      name_(owner.name() + ":" + std::to_string(index)) {}

Interface& Interface::peer() const {
  return egress_->to();
}

void Interface::send(Nanos now, Packet&& packet) {
  egress_->send(now, std::move(packet));
}

}  // namespace tcpsim::sim
