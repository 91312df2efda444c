// IPv6 fixed header (RFC 8200 §3). Extension headers are recognised and refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "stack/wire/address.hpp"
#include "stack/wire/error.hpp"

namespace tcpsim::wire {

// True for the next-header values that introduce an IPv6 extension header
// (RFC 8200 §4, IANA "IPv6 Extension Header Types"): 0, 43, 44, 50, 51, 60, 135, 139, 140,
// 253, 254.
bool is_ipv6_extension_header(std::uint8_t next_header);
// A static name such as "Routing (43)"; empty for values that are not extension headers.
std::string_view ipv6_extension_header_name(std::uint8_t next_header);

struct Ipv6Repr {
  Ipv6Address src;
  Ipv6Address dst;
  std::uint8_t next_header = 6;
  std::uint8_t hop_limit = 64;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;  // 20 bits
  std::size_t payload_len = 0;
  static constexpr std::size_t kHeaderLen = 40;

  // Checks, in order:
  //   under 40 bytes                         Truncated                   @0 ipv6.header
  //   version != 6                           BadVersion                  @0 ipv6.version
  //   payload length past the input          BadTotalLength              @4 ipv6.payload_length
  //   next header is an extension header     UnsupportedExtensionHeader  @6 ipv6.next_header
  //                                          (the detail names the header)
  // Bytes after the payload length are ignored.
  static ParseResult<Ipv6Repr> parse(std::span<const std::uint8_t> packet);

  std::size_t wire_size() const { return kHeaderLen + payload_len; }
  // Writes the 40-byte header into out[0, 40).
  // Preconditions: out.size() >= 40, payload_len <= 65535, flow_label < 2^20.
  void emit_header(std::span<std::uint8_t> out) const;

  bool operator==(const Ipv6Repr&) const = default;
};

}  // namespace tcpsim::wire
