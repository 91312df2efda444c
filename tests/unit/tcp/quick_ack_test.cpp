// Linux's receiver ACK engine (QuickAck) and cwnd-usage tracking (CwndUsage) on their own:
// quick-ACK counts from the window and the receive MSS, the ATO's adaptation, ping-pong
// mode, and when an application-limited sender may grow its window.
#include <gtest/gtest.h>

#include "stack/tcp/cwnd_usage.hpp"
#include "stack/tcp/quick_ack.hpp"

namespace tcpsim::tcp {
namespace {

constexpr Nanos kRto = 300 * kMillisecond;

TEST(QuickAck, FirstData_StartsQuickAckFromHalfTheWindow) {
  QuickAck q(16);
  q.start(0, 1460, 1000, 65535);
  EXPECT_EQ(q.rcv_mss(), 536u);  // tcp_initialize_rcv_mss: TCP_MSS_DEFAULT
  EXPECT_FALSE(q.active());
  // 10000 / (2 * 1000) = 5 quick ACKs.
  q.on_data(kMillisecond, 1000, 1460, 10000, kRto);
  EXPECT_EQ(q.rcv_mss(), 1000u);
  EXPECT_EQ(q.quick(), 5u);
  EXPECT_EQ(q.ato(), QuickAck::kAtoMin);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(q.active());
    q.on_ack_sent(true);
  }
  EXPECT_FALSE(q.active());
}

TEST(QuickAck, Enter_AfterDuplicateData_QuickAgainNotInteractiveAtoAtFloor) {
  QuickAck q(16);
  q.on_data(0, 1000, 1460, 4000, kRto);  // 2 quick ACKs
  q.on_ack_sent(true);
  q.on_ack_sent(true);
  q.on_data_sent(kMillisecond);  // a reply within the ATO: interactive
  q.on_delack_timer(kRto);       // (a missed ACK, ping-pong ends, ATO at its floor)
  q.on_data_sent(2 * kMillisecond);
  q.on_data(100 * kMillisecond, 1000, 1460, 4000, kRto);
  ASSERT_TRUE(q.pingpong());
  EXPECT_FALSE(q.active());
  q.enter(10000);  // 10000 / 2000: 5
  EXPECT_FALSE(q.pingpong());
  EXPECT_TRUE(q.active());
  EXPECT_EQ(q.quick(), 5u);
  EXPECT_EQ(q.ato(), QuickAck::kAtoMin);
  QuickAck off(0);
  off.enter(10000);
  EXPECT_FALSE(off.active());
}

TEST(QuickAck, LargeWindow_CappedAtMaxQuickacks_SmallWindow_TwoAtLeast) {
  QuickAck big(16);
  big.on_data(0, 1000, 1460, 1 << 20, kRto);
  EXPECT_EQ(big.quick(), 16u);
  QuickAck small(16);
  small.on_data(0, 1000, 1460, 1500, kRto);
  EXPECT_EQ(small.quick(), 2u);
  QuickAck off(0);
  off.on_data(0, 1000, 1460, 1 << 20, kRto);
  EXPECT_FALSE(off.active());
  EXPECT_EQ(off.delack_timeout(0), QuickAck::kAtoMin);
}

TEST(QuickAck, AckNotOwed_DoesNotUseAQuickAck) {
  QuickAck q(16);
  q.on_data(0, 1000, 1460, 4000, kRto);  // 2
  q.on_ack_sent(false);
  EXPECT_EQ(q.quick(), 2u);
}

TEST(QuickAck, Ato_DoublesOnTimer_BoundedByRttAndRto) {
  QuickAck q(16);
  q.on_data(0, 1000, 1460, 4000, kRto);
  q.on_ack_sent(true);
  q.on_ack_sent(true);  // quick-ACK mode over: the ATO is back at 40 ms
  EXPECT_EQ(q.delack_timeout(100 * kMillisecond), 40 * kMillisecond);
  q.on_delack_timer(kRto);
  EXPECT_EQ(q.ato(), 80 * kMillisecond);
  EXPECT_EQ(q.delack_timeout(100 * kMillisecond), 80 * kMillisecond);
  EXPECT_EQ(q.delack_timeout(50 * kMillisecond), 50 * kMillisecond);  // under the RTT
  q.on_delack_timer(kRto);
  q.on_delack_timer(kRto);
  EXPECT_EQ(q.ato(), kRto);                                    // at most the RTO
  EXPECT_EQ(q.delack_timeout(kSecond), QuickAck::kDelackMax);  // at most 200 ms
}

TEST(QuickAck, Ato_FollowsTheGapBetweenArrivals) {
  QuickAck q(16);
  q.on_data(0, 1000, 1460, 4000, kRto);
  q.on_delack_timer(kRto);  // 80 ms
  // A gap of 10 ms (at most 20): ato/2 + 20 ms.
  q.on_data(10 * kMillisecond, 1000, 1460, 4000, kRto);
  EXPECT_EQ(q.ato(), 60 * kMillisecond);
  // A gap of 30 ms, under the ATO: ato/2 + gap.
  q.on_data(40 * kMillisecond, 1000, 1460, 4000, kRto);
  EXPECT_EQ(q.ato(), 60 * kMillisecond);
}

TEST(QuickAck, PauseLongerThanRto_StartsQuickAckAgain) {
  QuickAck q(16);
  q.on_data(0, 1000, 1460, 1 << 20, kRto);
  for (int i = 0; i < 16; ++i) q.on_ack_sent(true);
  EXPECT_FALSE(q.active());
  q.on_data(kSecond, 1000, 1460, 1 << 20, kRto);
  EXPECT_TRUE(q.active());
}

TEST(QuickAck, ReplyWithinAto_IsPingPong_TimerEndsIt) {
  QuickAck q(16);
  q.on_data(0, 1000, 1460, 1 << 20, kRto);
  q.on_data_sent(10 * kMillisecond);
  EXPECT_TRUE(q.pingpong());
  EXPECT_FALSE(q.active());  // interactive: ACKs are delayed again
  q.on_delack_timer(kRto);
  EXPECT_FALSE(q.pingpong());
  EXPECT_EQ(q.ato(), QuickAck::kAtoMin);
}

TEST(QuickAck, SmallSegments_TwoAlikeWithoutPushSetTheEstimate) {
  QuickAck q(16);
  q.start(0, 1460, 1460, 65535);
  SegmentShape plain{20, 20, false};
  // 200 bytes, no PSH: full-sized by the look of it, but only the second of that size
  // sets the estimate (tcp_measure_rcv_mss); the first counts as a short one.
  q.on_data(kMillisecond, 200, 1460, 65535, kRto, plain);
  EXPECT_EQ(q.rcv_mss(), 536u);
  EXPECT_TRUE(q.read_acks_push());
  q.on_ack_sent(true);
  q.on_data(2 * kMillisecond, 200, 1460, 65535, kRto, plain);
  EXPECT_EQ(q.rcv_mss(), 200u);
  EXPECT_FALSE(q.read_acks_push());
  // With timestamps, the option is not part of the estimate.
  QuickAck t(16);
  t.start(0, 1460, 1460, 65535);
  SegmentShape ts{32, 32, false};
  t.on_data(kMillisecond, 300, 1460, 65535, kRto, ts);
  t.on_data(2 * kMillisecond, 300, 1460, 65535, kRto, ts);
  EXPECT_EQ(t.rcv_mss(), 300u);
}

TEST(QuickAck, SmallPushedSegment_ReadSendsTheAckUntilOneGoes) {
  QuickAck q(16);
  q.start(0, 1460, 1460, 65535);
  SegmentShape pushed{20, 20, true};
  q.on_data(kMillisecond, 100, 1460, 65535, kRto, pushed);
  EXPECT_EQ(q.rcv_mss(), 536u);  // a pushed segment may be short on purpose
  EXPECT_TRUE(q.read_acks_push());
  q.on_ack_sent(true);
  EXPECT_FALSE(q.read_acks_push());
  // Interactive: one pushed segment is not enough, two are (ICSK_ACK_PUSHED2).
  q.on_data_sent(kMillisecond);
  ASSERT_TRUE(q.pingpong());
  q.on_data(2 * kMillisecond, 100, 1460, 65535, kRto, pushed);
  EXPECT_FALSE(q.read_acks_push());
  q.on_data(3 * kMillisecond, 100, 1460, 65535, kRto, pushed);
  EXPECT_TRUE(q.read_acks_push());
}

TEST(CwndUsage, FullFlight_IsLimited) {
  CwndUsage u;
  u.on_sent(SeqNum(1), SeqNum(1001), 1, false);
  EXPECT_FALSE(u.cwnd_limited(10, false));
  u.on_sent(SeqNum(1), SeqNum(10001), 10, true);
  EXPECT_TRUE(u.cwnd_limited(10, false));
}

TEST(CwndUsage, SlowStart_GrowsToTwiceTheLargestFlight) {
  CwndUsage u;
  u.on_sent(SeqNum(1), SeqNum(1001), 1, false);
  u.on_sent(SeqNum(1), SeqNum(2001), 2, false);
  EXPECT_EQ(u.max_packets_out(), 2u);
  EXPECT_FALSE(u.cwnd_limited(10, true));  // 10 is not under 4
  for (std::uint32_t n = 3; n <= 6; ++n) u.on_sent(SeqNum(1), SeqNum(1 + 1000 * n), n, false);
  EXPECT_TRUE(u.cwnd_limited(11, true));
  EXPECT_FALSE(u.cwnd_limited(12, true));
  EXPECT_FALSE(u.cwnd_limited(11, false));  // congestion avoidance needs a full window
}

TEST(CwndUsage, LimitedSticks_UntilTheWindowIsAcknowledged) {
  CwndUsage u;
  u.on_sent(SeqNum(1), SeqNum(10001), 10, true);
  u.on_sent(SeqNum(5001), SeqNum(11001), 6, false);  // SND.UNA still below 10001
  EXPECT_TRUE(u.cwnd_limited(10, false));
  u.on_sent(SeqNum(10001), SeqNum(11001), 1, false);  // the next window
  EXPECT_FALSE(u.cwnd_limited(10, false));
}

}  // namespace
}  // namespace tcpsim::tcp
