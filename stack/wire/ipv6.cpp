#include "stack/wire/ipv6.hpp"

#include <algorithm>
#include <cassert>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {

std::string_view ipv6_extension_header_name(std::uint8_t next_header) {
  switch (next_header) {
    case 0:
      return "Hop-by-Hop Options (0)";
    case 43:
      return "Routing (43)";
    case 44:
      return "Fragment (44)";
    case 50:
      return "Encapsulating Security Payload (50)";
    case 51:
      return "Authentication Header (51)";
    case 60:
      return "Destination Options (60)";
    case 135:
      return "Mobility (135)";
    case 139:
      return "Host Identity Protocol (139)";
    case 140:
      return "Shim6 (140)";
    case 253:
      return "experimental (253)";
    case 254:
      return "experimental (254)";
    default:
      return {};
  }
}

bool is_ipv6_extension_header(std::uint8_t next_header) {
  return !ipv6_extension_header_name(next_header).empty();
}

ParseResult<Ipv6Repr> Ipv6Repr::parse(std::span<const std::uint8_t> packet) {
  if (packet.size() < kHeaderLen) {
    return parse_error(Errc::Truncated, 0, "ipv6.header");
  }
  const std::uint8_t* p = packet.data();
  if ((p[0] >> 4) != 6) {
    return parse_error(Errc::BadVersion, 0, "ipv6.version");
  }
  const std::size_t payload_len = load_be16(p + 4);
  if (payload_len > packet.size() - kHeaderLen) {
    return parse_error(Errc::BadTotalLength, 4, "ipv6.payload_length", "longer than the packet");
  }
  const std::uint8_t next_header = p[6];
  if (is_ipv6_extension_header(next_header)) {
    return parse_error(Errc::UnsupportedExtensionHeader, 6, "ipv6.next_header",
                       ipv6_extension_header_name(next_header));
  }

  Ipv6Repr repr;
  const std::uint32_t first_word = load_be32(p);
  repr.traffic_class = static_cast<std::uint8_t>(first_word >> 20);
  repr.flow_label = first_word & 0xfffffU;
  repr.payload_len = payload_len;
  repr.next_header = next_header;
  repr.hop_limit = p[7];
  std::copy_n(p + 8, 16, repr.src.bytes.begin());
  std::copy_n(p + 24, 16, repr.dst.bytes.begin());
  return repr;
}

void Ipv6Repr::emit_header(std::span<std::uint8_t> out) const {
  assert(out.size() >= kHeaderLen);
  assert(payload_len <= 0xffff);
  assert(flow_label <= 0xfffffU);
  std::uint8_t* p = out.data();
  store_be32(
      p, (std::uint32_t{6} << 28) | (std::uint32_t{traffic_class} << 20) | (flow_label & 0xfffffU));
  store_be16(p + 4, static_cast<std::uint16_t>(payload_len));
  p[6] = next_header;
  p[7] = hop_limit;
  std::copy(src.bytes.begin(), src.bytes.end(), p + 8);
  std::copy(dst.bytes.begin(), dst.bytes.end(), p + 24);
}

}  // namespace tcpsim::wire
