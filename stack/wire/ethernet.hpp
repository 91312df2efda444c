// Ethernet II framing (IEEE 802.3 clause 3.2.6 with an EtherType): destination, source, type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "stack/wire/address.hpp"
#include "stack/wire/error.hpp"

namespace tcpsim::wire {

constexpr std::size_t kEthernetHeaderLen = 14;

namespace ethertype {
constexpr std::uint16_t kIpv4 = 0x0800;
constexpr std::uint16_t kIpv6 = 0x86DD;
constexpr std::uint16_t kArp = 0x0806;
// Values below this are IEEE 802.3 length fields, not EtherTypes.
constexpr std::uint16_t kMinEtherType = 0x0600;
}  // namespace ethertype

struct EthernetRepr {
  MacAddress dst;
  MacAddress src;
  std::uint16_t ethertype = 0;

  // Reads the 14-byte header at the start of `frame` (no FCS is expected).
  // Errors: Truncated (under 14 bytes), BadEtherType (an 802.3 length field, < 0x0600).
  static ParseResult<EthernetRepr> parse(std::span<const std::uint8_t> frame);
  // Writes the header into out[0, 14); precondition: out.size() >= 14.
  void emit(std::span<std::uint8_t> out) const;
  static constexpr std::size_t wire_size() { return kEthernetHeaderLen; }

  bool operator==(const EthernetRepr&) const = default;
};

}  // namespace tcpsim::wire
