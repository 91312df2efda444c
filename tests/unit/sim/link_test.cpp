// Link timing, drop-tail queues, MTU and parameter validation.
#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim_test_util.hpp"

namespace tcpsim::sim {
namespace {

using test::Endpoint;
using test::frame_of_size;
using test::Pair;

LinkParams slow_link() {
  LinkParams p;
  p.rate_bps = 1'000'000;
  p.delay = 5 * kMillisecond;
  return p;
}

TEST(Link, SerializationTime_1500BytesAt1Mbps_Is12ms) {
  EXPECT_EQ(slow_link().serialization_time(1500), 12 * kMillisecond);
  LinkParams fast;
  fast.rate_bps = 3;
  EXPECT_EQ(fast.serialization_time(1), 2'666'666'667);  // rounded up
}

TEST(Link, SinglePacket_ArrivesAfterSerializationPlusDelay) {
  Pair p(slow_link());
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 1u);
  EXPECT_EQ(p.b->received[0].time, 17 * kMillisecond);
  EXPECT_EQ(p.b->received[0].hops, 1);
}

TEST(Link, BackToBackPackets_QueueBehindEachOther) {
  Pair p(slow_link());
  for (std::uint32_t i = 0; i < 3; ++i) p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500, i));
  EXPECT_EQ(p.ab().queue().length(), 2u);
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 3u);
  EXPECT_EQ(p.b->received[0].time, 17 * kMillisecond);
  EXPECT_EQ(p.b->received[1].time, 29 * kMillisecond);
  EXPECT_EQ(p.b->received[2].time, 41 * kMillisecond);
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ(p.b->received[i].seq, i);
}

TEST(Link, SendAfterIdle_StartsImmediately) {
  Pair p(slow_link());
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.sim.run_until(30 * kMillisecond);
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 2u);
  EXPECT_EQ(p.b->received[1].time, 47 * kMillisecond);
}

TEST(Link, SendExactlyWhenTransmitterFrees_NoGap) {
  Pair p(slow_link());
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.sim.schedule_at(12 * kMillisecond,
                    [&] { p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500)); });
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 2u);
  EXPECT_EQ(p.b->received[1].time, 29 * kMillisecond);
}

TEST(Link, Directions_AreIndependent) {
  Pair p(slow_link());
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.b->send(frame_of_size("10.0.0.2", "10.0.0.1", 1500));
  p.sim.run();
  ASSERT_EQ(p.a->received.size(), 1u);
  ASSERT_EQ(p.b->received.size(), 1u);
  EXPECT_EQ(p.a->received[0].time, 17 * kMillisecond);
  EXPECT_EQ(p.b->received[0].time, 17 * kMillisecond);
}

TEST(Link, DropTail_PacketLimit_DropsBeyondQueue) {
  LinkParams params = slow_link();
  params.queue_packets = 2;
  Pair p(params);
  for (std::uint32_t i = 0; i < 5; ++i) p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500, i));
  p.sim.run();
  // One on the wire, two waiting, two dropped: the last two sent.
  ASSERT_EQ(p.b->received.size(), 3u);
  EXPECT_EQ(p.b->received[2].seq, 2u);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::QueueFull), 2u);
  EXPECT_EQ(p.ab().queue().stats().max_packets, 2u);
}

TEST(Link, DropTail_ByteLimit_DropsWhenBytesWouldExceed) {
  LinkParams params = slow_link();
  params.queue_bytes = 3000;
  Pair p(params);
  for (std::uint32_t i = 0; i < 4; ++i) p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500, i));
  EXPECT_EQ(p.ab().queue().bytes(), 3000u);
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100, 9));  // 100 more bytes: over
  p.sim.run();
  EXPECT_EQ(p.b->received.size(), 3u);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::QueueFull), 2u);
}

// A frame whose IP header carries `ecn` in its two ECN bits, beside DSCP 0x28.
tcp::IpSegment frame_with_ecn(std::uint8_t ecn, std::uint32_t seq) {
  tcp::IpSegment s = frame_of_size("10.0.0.1", "10.0.0.2", 1500, seq);
  s.tos = static_cast<std::uint8_t>(0x28 | ecn);
  return s;
}

TEST(Link, EcnThreshold_EctPacketsThatFindKWaiting_AreMarkedCe) {
  LinkParams params = slow_link();
  params.queue_packets = 10;
  params.ecn_threshold = 2;
  Pair p(params);
  // The first goes on the wire at once; the others find 0, 1, 2, 3, 4 waiting.
  for (std::uint32_t i = 0; i < 6; ++i) p.a->send(frame_with_ecn(i % 2 == 0 ? 2 : 1, i));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 6u);
  const std::uint8_t want[] = {0x2a, 0x29, 0x2a, 0x2b, 0x2b, 0x2b};  // DSCP kept
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(p.b->received[i].tos, want[i]) << i;
  EXPECT_EQ(p.ab().stats().ce_marked, 3u);
  EXPECT_EQ(p.ab().stats().dropped_total(), 0u);
}

TEST(Link, EcnThreshold_NotEctPackets_AreQueuedAndDroppedAsBefore) {
  LinkParams params = slow_link();
  params.queue_packets = 2;
  params.ecn_threshold = 1;
  Pair p(params);
  for (std::uint32_t i = 0; i < 5; ++i) p.a->send(frame_with_ecn(0, i));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 3u);
  for (const auto& r : p.b->received) EXPECT_EQ(r.tos, 0x28);
  EXPECT_EQ(p.ab().stats().ce_marked, 0u);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::QueueFull), 2u);
}

