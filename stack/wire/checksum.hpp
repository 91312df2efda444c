// The Internet checksum (RFC 1071), its incremental update (RFC 1624), the TCP pseudo-header
// sums (RFC 9293 §3.1, RFC 8200 §8.1), and the network-order loads and stores every header uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "stack/wire/address.hpp"

namespace tcpsim::wire {

// ---- Network byte order (big-endian) access; the caller guarantees the bytes exist. ----

constexpr std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
constexpr std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
constexpr void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
constexpr void store_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// ---- Checksums ----

// Running 16-bit ones'-complement sum over a byte stream split into any number of pieces.
// The stream is read as big-endian 16-bit words; an odd-length piece leaves the next piece
// starting in the low half of a word, exactly as if the pieces were one buffer
// (RFC 1071 §2(A), §2(B): byte-order independence and deferred carries).
class ChecksumAccumulator {
 public:
  // Appends bytes to the stream.
  void add(std::span<const std::uint8_t> bytes);
  // Appends the two (four) bytes of `v` in network order.
  void add_u16(std::uint16_t v);
  void add_u32(std::uint32_t v);
  // Adds an already-computed partial sum (e.g. pseudo_header_sum) regardless of stream position.
  void add_sum(std::uint32_t partial);

  // The sum folded to 16 bits with end-around carries (never 0 unless nothing non-zero was added).
  std::uint16_t fold() const;
  // The checksum to put on the wire: the ones' complement of fold().
  std::uint16_t finish() const { return static_cast<std::uint16_t>(~fold()); }

 private:
  std::uint64_t sum_ = 0;
  bool odd_ = false;  // the stream so far has an odd number of bytes
};

// Checksum of one buffer: finish() of an accumulator fed with it.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), the new checksum after one 16-bit word of the
// covered data changes from `old_word` to `new_word`.
std::uint16_t checksum_update(std::uint16_t old_checksum, std::uint16_t old_word,
                              std::uint16_t new_word);

// Partial sums of the pseudo-headers, folded to 16 bits (the result is <= 0xffff).
// IPv4 (RFC 9293 §3.1): source, destination, zero, protocol, TCP length.
std::uint32_t pseudo_header_sum(const Ipv4Address& src, const Ipv4Address& dst,
                                std::uint8_t protocol, std::uint16_t length);
// IPv6 (RFC 8200 §8.1): source, destination, 32-bit upper-layer length, zeros, next header.
std::uint32_t pseudo_header_sum(const Ipv6Address& src, const Ipv6Address& dst,
                                std::uint8_t next_header, std::uint32_t length);
// Either family; precondition: src and dst are of the same family (IPv4 needs length <= 0xffff).
std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t protocol,
                                std::uint32_t length);

}  // namespace tcpsim::wire
