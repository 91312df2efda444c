// A packet in flight: one TCP segment with its IP addresses, plus what the network itself
// tracks about it. Packets move through queues and links; they are never copied on the
// way (copying is deleted; clone() exists for the duplication fault).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "stack/tcp/segment.hpp"

namespace tcpsim::sim {

inline constexpr std::size_t kEthernetHeaderLen = 14;
// TTL (hop limit) of a frame as its sender emits it; each link crossed takes one off.
inline constexpr std::uint16_t kInitialTtl = 64;

struct Packet {
  tcp::IpSegment ip;
  std::uint64_t id = 0;  // unique within a run (PacketIds)
  // Set by a link that damaged the packet; `corrupt_bit` is the bit of the serialized
  // frame that the receiving interface will find flipped.
  bool corrupted = false;
  std::uint32_t corrupt_bit = 0;
  // Links crossed so far; routers forward without resetting it. Frames show TTL 64 - hops.
  std::uint16_t hops = 0;

  Packet() = default;
  Packet(tcp::IpSegment segment, std::uint64_t packet_id) : ip(std::move(segment)), id(packet_id) {}
  Packet(Packet&&) noexcept = default;
  Packet& operator=(Packet&&) noexcept = default;
  Packet(const Packet&) = delete;
  Packet& operator=(const Packet&) = delete;

  // A deep copy (payload included) under a new id.
  Packet clone(std::uint64_t new_id) const;

  const wire::TcpRepr& tcp() const { return ip.segment.header; }
  std::size_t payload_size() const { return ip.segment.payload.size(); }

  // Bytes on the wire: Ethernet header (14) + IP header (20 or 40) + TCP header + payload.
  // No preamble, inter-frame gap or FCS.
  std::size_t wire_size() const;
  // The IP datagram: wire_size() minus the Ethernet header (what an MTU limits).
  std::size_t ip_size() const { return wire_size() - kEthernetHeaderLen; }
};

// Hands out packet ids: 1, 2, 3, ... in the order packets are made, so ids (and the IPv4
// identification captures derive from them) are the same on every run.
class PacketIds {
 public:
  std::uint64_t next() { return ++last_; }
  Packet make(tcp::IpSegment segment) { return Packet(std::move(segment), next()); }

 private:
  std::uint64_t last_ = 0;
};

}  // namespace tcpsim::sim