TEST(Link, EcnThreshold_FullQueue_StillDropsEctPackets) {
  LinkParams params = slow_link();
  params.queue_packets = 2;
  params.ecn_threshold = 1;
  Pair p(params);
  for (std::uint32_t i = 0; i < 5; ++i) p.a->send(frame_with_ecn(2, i));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 3u);
  EXPECT_EQ(p.b->received[1].tos, 0x2a);  // found none waiting
  EXPECT_EQ(p.b->received[2].tos, 0x2b);  // found one
  EXPECT_EQ(p.ab().stats().ce_marked, 1u);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::QueueFull), 2u);
}

TEST(Link, EcnThreshold_Zero_MarksNothing) {
  LinkParams params = slow_link();
  Pair p(params);
  for (std::uint32_t i = 0; i < 4; ++i) p.a->send(frame_with_ecn(2, i));
  p.sim.run();
  for (const auto& r : p.b->received) EXPECT_EQ(r.tos, 0x2a);
  EXPECT_EQ(p.ab().stats().ce_marked, 0u);
}

TEST(Link, ZeroQueue_OnlyThePacketOnTheWireSurvives) {
  LinkParams params = slow_link();
  params.queue_packets = 0;
  Pair p(params);
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500));
  p.sim.run();
  EXPECT_EQ(p.b->received.size(), 1u);
}

TEST(Link, Mtu_LargerDatagramDropped_EqualPasses) {
  LinkParams params = slow_link();
  params.mtu = 1000;
  Pair p(params);
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1014, 1));  // IP datagram 1000: fits
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1015, 2));  // 1001: too big
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 1u);
  EXPECT_EQ(p.b->received[0].seq, 1u);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::Mtu), 1u);
}

TEST(Link, Packet_WireSizeCountsAllHeaders) {
  Packet v4(test::segment("10.0.0.1", "10.0.0.2", 0, 0, 100), 1);
  EXPECT_EQ(v4.wire_size(), 14u + 20 + 20 + 100);
  Packet v6(test::segment("2001:db8::1", "2001:db8::2", 0, 0, 100), 2);
  EXPECT_EQ(v6.wire_size(), 14u + 40 + 20 + 100);
  v6.ip.segment.header.options.add_mss(1440);
  EXPECT_EQ(v6.wire_size(), 14u + 40 + 24 + 100);
  EXPECT_EQ(v6.ip_size(), 40u + 24 + 100);
}

TEST(Link, Validate_ZeroRate_Refused) {
  LinkParams p;
  p.rate_bps = 0;
  Status s = p.validate("link A->B");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "link A->B: rate must be greater than 0 bps");
  EXPECT_EQ(s.error().code, Errc::OutOfRange);
}

TEST(Link, Validate_NegativeDelay_Refused) {
  LinkParams p;
  p.delay = -1;
  Status s = p.validate("link A->B");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "link A->B: delay must not be negative (got -1 ns)");
  EXPECT_EQ(s.error().code, Errc::OutOfRange);
}

TEST(Link, Validate_SmallMtu_Refused) {
  LinkParams p;
  p.mtu = 67;
  Status s = p.validate("link A->B");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "link A->B: mtu must be between 68 and 65535 bytes (got 67)");
  EXPECT_EQ(s.error().code, Errc::OutOfRange);
  p.mtu = 68;
  EXPECT_TRUE(p.validate("x"));
}

TEST(Link, Connect_InvalidParams_ThrowsWithLinkName) {
  Simulator sim;
  Network net(sim, 1);
  auto& a = net.add_node<Endpoint>("A");
  auto& b = net.add_node<Endpoint>("B");
  LinkParams good;
  LinkParams bad;
  bad.rate_bps = 0;
  try {
    net.connect(a, b, good, bad);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "link B->A: rate must be greater than 0 bps");
  }
  EXPECT_TRUE(net.links().empty());
}

TEST(Link, SetParams_Invalid_Throws) {
  Pair p(slow_link());
  LinkParams bad = slow_link();
  bad.mtu = 10;
  EXPECT_THROW(p.ab().set_params(bad), std::invalid_argument);
  EXPECT_EQ(p.ab().params().mtu, 1500u);
}

TEST(Network, AddNode_DuplicateName_Throws) {
  Simulator sim;
  Network net(sim, 1);
  net.add_node<Endpoint>("A");
  EXPECT_THROW(net.add_node<Endpoint>("A"), std::invalid_argument);
  EXPECT_THROW(net.add_node<Endpoint>(""), std::invalid_argument);
}

TEST(Network, Interfaces_GetSyntheticMacsAndNames) {
  Pair p(slow_link());
  EXPECT_EQ(p.a->interface(0).mac().to_string(), "02:00:00:00:01:00");
  EXPECT_EQ(p.b->interface(0).mac().to_string(), "02:00:00:00:02:00");
  EXPECT_EQ(p.a->interface(0).name(), "A:0");
  EXPECT_EQ(&p.a->interface(0).peer(), &p.b->interface(0));
  EXPECT_EQ(p.ab().name(), "A->B");
  EXPECT_EQ(p.link->name(), "A:0<->B:0");
  EXPECT_EQ(p.a->interface_to(*p.b), &p.a->interface(0));
}

TEST(Network, PacketIds_AreUniqueAndIncreasing) {
  Pair p(slow_link());
  std::uint64_t first = p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100));
  std::uint64_t second = p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100));
  EXPECT_LT(first, second);
}

}  // namespace
}  // namespace tcpsim::sim
