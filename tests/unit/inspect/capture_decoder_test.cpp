// Link layers and bad frames: what tcpdump -i any and other capture points write.
#include <gtest/gtest.h>

#include "tests/unit/inspect/inspect_fixture.hpp"

namespace tcpsim::sim::inspect {
namespace {

using testing::Capture;
using V = std::vector<std::string>;

class InspectLinkTypes : public ::testing::TestWithParam<int> {};

TEST_P(InspectLinkTypes, HandshakeFollowedOnEveryLinkType) {
  Capture c(GetParam());
  c.handshake();
  EXPECT_EQ(c.finish().segments.size(), 3U);
  EXPECT_EQ(c.states(c.b()), (V{"LISTEN->SYN-RECEIVED", "SYN-RECEIVED->ESTABLISHED"}));
}

INSTANTIATE_TEST_SUITE_P(Inspect, InspectLinkTypes,
                         ::testing::Values(linktype::kEthernet, linktype::kRaw, linktype::kRawBsd,
                                           linktype::kLinuxSll, linktype::kLinuxSll2));

TEST(InspectDecoder, Sll2Ipv6_Decoded) {
  Capture c(linktype::kLinuxSll2, /*v6=*/true);
  c.handshake();
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT", "SYN-SENT->ESTABLISHED"}));
}

TEST(InspectDecoder, ArpAndUdp_SkippedAndCounted) {
  Capture c;
  std::vector<std::uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  std::vector<std::uint8_t> udp = c.frame({});
  udp[14 + 9] = 17;  // IPv4 protocol: UDP
  c.raw(arp).raw(udp).handshake();
  const InspectResult& r = c.finish();
  EXPECT_EQ(r.frames_read, 5U);
  EXPECT_EQ(r.segments.size(), 3U);
  EXPECT_EQ(r.skipped.at("ARP"), 1U);
  EXPECT_EQ(r.skipped.at("UDP"), 1U);
  EXPECT_EQ(r.segments[0].frame, 3U);  // frame numbers count every frame
}

TEST(InspectDecoder, VlanTagged_Decoded) {
  Capture c;
  std::vector<std::uint8_t> f = c.frame({true, testing::f::kSyn, 1000, 0});
  std::vector<std::uint8_t> tag = {0x81, 0x00, 0x00, 0x0a};
  f.insert(f.begin() + 12, tag.begin(), tag.end());
  c.raw(f);
  EXPECT_EQ(c.states(c.a()), (V{"CLOSED->SYN-SENT"}));
}

TEST(InspectDecoder, CutFrame_MalformedAnomalyWithItsNumber) {
  Capture c;
  std::vector<std::uint8_t> f = c.frame({true, testing::f::kSyn, 1000, 0});
  f.resize(30);
  c.raw(f).handshake();
  const InspectResult& r = c.finish();
  EXPECT_EQ(r.malformed, 1U);
  EXPECT_EQ(c.anomalies().front(), "malformed@1");
  EXPECT_EQ(r.segments.size(), 3U);
}

TEST(InspectDecoder, BadChecksum_StillDecoded) {
  // Captured on the sending host, before the card fills the checksum in.
  Capture c;
  std::vector<std::uint8_t> f = c.frame({true, testing::f::kSyn, 1000, 0});
  f[14 + 20 + 16] ^= 0xff;
  c.raw(f);
  EXPECT_EQ(c.finish().segments.size(), 1U);
}

}  // namespace
}  // namespace tcpsim::sim::inspect
