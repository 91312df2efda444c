#include "stack/wire/ipv6.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {
namespace {

// 2001:db8::1 -> 2001:db8::2, traffic class 0, flow label 0x12345, payload 37 bytes, TCP,
// hop limit 64.
constexpr std::array<std::uint8_t, 40> kHeader = {
    0x60, 0x01, 0x23, 0x45, 0x00, 0x25, 0x06, 0x40,  //
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02};

std::vector<std::uint8_t> packet() {
  std::vector<std::uint8_t> p(kHeader.begin(), kHeader.end());
  p.resize(40 + 37, 0x55);
  return p;
}

ParseError parse_failure(std::span<const std::uint8_t> bytes) {
  const auto r = Ipv6Repr::parse(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ParseError{} : r.error();
}

TEST(Ipv6Repr, ParsesFixedHeader) {
  const auto ip = Ipv6Repr::parse(packet());
  ASSERT_TRUE(ip.ok()) << ip.error().message();
  EXPECT_EQ(ip->src.to_string(), "2001:db8::1");
  EXPECT_EQ(ip->dst.to_string(), "2001:db8::2");
  EXPECT_EQ(ip->traffic_class, 0);
  EXPECT_EQ(ip->flow_label, 0x12345u);
  EXPECT_EQ(ip->payload_len, 37u);
  EXPECT_EQ(ip->next_header, 6);
  EXPECT_EQ(ip->hop_limit, 64);
  EXPECT_EQ(ip->wire_size(), 77u);
}

TEST(Ipv6Repr, EmitsByteExact) {
  const auto ip = Ipv6Repr::parse(packet());
  ASSERT_TRUE(ip.ok());
  std::array<std::uint8_t, 40> out{};
  ip->emit_header(out);
  EXPECT_EQ(out, kHeader);
}

TEST(Ipv6Repr, TrafficClassSpansTheNibbles) {
  auto p = packet();
  p[0] = 0x6a;
  p[1] = 0xb1;  // traffic class 0xab, flow label 0x12345
  const auto ip = Ipv6Repr::parse(p);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->traffic_class, 0xab);
  EXPECT_EQ(ip->flow_label, 0x12345u);
  std::array<std::uint8_t, 40> out{};
  ip->emit_header(out);
  EXPECT_TRUE(std::equal(out.begin(), out.end(), p.begin()));
}

TEST(Ipv6Repr, RefusesEveryExtensionHeaderByName) {
  const std::uint8_t extension_headers[] = {0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254};
  for (std::uint8_t nh : extension_headers) {
    auto p = packet();
    p[6] = nh;
    const auto e = parse_failure(p);
    EXPECT_EQ(e.code, Errc::UnsupportedExtensionHeader) << int{nh};
    EXPECT_EQ(e.offset, 6u);
    EXPECT_EQ(e.field, "ipv6.next_header");
    EXPECT_EQ(e.detail, ipv6_extension_header_name(nh));
    EXPECT_NE(e.message().find(std::to_string(nh)), std::string::npos) << e.message();
    EXPECT_TRUE(is_ipv6_extension_header(nh));
  }
  EXPECT_EQ(ipv6_extension_header_name(43), "Routing (43)");
  EXPECT_FALSE(is_ipv6_extension_header(6));
  EXPECT_FALSE(is_ipv6_extension_header(17));
  EXPECT_FALSE(is_ipv6_extension_header(59));  // No Next Header is not an extension header
}

TEST(Ipv6Repr, OtherUpperLayersParse) {
  auto p = packet();
  p[6] = 17;
  const auto ip = Ipv6Repr::parse(p);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->next_header, 17);
}

TEST(Ipv6Repr, Truncated) {
  const auto p = packet();
  EXPECT_EQ(parse_failure(std::span(p).first(39)), (ParseError{Errc::Truncated, 0, "ipv6.header"}));
}

TEST(Ipv6Repr, BadVersion) {
  auto p = packet();
  p[0] = 0x40;
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadVersion);
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.field, "ipv6.version");
}

TEST(Ipv6Repr, PayloadLengthPastThePacket) {
  auto p = packet();
  p.pop_back();
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadTotalLength);
  EXPECT_EQ(e.offset, 4u);
  EXPECT_EQ(e.field, "ipv6.payload_length");
}

TEST(Ipv6Repr, IgnoresBytesAfterPayload) {
  auto p = packet();
  p.resize(p.size() + 10, 0);
  const auto ip = Ipv6Repr::parse(p);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->payload_len, 37u);
}

}  // namespace
}  // namespace tcpsim::wire
