// A TCP segment as connections and the simulator pass it around: a parsed header
// plus the payload bytes, with the IP addresses it travels between.
#pragma once

#include <cstdint>
#include <vector>

#include "stack/wire/address.hpp"
#include "stack/wire/tcp.hpp"

namespace tcpsim::tcp {

struct Segment {
  wire::TcpRepr header;
  std::vector<std::uint8_t> payload;
  // The ECN field of the IP header that carries it (RFC 3168 §5: 0 Not-ECT, 1 ECT(1),
  // 2 ECT(0), 3 CE): what a connection asks for, or what arrived. The host's TCP layer
  // maps it to and from IpSegment::tos.
  std::uint8_t ecn = 0;
  // A TSO super-segment (TcpConfig::tso): the payload of each segment the device cuts it
  // into (gso_size); 0 for an ordinary segment.
  std::uint16_t gso_size = 0;

  bool has(std::uint8_t flag) const { return header.has(flag); }
  // Sequence space the segment occupies: payload bytes plus one each for SYN and FIN
  // (RFC 9293 §3.4, SEG.LEN).
  std::uint32_t seq_len() const {
    return static_cast<std::uint32_t>(payload.size()) + (has(wire::tcp_flag::kSyn) ? 1u : 0u) +
           (has(wire::tcp_flag::kFin) ? 1u : 0u);
  }
};

// A segment with the addresses of the IP datagram that carries it.
struct IpSegment {
  wire::IpAddress src;
  wire::IpAddress dst;
  Segment segment;
  // The IP header fields a sender chooses (IP_TOS / IPV6_TCLASS, IP_TTL / hop limit).
  std::uint8_t tos = 0;
  std::uint8_t ttl = 64;
  std::uint32_t flow_label = 0;  // IPv6 only
};

}  // namespace tcpsim::tcp
