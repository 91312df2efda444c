#include "stack/wire/checksum.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

namespace tcpsim::wire {
namespace {

// Straight from the definition: big-endian 16-bit words, odd byte padded, end-around carry.
std::uint16_t reference_fold(std::span<const std::uint8_t> bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    const std::uint32_t hi = bytes[i];
    const std::uint32_t lo = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    sum += (hi << 8) | lo;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

TEST(Checksum, Rfc1071WorkedExample) {
  // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
  const std::array<std::uint8_t, 8> bytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  ChecksumAccumulator acc;
  acc.add(bytes);
  EXPECT_EQ(acc.fold(), 0xddf2);
  EXPECT_EQ(acc.finish(), 0x220d);
  EXPECT_EQ(internet_checksum(bytes), 0x220d);
}

TEST(Checksum, EmptyInputSumsToZero) {
  ChecksumAccumulator acc;
  EXPECT_EQ(acc.fold(), 0);
  EXPECT_EQ(acc.finish(), 0xffff);
  EXPECT_EQ(internet_checksum({}), 0xffff);
}

TEST(Checksum, WordLoopMatchesDefinitionForEveryLengthAndAlignment) {
  std::mt19937 rng(1071);
  const auto data = random_bytes(rng, 600);
  for (std::size_t start = 0; start < 8; ++start) {
    for (std::size_t len = 0; len + start <= 300; ++len) {
      const std::span<const std::uint8_t> piece(data.data() + start, len);
      ChecksumAccumulator acc;
      acc.add(piece);
      ASSERT_EQ(acc.fold(), reference_fold(piece)) << "start " << start << " len " << len;
    }
  }
}

TEST(Checksum, AllOnesDataDoesNotLoseCarries) {
  const std::vector<std::uint8_t> ones(70000, 0xff);
  ChecksumAccumulator acc;
  acc.add(ones);
  EXPECT_EQ(acc.fold(), reference_fold(ones));
  EXPECT_EQ(acc.fold(), 0xffff);
}

TEST(Checksum, PiecesOfOddLengthSumLikeOneBuffer) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 500; ++trial) {
    const auto data = random_bytes(rng, rng() % 200);
    ChecksumAccumulator acc;
    std::size_t at = 0;
    while (at < data.size()) {
      const std::size_t n = std::min<std::size_t>(rng() % 9, data.size() - at);
      acc.add(std::span<const std::uint8_t>(data.data() + at, n));
      at += n;
    }
    ASSERT_EQ(acc.fold(), reference_fold(data)) << "trial " << trial;
  }
}

TEST(Checksum, AddU16AndU32AppendNetworkOrderBytes) {
  const std::array<std::uint8_t, 7> bytes = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
  ChecksumAccumulator a;
  a.add(std::span<const std::uint8_t>(bytes).first(1));  // odd position from here on
  a.add_u16(0x3456);
  a.add_u32(0x789abcde);
  EXPECT_EQ(a.fold(), reference_fold(bytes));
}

TEST(Checksum, IncrementalUpdateAgreesWithRecomputation) {
  // RFC 1624 eqn. 3 against a full recomputation, over random buffers and changed words.
  std::mt19937 rng(1624);
  for (int trial = 0; trial < 5000; ++trial) {
    auto data = random_bytes(rng, 2 * (1 + rng() % 40));
    const std::uint16_t before = internet_checksum(data);
    const std::size_t word = rng() % (data.size() / 2);
    const std::uint16_t old_word = load_be16(&data[2 * word]);
    const std::uint16_t new_word = static_cast<std::uint16_t>(rng());
    store_be16(&data[2 * word], new_word);
    ASSERT_EQ(checksum_update(before, old_word, new_word), internet_checksum(data))
        << "trial " << trial;
  }
}

TEST(Checksum, IncrementalUpdateRfc1624Example) {
  // RFC 1624 §4: eqn. 3 gives 0x0000 where eqn. 2 would give 0xffff.
  EXPECT_EQ(checksum_update(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(Checksum, Ipv4PseudoHeaderSum) {
  const Ipv4Address src{{10, 0, 2, 15}};
  const Ipv4Address dst{{93, 184, 216, 34}};
  const std::array<std::uint8_t, 12> pseudo = {10, 0, 2, 15, 93, 184, 216, 34, 0, 6, 0x01, 0x2c};
  EXPECT_EQ(pseudo_header_sum(src, dst, 6, 300), reference_fold(pseudo));
  EXPECT_EQ(pseudo_header_sum(IpAddress(src), IpAddress(dst), 6, 300), reference_fold(pseudo));
}

TEST(Checksum, Ipv6PseudoHeaderSum) {
  const auto src = *Ipv6Address::parse("2001:db8::1");
  const auto dst = *Ipv6Address::parse("fe80::abcd:1234");
  std::vector<std::uint8_t> pseudo(src.bytes.begin(), src.bytes.end());
  pseudo.insert(pseudo.end(), dst.bytes.begin(), dst.bytes.end());
  const std::array<std::uint8_t, 8> tail = {0x00, 0x01, 0x23, 0x45, 0, 0, 0, 6};
  pseudo.insert(pseudo.end(), tail.begin(), tail.end());
  EXPECT_EQ(pseudo_header_sum(src, dst, 6, 0x12345), reference_fold(pseudo));
  EXPECT_EQ(pseudo_header_sum(IpAddress(src), IpAddress(dst), 6, 0x12345), reference_fold(pseudo));
}

TEST(Checksum, AddSumIgnoresStreamPosition) {
  ChecksumAccumulator a;
  const std::array<std::uint8_t, 1> one = {0x80};
  a.add(one);
  a.add_sum(0x1234);
  EXPECT_EQ(a.fold(), 0x8000 + 0x1234);
}

}  // namespace
}  // namespace tcpsim::wire
