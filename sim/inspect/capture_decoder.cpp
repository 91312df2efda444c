#include "sim/inspect/capture_decoder.hpp"

#include <fmt/core.h>

#include <optional>

namespace tcpsim::sim::inspect {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherArp = 0x0806;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::size_t kSllHeader = 16;
constexpr std::size_t kSll2Header = 20;

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

DecodedFrame not_tcp(std::string what) {
  DecodedFrame f;
  f.kind = FrameKind::NotTcp;
  f.what = std::move(what);
  return f;
}

DecodedFrame malformed(std::string what) {
  DecodedFrame f;
  f.kind = FrameKind::Malformed;
  f.what = std::move(what);
  return f;
}

std::string protocol_name(unsigned proto) {
  switch (proto) {
    case 1:
      return "ICMP";
    case 17:
      return "UDP";
    case 58:
      return "ICMPv6";
    default:
      return fmt::format("IP protocol {}", proto);
  }
}

std::string ethertype_name(std::uint16_t type) {
  if (type == kEtherArp) return "ARP";
  return fmt::format("EtherType 0x{:04x}", type);
}

// A bare IP packet; `base` is its offset in the frame (for error offsets).
DecodedFrame decode_ip(std::span<const std::uint8_t> packet, std::size_t base) {
  auto parsed = wire::parse_tcp_packet(packet, /*verify_checksums=*/false);
  if (parsed.ok()) {
    DecodedFrame f;
    f.kind = FrameKind::Tcp;
    f.segment.src = parsed->src_ip;
    f.segment.dst = parsed->dst_ip;
    f.segment.tcp = parsed->tcp;
    f.segment.len = static_cast<std::uint32_t>(parsed->payload.size());
    return f;
  }
  const wire::ParseError& e = parsed.error();
  switch (e.code) {
    case wire::Errc::BadProtocol:
      return not_tcp(protocol_name(packet[e.offset]));
    case wire::Errc::Fragmented:
      return not_tcp("IPv4 fragment");
    case wire::Errc::UnsupportedExtensionHeader:
      return not_tcp("IPv6 with extension headers");
    default:
      return malformed(e.shifted(base).message());
  }
}

DecodedFrame decode_ethertype(std::uint16_t type, std::span<const std::uint8_t> bytes,
                              std::size_t at) {
  if (type != kEtherIpv4 && type != kEtherIpv6) return not_tcp(ethertype_name(type));
  return decode_ip(bytes.subspan(at), at);
}

DecodedFrame decode_ethernet(std::span<const std::uint8_t> b) {
  std::size_t at = 12;
  if (b.size() < at + 2) return malformed("ethernet.header: truncated at byte 0");
  std::uint16_t type = be16(b, at);
  // 802.1Q and 802.1ad tags: four bytes each before the real EtherType.
  while (type == kEtherVlan || type == kEtherQinQ) {
    at += 4;
    if (b.size() < at + 2) return malformed(fmt::format("ethernet.vlan: truncated at byte {}", at));
    type = be16(b, at);
  }
  return decode_ethertype(type, b, at + 2);
}

DecodedFrame decode_null(std::span<const std::uint8_t> b) {
  if (b.size() < 4) return malformed("loopback.family: truncated at byte 0");
  // The family is in the capturing host's byte order: accept either.
  std::uint32_t le = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  std::uint32_t be = (static_cast<std::uint32_t>(b[0]) << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
  auto is_family = [&](std::uint32_t f) { return le == f || be == f; };
  // AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 depending on the BSD.
  if (is_family(2) || is_family(24) || is_family(28) || is_family(30)) {
    return decode_ip(b.subspan(4), 4);
  }
  return not_tcp(fmt::format("loopback family {}", le));
}

}  // namespace

std::uint32_t DecodedSegment::seq_space() const {
  return len + (has(wire::tcp_flag::kSyn) ? 1U : 0U) + (has(wire::tcp_flag::kFin) ? 1U : 0U);
}

bool supported_linktype(int lt) {
  switch (lt) {
    case linktype::kNull:
    case linktype::kEthernet:
    case linktype::kRawBsd:
    case linktype::kRaw:
    case linktype::kLinuxSll:
    case linktype::kIpv4:
    case linktype::kIpv6:
    case linktype::kLinuxSll2:
      return true;
    default:
      return false;
  }
}

std::string supported_linktypes() {
  return "Ethernet (1), raw IP (12, 101, 228, 229), Linux cooked (113, 276), BSD loopback (0)";
}

DecodedFrame decode_frame(int lt, std::span<const std::uint8_t> bytes) {
  switch (lt) {
    case linktype::kEthernet:
      return decode_ethernet(bytes);
    case linktype::kRawBsd:
    case linktype::kRaw:
    case linktype::kIpv4:
    case linktype::kIpv6:
      return decode_ip(bytes, 0);
    case linktype::kLinuxSll:
      if (bytes.size() < kSllHeader) return malformed("sll.header: truncated at byte 0");
      return decode_ethertype(be16(bytes, 14), bytes, kSllHeader);
    case linktype::kLinuxSll2:
      if (bytes.size() < kSll2Header) return malformed("sll2.header: truncated at byte 0");
      return decode_ethertype(be16(bytes, 0), bytes, kSll2Header);
    case linktype::kNull:
      return decode_null(bytes);
    default:
      return malformed(fmt::format("link type {} is not read", lt));
  }
}

}  // namespace tcpsim::sim::inspect
