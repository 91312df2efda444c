#include "stack/wire/ethernet.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tcpsim::wire {
namespace {

constexpr std::array<std::uint8_t, 16> kHeaderAndTwoBytes = {
    0x52, 0x54, 0x00, 0x12, 0x35, 0x02,  // destination
    0x08, 0x00, 0x27, 0x4e, 0x1a, 0x7c,  // source
    0x08, 0x00,                          // IPv4
    0x45, 0x00};

TEST(EthernetRepr, ParsesAndEmitsByteExact) {
  const auto eth = EthernetRepr::parse(kHeaderAndTwoBytes);
  ASSERT_TRUE(eth.ok()) << eth.error().message();
  EXPECT_EQ(eth->dst.to_string(), "52:54:00:12:35:02");
  EXPECT_EQ(eth->src.to_string(), "08:00:27:4e:1a:7c");
  EXPECT_EQ(eth->ethertype, ethertype::kIpv4);
  std::array<std::uint8_t, kEthernetHeaderLen> out{};
  eth->emit(out);
  EXPECT_TRUE(std::equal(out.begin(), out.end(), kHeaderAndTwoBytes.begin()));
  EXPECT_EQ(EthernetRepr::wire_size(), 14u);
}

TEST(EthernetRepr, TruncatedHeader) {
  const auto eth = EthernetRepr::parse(std::span(kHeaderAndTwoBytes).first(13));
  ASSERT_FALSE(eth.ok());
  EXPECT_EQ(eth.error(), (ParseError{Errc::Truncated, 0, "ethernet.header"}));
}

TEST(EthernetRepr, RefusesAn8023LengthField) {
  auto bytes = kHeaderAndTwoBytes;
  bytes[12] = 0x05;
  bytes[13] = 0xdc;  // 1500: an IEEE 802.3 length, not an EtherType
  const auto eth = EthernetRepr::parse(bytes);
  ASSERT_FALSE(eth.ok());
  EXPECT_EQ(eth.error().code, Errc::BadEtherType);
  EXPECT_EQ(eth.error().offset, 12u);
  EXPECT_EQ(eth.error().field, "ethernet.ethertype");
}

TEST(EthernetRepr, AcceptsOtherEtherTypes) {
  auto bytes = kHeaderAndTwoBytes;
  bytes[12] = 0x08;
  bytes[13] = 0x06;
  const auto eth = EthernetRepr::parse(bytes);
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->ethertype, ethertype::kArp);
}

}  // namespace
}  // namespace tcpsim::wire
