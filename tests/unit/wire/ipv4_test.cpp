#include "stack/wire/ipv4.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {
namespace {

// The IPv4 header of a captured-style SYN: 10.0.2.15 -> 93.184.216.34, id 0x8f2a, DF, TTL 64,
// total length 60 (a 40-byte TCP header follows).
constexpr std::array<std::uint8_t, 20> kSynIpHeader = {0x45, 0x00, 0x00, 0x3c, 0x8f, 0x2a, 0x40,
                                                       0x00, 0x40, 0x06, 0x69, 0xa8, 0x0a, 0x00,
                                                       0x02, 0x0f, 0x5d, 0xb8, 0xd8, 0x22};

std::vector<std::uint8_t> syn_packet() {
  std::vector<std::uint8_t> p(kSynIpHeader.begin(), kSynIpHeader.end());
  p.resize(60, 0xaa);
  return p;
}

void refresh_checksum(std::vector<std::uint8_t>& p) {
  const std::size_t ihl = std::size_t{p[0] & 0x0fU} * 4;
  store_be16(&p[10], 0);
  store_be16(&p[10], internet_checksum(std::span(p).first(ihl)));
}

ParseError parse_failure(std::span<const std::uint8_t> bytes, bool verify = true) {
  const auto r = Ipv4Repr::parse(bytes, verify);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ParseError{} : r.error();
}

TEST(Ipv4Repr, ParsesRealSynHeader) {
  const auto packet = syn_packet();
  const auto ip = Ipv4Repr::parse(packet);
  ASSERT_TRUE(ip.ok()) << ip.error().message();
  EXPECT_EQ(ip->src.to_string(), "10.0.2.15");
  EXPECT_EQ(ip->dst.to_string(), "93.184.216.34");
  EXPECT_EQ(ip->protocol, kProtoTcp);
  EXPECT_EQ(ip->ttl, 64);
  EXPECT_EQ(ip->dscp_ecn, 0);
  EXPECT_EQ(ip->identification, 0x8f2a);
  EXPECT_TRUE(ip->dont_fragment);
  EXPECT_FALSE(ip->more_fragments);
  EXPECT_EQ(ip->fragment_offset, 0);
  EXPECT_FALSE(ip->is_fragment());
  EXPECT_EQ(ip->header_len, 20u);
  EXPECT_EQ(ip->payload_len, 40u);
  EXPECT_EQ(ip->wire_size(), 60u);
}

TEST(Ipv4Repr, EmitsByteExact) {
  const auto ip = Ipv4Repr::parse(syn_packet());
  ASSERT_TRUE(ip.ok());
  std::array<std::uint8_t, 20> out{};
  ip->emit_header(out);
  EXPECT_EQ(out, kSynIpHeader);
}

TEST(Ipv4Repr, IgnoresBytesAfterTotalLength) {
  auto packet = syn_packet();
  packet.resize(packet.size() + 6, 0);  // e.g. Ethernet padding
  const auto ip = Ipv4Repr::parse(packet);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->payload_len, 40u);
}

TEST(Ipv4Repr, AcceptsAndSkipsOptions) {
  // IHL 6: a Router Alert option (RFC 2113), 4 bytes.
  std::vector<std::uint8_t> p(kSynIpHeader.begin(), kSynIpHeader.end());
  p[0] = 0x46;
  store_be16(&p[2], 64);
  const std::array<std::uint8_t, 4> router_alert = {0x94, 0x04, 0x00, 0x00};
  p.insert(p.end(), router_alert.begin(), router_alert.end());
  p.resize(64, 0);
  refresh_checksum(p);
  const auto ip = Ipv4Repr::parse(p);
  ASSERT_TRUE(ip.ok()) << ip.error().message();
  EXPECT_EQ(ip->header_len, 24u);
  EXPECT_EQ(ip->payload_len, 40u);
  EXPECT_EQ(ip->wire_size(), 60u);  // emit drops the options
}

TEST(Ipv4Repr, RecognisesFragments) {
  auto first = syn_packet();
  store_be16(&first[6], 0x2000);  // MF, offset 0
  refresh_checksum(first);
  const auto a = Ipv4Repr::parse(first);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->more_fragments);
  EXPECT_FALSE(a->dont_fragment);
  EXPECT_TRUE(a->is_fragment());

  auto last = syn_packet();
  store_be16(&last[6], 0x00b9);  // offset 185 * 8 bytes, no MF
  refresh_checksum(last);
  const auto b = Ipv4Repr::parse(last);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->fragment_offset, 185);
  EXPECT_TRUE(b->is_fragment());

  std::array<std::uint8_t, 20> out{};
  b->emit_header(out);
  EXPECT_EQ(load_be16(&out[6]), 0x00b9);
}

TEST(Ipv4Repr, Truncated) {
  const auto p = syn_packet();
  EXPECT_EQ(parse_failure(std::span(p).first(19)), (ParseError{Errc::Truncated, 0, "ipv4.header"}));
}

TEST(Ipv4Repr, BadVersion) {
  auto p = syn_packet();
  p[0] = 0x65;
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadVersion);
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.field, "ipv4.version");
}

TEST(Ipv4Repr, BadHeaderLengthBelowFive) {
  auto p = syn_packet();
  p[0] = 0x44;
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadHeaderLength);
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.field, "ipv4.ihl");
}

TEST(Ipv4Repr, BadHeaderLengthPastThePacket) {
  auto p = syn_packet();
  p.resize(24);
  p[0] = 0x47;  // 28 bytes of header in a 24-byte packet
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadHeaderLength);
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.field, "ipv4.ihl");
}

TEST(Ipv4Repr, BadTotalLengthShorterThanHeader) {
  auto p = syn_packet();
  store_be16(&p[2], 19);
  refresh_checksum(p);
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadTotalLength);
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.field, "ipv4.total_length");
}

TEST(Ipv4Repr, BadTotalLengthPastThePacket) {
  auto p = syn_packet();
  p.resize(59);
  const auto e = parse_failure(p);
  EXPECT_EQ(e.code, Errc::BadTotalLength);
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.field, "ipv4.total_length");
}

TEST(Ipv4Repr, BadChecksum) {
  auto p = syn_packet();
  p[8] = 63;  // TTL changed, checksum not
  const auto e = parse_failure(p);
  EXPECT_EQ(e, (ParseError{Errc::BadChecksum, 10, "ipv4.checksum"}));
  EXPECT_EQ(e.message(), "ipv4.checksum: bad checksum at byte 10");
  // The caller may waive the check (e.g. a capture with checksum offload).
  const auto lenient = Ipv4Repr::parse(p, false);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->ttl, 63);
}

}  // namespace
}  // namespace tcpsim::wire
