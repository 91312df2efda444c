#include "stack/wire/ethernet.hpp"

#include <algorithm>
#include <cassert>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {

ParseResult<EthernetRepr> EthernetRepr::parse(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernetHeaderLen) {
    return parse_error(Errc::Truncated, 0, "ethernet.header");
  }
  EthernetRepr repr;
  std::copy_n(frame.begin(), 6, repr.dst.bytes.begin());
  std::copy_n(frame.begin() + 6, 6, repr.src.bytes.begin());
  repr.ethertype = load_be16(frame.data() + 12);
  if (repr.ethertype < ethertype::kMinEtherType) {
    return parse_error(Errc::BadEtherType, 12, "ethernet.ethertype",
                       "802.3 length field; only Ethernet II is supported");
  }
  return repr;
}

void EthernetRepr::emit(std::span<std::uint8_t> out) const {
  assert(out.size() >= kEthernetHeaderLen);
  std::copy(dst.bytes.begin(), dst.bytes.end(), out.begin());
  std::copy(src.bytes.begin(), src.bytes.end(), out.begin() + 6);
  store_be16(out.data() + 12, ethertype);
}

}  // namespace tcpsim::wire
