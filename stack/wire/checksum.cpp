#include "stack/wire/checksum.hpp"

#include <bit>
#include <cassert>
#include <cstring>

namespace tcpsim::wire {
namespace {

constexpr std::uint16_t swap16(std::uint16_t v) {
  return static_cast<std::uint16_t>((v << 8) | (v >> 8));
}

// Folds a 64-bit ones'-complement sum to 16 bits with end-around carries.
constexpr std::uint16_t fold64(std::uint64_t s) {
  s = (s & 0xffffffffULL) + (s >> 32);
  s = (s & 0xffffffffULL) + (s >> 32);
  s = (s & 0xffffULL) + (s >> 16);
  s = (s & 0xffffULL) + (s >> 16);
  s = (s & 0xffffULL) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

std::uint64_t load_native64(const std::uint8_t* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Ones'-complement sum of `n` bytes read as big-endian 16-bit words from an even stream
// position, the last odd byte padded with a zero. Works on native-order 64-bit loads: the
// ones'-complement sum commutes with byte swapping (RFC 1071 §2(B)), so one swap at the end
// gives the big-endian result. Each 64-bit word is added as two 32-bit halves into four
// independent 64-bit accumulators, so no carry is lost and the adds can run in parallel.
std::uint16_t sum_bytes(const std::uint8_t* p, std::size_t n) {
  std::uint64_t total = 0;
  while (n != 0) {
    // Each accumulator takes < 2^33 per step; at most 2^23 steps per chunk stays far below 2^64.
    std::size_t chunk = n < (std::size_t{1} << 28) ? n : (std::size_t{1} << 28);
    n -= chunk;
    std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    constexpr std::uint64_t kLow = 0xffffffffULL;
    while (chunk >= 32) {
      const std::uint64_t w0 = load_native64(p);
      const std::uint64_t w1 = load_native64(p + 8);
      const std::uint64_t w2 = load_native64(p + 16);
      const std::uint64_t w3 = load_native64(p + 24);
      a0 += (w0 & kLow) + (w0 >> 32);
      a1 += (w1 & kLow) + (w1 >> 32);
      a2 += (w2 & kLow) + (w2 >> 32);
      a3 += (w3 & kLow) + (w3 >> 32);
      p += 32;
      chunk -= 32;
    }
    while (chunk >= 8) {
      const std::uint64_t w = load_native64(p);
      a0 += (w & kLow) + (w >> 32);
      p += 8;
      chunk -= 8;
    }
    if (chunk != 0) {
      // Zero-padded tail: the padding lands in the positions that follow the data.
      std::uint8_t tail[8] = {};
      std::memcpy(tail, p, chunk);
      const std::uint64_t w = load_native64(tail);
      a1 += (w & kLow) + (w >> 32);
      p += chunk;
    }
    total += fold64(a0) + fold64(a1) + fold64(a2) + fold64(a3);
  }
  const std::uint16_t native = fold64(total);
  return std::endian::native == std::endian::little ? swap16(native) : native;
}

}  // namespace

void ChecksumAccumulator::add(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  const std::uint16_t s = sum_bytes(bytes.data(), bytes.size());
  // Bytes that start at an odd stream position fill words shifted by one byte; summing them
  // as if aligned and swapping the result is the same thing (RFC 1071 §2(B)).
  sum_ += odd_ ? swap16(s) : s;
  odd_ = odd_ != ((bytes.size() & 1U) != 0);
}

void ChecksumAccumulator::add_u16(std::uint16_t v) {
  sum_ += odd_ ? swap16(v) : v;
}

void ChecksumAccumulator::add_u32(std::uint32_t v) {
  add_u16(static_cast<std::uint16_t>(v >> 16));
  add_u16(static_cast<std::uint16_t>(v));
}

void ChecksumAccumulator::add_sum(std::uint32_t partial) {
  sum_ += partial;
}

std::uint16_t ChecksumAccumulator::fold() const {
  return fold64(sum_);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  ChecksumAccumulator acc;
  acc.add(bytes);
  return acc.finish();
}

std::uint16_t checksum_update(std::uint16_t old_checksum, std::uint16_t old_word,
                              std::uint16_t new_word) {
  // Eqn. 3 rather than eqn. 2 so the result is never the -0 that eqn. 2 can produce.
  const std::uint64_t sum = std::uint64_t{static_cast<std::uint16_t>(~old_checksum)} +
                            std::uint64_t{static_cast<std::uint16_t>(~old_word)} + new_word;
  return static_cast<std::uint16_t>(~fold64(sum));
}

std::uint32_t pseudo_header_sum(const Ipv4Address& src, const Ipv4Address& dst,
                                std::uint8_t protocol, std::uint16_t length) {
  ChecksumAccumulator acc;
  acc.add(src.bytes);
  acc.add(dst.bytes);
  acc.add_u16(protocol);  // a zero byte, then the protocol
  acc.add_u16(length);
  return acc.fold();
}

std::uint32_t pseudo_header_sum(const Ipv6Address& src, const Ipv6Address& dst,
                                std::uint8_t next_header, std::uint32_t length) {
  ChecksumAccumulator acc;
  acc.add(src.bytes);
  acc.add(dst.bytes);
  acc.add_u32(length);
  acc.add_u32(next_header);  // three zero bytes, then the next header
  return acc.fold();
}

std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t protocol,
                                std::uint32_t length) {
  assert(src.family() == dst.family());
  if (src.is_v4()) {
    assert(length <= 0xffff);
    return pseudo_header_sum(src.v4(), dst.v4(), protocol, static_cast<std::uint16_t>(length));
  }
  return pseudo_header_sum(src.v6(), dst.v6(), protocol, length);
}

}  // namespace tcpsim::wire
