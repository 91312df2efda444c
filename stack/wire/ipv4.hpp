// IPv4 header (RFC 791 §3.1). Options are accepted and skipped; fragments are recognised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "stack/wire/address.hpp"
#include "stack/wire/error.hpp"

namespace tcpsim::wire {

constexpr std::uint8_t kProtoTcp = 6;
constexpr std::size_t kIpv4MinHeaderLen = 20;

struct Ipv4Repr {
  Ipv4Address src;
  Ipv4Address dst;
  std::uint8_t protocol = kProtoTcp;
  std::uint8_t ttl = 64;
  std::uint8_t dscp_ecn = 0;  // the former type-of-service byte (RFC 2474, RFC 3168)
  std::uint16_t identification = 0;
  bool dont_fragment = true;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;           // in 8-byte units
  std::size_t header_len = kIpv4MinHeaderLen;  // as parsed; emit_header always writes 20
  std::size_t payload_len = 0;                 // total length minus header length

  // MF set or a non-zero offset: this packet is a piece of a larger datagram (RFC 791 §2.3).
  bool is_fragment() const { return more_fragments || fragment_offset != 0; }

  // Checks, in order, each failing with the field it names:
  //   under 20 bytes                          Truncated        @0  ipv4.header
  //   version != 4                            BadVersion       @0  ipv4.version
  //   IHL < 5, or IHL*4 past the input        BadHeaderLength  @0  ipv4.ihl
  //   total length < IHL*4 or past the input  BadTotalLength   @2  ipv4.total_length
  //   header checksum (when asked)            BadChecksum      @10 ipv4.checksum
  // Bytes after the total length (e.g. Ethernet padding) are ignored. The reserved flag bit
  // is ignored.
  static ParseResult<Ipv4Repr> parse(std::span<const std::uint8_t> packet,
                                     bool verify_checksum = true);

  std::size_t wire_size() const { return kIpv4MinHeaderLen + payload_len; }
  // Writes a 20-byte header, checksum included, into out[0, 20).
  // Preconditions: out.size() >= 20, payload_len <= 65515, fragment_offset < 8192.
  void emit_header(std::span<std::uint8_t> out) const;

  bool operator==(const Ipv4Repr&) const = default;
};

}  // namespace tcpsim::wire
