#include "stack/wire/ipv4.hpp"

#include <algorithm>
#include <cassert>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {
namespace {
// Bit 0x8000 is reserved (RFC 791 §3.1); it is ignored on input and written as zero.
constexpr std::uint16_t kFlagDontFragment = 0x4000;
constexpr std::uint16_t kFlagMoreFragments = 0x2000;
constexpr std::uint16_t kFragmentOffsetMask = 0x1fff;
}  // namespace

ParseResult<Ipv4Repr> Ipv4Repr::parse(std::span<const std::uint8_t> packet, bool verify_checksum) {
  if (packet.size() < kIpv4MinHeaderLen) {
    return parse_error(Errc::Truncated, 0, "ipv4.header");
  }
  const std::uint8_t* p = packet.data();
  if ((p[0] >> 4) != 4) {
    return parse_error(Errc::BadVersion, 0, "ipv4.version");
  }
  const std::size_t header_len = std::size_t{p[0] & 0x0fU} * 4;
  if (header_len < kIpv4MinHeaderLen) {
    return parse_error(Errc::BadHeaderLength, 0, "ipv4.ihl", "below 5 words");
  }
  if (header_len > packet.size()) {
    return parse_error(Errc::BadHeaderLength, 0, "ipv4.ihl", "header runs past the packet");
  }
  const std::size_t total_len = load_be16(p + 2);
  if (total_len < header_len) {
    return parse_error(Errc::BadTotalLength, 2, "ipv4.total_length", "shorter than the header");
  }
  if (total_len > packet.size()) {
    return parse_error(Errc::BadTotalLength, 2, "ipv4.total_length", "longer than the packet");
  }
  // A correct header sums to all ones, checksum field included (RFC 791 §3.1, RFC 1071).
  if (verify_checksum && internet_checksum(packet.first(header_len)) != 0) {
    return parse_error(Errc::BadChecksum, 10, "ipv4.checksum");
  }

  Ipv4Repr repr;
  repr.dscp_ecn = p[1];
  repr.identification = load_be16(p + 4);
  const std::uint16_t flags_fragment = load_be16(p + 6);
  repr.dont_fragment = (flags_fragment & kFlagDontFragment) != 0;
  repr.more_fragments = (flags_fragment & kFlagMoreFragments) != 0;
  repr.fragment_offset = flags_fragment & kFragmentOffsetMask;
  repr.ttl = p[8];
  repr.protocol = p[9];
  std::copy_n(p + 12, 4, repr.src.bytes.begin());
  std::copy_n(p + 16, 4, repr.dst.bytes.begin());
  repr.header_len = header_len;
  repr.payload_len = total_len - header_len;
  return repr;
}

void Ipv4Repr::emit_header(std::span<std::uint8_t> out) const {
  assert(out.size() >= kIpv4MinHeaderLen);
  assert(payload_len <= 0xffff - kIpv4MinHeaderLen);
  assert(fragment_offset <= kFragmentOffsetMask);
  std::uint8_t* p = out.data();
  p[0] = 0x45;  // version 4, IHL 5
  p[1] = dscp_ecn;
  store_be16(p + 2, static_cast<std::uint16_t>(kIpv4MinHeaderLen + payload_len));
  store_be16(p + 4, identification);
  std::uint16_t flags_fragment = fragment_offset & kFragmentOffsetMask;
  if (dont_fragment) flags_fragment |= kFlagDontFragment;
  if (more_fragments) flags_fragment |= kFlagMoreFragments;
  store_be16(p + 6, flags_fragment);
  p[8] = ttl;
  p[9] = protocol;
  store_be16(p + 10, 0);
  std::copy(src.bytes.begin(), src.bytes.end(), p + 12);
  std::copy(dst.bytes.begin(), dst.bytes.end(), p + 16);
  store_be16(p + 10, internet_checksum(out.first(kIpv4MinHeaderLen)));
}

}  // namespace tcpsim::wire
