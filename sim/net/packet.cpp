#include "sim/net/packet.hpp"

#include "stack/wire/frame.hpp"

namespace tcpsim::sim {

Packet Packet::clone(std::uint64_t new_id) const {
  Packet copy;
  copy.ip = ip;
  copy.id = new_id;
  copy.corrupted = corrupted;
  copy.corrupt_bit = corrupt_bit;
  copy.hops = hops;
  return copy;
}

std::size_t Packet::wire_size() const {
  return wire::tcp_frame_size(ip.src.family(), ip.segment.header, ip.segment.payload.size());
}

}  // namespace tcpsim::sim
