// Whole Ethernet + IP (v4 or v6) + TCP frames: build one from values, or parse one into values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stack/wire/address.hpp"
#include "stack/wire/error.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/ipv6.hpp"
#include "stack/wire/tcp.hpp"

namespace tcpsim::wire {

// Everything below TCP that a frame needs. src_ip and dst_ip must be of the same family.
struct FrameAddressing {
  MacAddress src_mac;
  MacAddress dst_mac;
  IpAddress src_ip;
  IpAddress dst_ip;
  std::uint8_t ttl = 64;         // IPv4 TTL or IPv6 hop limit
  std::uint16_t ip_id = 0;       // IPv4 identification; unused for IPv6
  std::uint8_t tos = 0;          // IPv4 DSCP+ECN byte or IPv6 traffic class
  std::uint32_t flow_label = 0;  // IPv6 only (20 bits)
};

// Ethernet header + IP header (20 or 40 bytes) + TCP header + payload. No padding to the
// 60-byte Ethernet minimum is added (as in a capture taken on the sending host).
std::size_t tcp_frame_size(IpAddress::Family family, const TcpRepr& tcp, std::size_t payload_len);

// Writes the frame into `out` and returns its length: IPv4 with DF set and no options, or an
// IPv6 fixed header; both checksums filled in. Returns 0 and writes nothing when `out` is too
// small, the address families differ, or the IP payload would exceed 65535 bytes.
std::size_t emit_tcp_frame(std::span<std::uint8_t> out, const FrameAddressing& addressing,
                           const TcpRepr& tcp, std::span<const std::uint8_t> payload);

// The same into a new buffer of exactly tcp_frame_size() bytes (empty on the failures above).
std::vector<std::uint8_t> build_tcp_frame(const FrameAddressing& addressing, const TcpRepr& tcp,
                                          std::span<const std::uint8_t> payload);

struct ParsedTcpFrame {
  EthernetRepr eth;  // default (all zero) when parsed from an IP packet
  IpAddress src_ip;
  IpAddress dst_ip;
  std::optional<Ipv4Repr> ipv4;  // exactly one of ipv4/ipv6 is set
  std::optional<Ipv6Repr> ipv6;
  TcpRepr tcp;
  std::span<const std::uint8_t> payload;  // TCP payload, inside the caller's buffer
};

// Parses Ethernet, then IPv4 or IPv6 (chosen by the EtherType), then TCP. Error offsets count
// from the frame start. Besides the per-header errors: an EtherType other than IPv4/IPv6 is
// BadEtherType @12; an IP version that disagrees with the EtherType is BadVersion; a protocol
// other than TCP is BadProtocol (@9 ipv4.protocol, @6 ipv6.next_header); an IPv4 fragment is
// Fragmented @6 ipv4.fragment. With verify_checksums false neither the IPv4 header checksum
// nor the TCP checksum is checked.
ParseResult<ParsedTcpFrame> parse_tcp_frame(std::span<const std::uint8_t> frame,
                                            bool verify_checksums = true);

// The same for a bare IP packet, the family taken from the version nibble (an empty packet is
// Truncated @0 ip.header, another version BadVersion @0 ip.version).
ParseResult<ParsedTcpFrame> parse_tcp_packet(std::span<const std::uint8_t> ip_packet,
                                             bool verify_checksums = true);

}  // namespace tcpsim::wire
