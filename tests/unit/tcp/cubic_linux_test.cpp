// CUBIC with Linux's arithmetic (net/ipv4/tcp_cubic.c, tcp_cong.c), every value worked
// out by hand from the kernel's formulas: windows in segments, the curve's time in
// 1/1024 s from jiffies (HZ = 1000), beta = 717/1024, C = 41/1024 over a 100 ms RTT.
#include <gtest/gtest.h>

#include <cstdint>

#include "stack/tcp/congestion/cubic_linux.hpp"
#include "stack/tcp/loss_recovery.hpp"

namespace tcpsim::tcp {
namespace {

using namespace linux_cubic;

constexpr std::uint32_t kMss = 1000;
constexpr Nanos kMs = kMillisecond;
constexpr Nanos kStart = 5 * kSecond;  // jiffy 5000

// ---- constants and pure steps ----

TEST(LinuxCubicMath, Constants_AsCubictcpRegisterComputesThem) {
  EXPECT_EQ(kCubeRttScale, 410u);  // 41 * 10
  // 8 * 1741 / 3 = 4642; 4642 / 307 = 15.
  EXPECT_EQ(kRenoScale, 15u);
  // 2^40 / 410 = 1099511627776 / 410 = 2681735677 (remainder 206).
  EXPECT_EQ(kCubeFactor, 2681735677u);
}

TEST(LinuxCubicMath, CubicRoot_IsTheIntegerFloor) {
  EXPECT_EQ(cubic_root(0), 0u);
  EXPECT_EQ(cubic_root(7), 1u);
  EXPECT_EQ(cubic_root(8), 2u);
  EXPECT_EQ(cubic_root(27), 3u);
  EXPECT_EQ(cubic_root(1000), 10u);
  EXPECT_EQ(cubic_root(999), 9u);
  // W_max - cwnd = 30 (a loss at 100): a = 2681735677 * 30 = 80452070310, whose cube root
  // is 4316.97: K = 4316 / 1024 s = 4.215 s.
  EXPECT_EQ(cubic_root(kCubeFactor * 30), 4316u);
  // The largest input K can see (2^64 - 1): 2642245^3 <= a < 2642246^3.
  EXPECT_EQ(cubic_root(~std::uint64_t{0}), 2642245u);
}

TEST(LinuxCubicMath, SsthreshAfterLoss_717Of1024_AtLeastTwo) {
  EXPECT_EQ(ssthresh_after_loss(100), 70u);    // 71700 / 1024 = 70.02
  EXPECT_EQ(ssthresh_after_loss(1000), 700u);  // 717000 / 1024 = 700.2
  EXPECT_EQ(ssthresh_after_loss(10), 7u);      // 7170 / 1024 = 7.002
  EXPECT_EQ(ssthresh_after_loss(3), 2u);       // 2151 / 1024 = 2.1
  EXPECT_EQ(ssthresh_after_loss(2), 2u);       // 1434 / 1024 = 1, raised to 2
  // Where 717/1024 and 0.7 part: 1437 * 0.7 = 1005.9, but 1437 * 717 / 1024 = 1006.2.
  EXPECT_EQ(ssthresh_after_loss(1437), 1006u);
}

TEST(LinuxCubicMath, WMaxAfterLoss_FastConvergenceBelowTheLastMax) {
  EXPECT_EQ(w_max_after_loss(90, 100), 76u);  // 90 * 1741 / 2048 = 76.5
  EXPECT_EQ(w_max_after_loss(120, 100), 120u);
  EXPECT_EQ(w_max_after_loss(100, 0), 100u);
}

TEST(LinuxCubicMath, UsecsToJiffies_RoundsUp) {
  EXPECT_EQ(usecs_to_jiffies(0), 0u);
  EXPECT_EQ(usecs_to_jiffies(1), 1u);
  EXPECT_EQ(usecs_to_jiffies(1500), 2u);
  EXPECT_EQ(usecs_to_jiffies(100000), 100u);
}

TEST(LinuxCubicMath, SlowStart_CountsSegments_LeftoverPastSsthresh) {
  std::uint32_t cwnd = 10;
  EXPECT_EQ(slow_start(cwnd, kInfiniteSsthresh, 3), 0u);
  EXPECT_EQ(cwnd, 13u);  // a stretch ACK of three segments: +3, no 2*SMSS cap
  cwnd = 68;
  EXPECT_EQ(slow_start(cwnd, 70, 5), 3u);  // two take cwnd to ssthresh, three are left
  EXPECT_EQ(cwnd, 70u);
}

TEST(LinuxCubicMath, CongAvoidAi_OneSegmentPerWAcked) {
  std::uint32_t cwnd = 70;
  std::uint32_t cnt = 0;
  for (int i = 0; i < 69; ++i) cong_avoid_ai(cwnd, cnt, 70, 1);
  EXPECT_EQ(cwnd, 70u);
  EXPECT_EQ(cnt, 69u);
  cong_avoid_ai(cwnd, cnt, 70, 1);
  EXPECT_EQ(cwnd, 71u);
  EXPECT_EQ(cnt, 0u);
  // A stretch ACK of 5 at w = 2: two segments, one credit left.
  cong_avoid_ai(cwnd, cnt, 2, 5);
  EXPECT_EQ(cwnd, 73u);
  EXPECT_EQ(cnt, 1u);
  // Credit earned at a larger w gives one segment, then counting starts again.
  cnt = 50;
  cong_avoid_ai(cwnd, cnt, 20, 1);
  EXPECT_EQ(cwnd, 74u);
  EXPECT_EQ(cnt, 1u);
}

// ---- bictcp_update: cnt at points on the curve ----

// The curve's state right after a loss at 100 segments: W_max = 100, no epoch.
Curve after_loss_at_100() {
  Curve c;
  c.last_max_cwnd = 100;
  return c;
}

TEST(LinuxCubicCurve, FirstUpdateAfterLoss_SetsKAndCnt) {
  Curve c = after_loss_at_100();
  update(c, 5000, 70, 1);
  EXPECT_TRUE(c.epoch_started);
  EXPECT_EQ(c.epoch_start, 5000u);
  EXPECT_EQ(c.k, 4316u);
  EXPECT_EQ(c.origin_point, 100u);
  EXPECT_EQ(c.tcp_cwnd, 70u);
  EXPECT_EQ(c.ack_cnt, 1u);
  // t = 0: 410 * 4316^3 >> 40 = 32963108863360 / 2^40 = 29.98 -> 29; target 100 - 29 = 71;
  // cnt = 70 / (71 - 70) = 70.
  EXPECT_EQ(c.cnt, 70u);
}

TEST(LinuxCubicCurve, MinimumRttAhead_ReadsTheCurveLater) {
  Curve c = after_loss_at_100();
  c.delay_min_us = 100000;  // 100 jiffies
  update(c, 5000, 70, 1);
  // t = 100 * 1024 / 1000 = 102; 410 * 4214^3 >> 40 = 27.9 -> 27; target 73;
  // cnt = 70 / 3 = 23.
  EXPECT_EQ(c.cnt, 23u);
}

TEST(LinuxCubicCurve, OneSecondIntoTheEpoch_ConcaveClimb) {
  Curve c = after_loss_at_100();
  update(c, 5000, 70, 1);
  update(c, 6000, 70, 1);
  // t = 1024; 4316 - 1024 = 3292; 410 * 3292^3 >> 40 = 13.3 -> 13; target 87;
  // cnt = 70 / 17 = 4.
  EXPECT_EQ(c.cnt, 4u);
}

// An epoch that started at jiffy 0 with W_max = 100 and K = 4316, now at `cwnd`.
Curve epoch_with_k(std::uint32_t cwnd) {
  Curve c;
  c.last_max_cwnd = 100;
  c.origin_point = 100;
  c.k = 4316;
  c.epoch_started = true;
  c.tcp_cwnd = cwnd;
  c.last_cwnd = cwnd;
  return c;
}

TEST(LinuxCubicCurve, OneSecondPastK_StillFlat_VerySmallIncrement) {
  Curve c = epoch_with_k(100);
  // Jiffy 5215: t = 5215 * 1024 / 1000 = 5340 = K + 1024; 410 * 1024^3 >> 40 = 0.4 -> 0;
  // target 100, not above cwnd: cnt = 100 * 100.
  update(c, 5215, 100, 1);
  EXPECT_EQ(c.cnt, 10000u);
}

TEST(LinuxCubicCurve, TwoAndThreeSecondsPastK_ConvexGrowth) {
  Curve c = epoch_with_k(100);
  // Jiffy 6215: t = 6364 = K + 2048; 410 * 2048^3 >> 40 = 3.2 -> 3; target 103;
  // cnt = 100 / 3 = 33.
  update(c, 6215, 100, 1);
  EXPECT_EQ(c.cnt, 33u);
  // Jiffy 7215: t = 7388 = K + 3072; 410 * 3072^3 >> 40 = 10.8 -> 10; target 110;
  // cnt = 100 / 10 = 10.
  update(c, 7215, 100, 1);
  EXPECT_EQ(c.cnt, 10u);
}

TEST(LinuxCubicCurve, FriendlyRegion_RenoAhead_CntFollowsReno) {
  Curve c = after_loss_at_100();
  update(c, 5000, 70, 1);  // cnt 70, ack_cnt 1
  // 300 more segments 32 jiffies later: the curve gives target 71 (cnt 70), but the Reno
  // estimate gains one per 70 * 15 >> 3 = 131 segments: 301 -> 170 -> 39, tcp_cwnd 72.
  // Reno is 2 ahead: cnt = 70 / 2 = 35.
  update(c, 5032, 70, 300);
  EXPECT_EQ(c.tcp_cwnd, 72u);
  EXPECT_EQ(c.ack_cnt, 39u);
  EXPECT_EQ(c.cnt, 35u);
}

TEST(LinuxCubicCurve, SameJiffyOrSameCwndWithin31Jiffies_CntKept) {
  Curve c = after_loss_at_100();
  update(c, 5000, 70, 1);
  c.cnt = 55;  // whatever it was
  // A new cwnd within the same jiffy: the curve is not read again (at most once per
  // jiffy); the Reno part and the floor of 2 leave 55.
  update(c, 5000, 71, 1);
  EXPECT_EQ(c.cnt, 55u);
  EXPECT_EQ(c.last_cwnd, 70u);
  // The cwnd of the last reading, at most HZ / 32 = 31 jiffies later: nothing at all.
  update(c, 5031, 70, 1);
  EXPECT_EQ(c.cnt, 55u);
  EXPECT_EQ(c.ack_cnt, 3u);  // the segments still count towards the Reno estimate
}

TEST(LinuxCubicCurve, NoLossYet_AtLeastFivePercentPerRtt) {
  Curve c;  // last_max_cwnd = 0: K = 0 at the current window
  update(c, 1000, 50, 1);
  EXPECT_EQ(c.k, 0u);
  EXPECT_EQ(c.origin_point, 50u);
  EXPECT_EQ(c.cnt, 20u);  // 100 * 50 capped at 20
}

// ---- LinuxCubic on virtual time ----

LinuxCubic linux_after_loss_at_100() {
  LinuxCubic cc(kMss, 100 * kMss);
  cc.on_congestion_event(kStart, 100 * kMss);
  return cc;
}

TEST(LinuxCubic, CongestionEvent_HundredSegments_ReducesToSeventy) {
  LinuxCubic cc = linux_after_loss_at_100();
  EXPECT_EQ(cc.ssthresh(), 70 * kMss);
  EXPECT_EQ(cc.cwnd(), 70 * kMss);
  EXPECT_EQ(cc.curve().last_max_cwnd, 100u);
  EXPECT_FALSE(cc.curve().epoch_started);
  EXPECT_FALSE(cc.in_slow_start());
}

TEST(LinuxCubic, SlowStart_StretchAck_CountsEverySegment) {
  LinuxCubic cc(kMss, 10 * kMss);
  EXPECT_EQ(cc.ssthresh(), 0x7fffffffu);
  cc.on_ack(kStart, 3 * kMss, 7 * kMss, 0);
  EXPECT_EQ(cc.cwnd_segments(), 13u);
  cc.on_ack(kStart, 500, 7 * kMss, 0);  // a short segment counts as one
  EXPECT_EQ(cc.cwnd_segments(), 14u);
  EXPECT_FALSE(cc.curve().epoch_started);
}

TEST(LinuxCubic, SeventyAcksAfterLoss_GrowOneSegment) {
  LinuxCubic cc = linux_after_loss_at_100();
  // Seventy ACKs of one segment within 31 ms: cnt = 70 from the first, kept by the rest.
  for (int i = 0; i < 69; ++i) cc.on_ack(kStart + i * 450 * kMicrosecond, kMss, 0, 100 * kMs);
  EXPECT_EQ(cc.cwnd_segments(), 70u);
  EXPECT_EQ(cc.cwnd_cnt(), 69u);
  EXPECT_EQ(cc.curve().cnt, 70u);
  cc.on_ack(kStart + 31 * kMs, kMss, 0, 100 * kMs);
  EXPECT_EQ(cc.cwnd_segments(), 71u);
  EXPECT_EQ(cc.cwnd_cnt(), 0u);
}

TEST(LinuxCubic, Rto_OneSegment_CurveForgotten_SsthreshAsOnALoss) {
  LinuxCubic cc(kMss, 100 * kMss);
  cc.on_rto(kStart, 100 * kMss);
  EXPECT_EQ(cc.cwnd_segments(), 1u);
  EXPECT_EQ(cc.ssthresh_segments(), 70u);
  EXPECT_EQ(cc.curve().last_max_cwnd, 0u);  // bictcp_reset on TCP_CA_Loss
  // Slow start to 68, then an ACK of five: two reach ssthresh, three go to the curve,
  // which starts with K = 0 at 70 and, with no W_max, cnt 20.
  Nanos t = kStart + kSecond;
  while (cc.cwnd_segments() < 68) cc.on_ack(t, kMss, 0, 100 * kMs);
  cc.on_ack(t, 5 * kMss, 0, 100 * kMs);
  EXPECT_EQ(cc.cwnd_segments(), 70u);
  EXPECT_EQ(cc.curve().k, 0u);
  EXPECT_EQ(cc.curve().cnt, 20u);
  EXPECT_EQ(cc.cwnd_cnt(), 3u);
}

TEST(LinuxCubic, RepeatedRto_HoldsSsthresh) {
  LinuxCubic cc(kMss, 100 * kMss);
  cc.on_rto(kStart, 100 * kMss);
  cc.on_rto(kStart + 2 * kSecond, 100 * kMss);
  EXPECT_EQ(cc.ssthresh_segments(), 70u);
  EXPECT_EQ(cc.cwnd_segments(), 1u);
}

TEST(LinuxCubic, RecoveryExit_CwndIsSsthresh_ThenTheAckGrowsIt) {
  // tcp_end_cwnd_reduction: ssthresh whatever the flight; the ACK's one newly delivered
  // segment then starts the curve (cnt 70 at 70).
  LinuxCubic cc = linux_after_loss_at_100();
  EXPECT_EQ(cc.on_recovery_exit(kStart + kSecond, 0, kMss), 70 * kMss);
  EXPECT_TRUE(cc.curve().epoch_started);
  EXPECT_EQ(cc.curve().cnt, 70u);
  EXPECT_EQ(cc.cwnd_cnt(), 1u);
}

TEST(LinuxCubic, IdleSender_EpochMovesOnByTheIdleTime) {
  LinuxCubic cc = linux_after_loss_at_100();
  cc.on_packet_sent(kStart, kMss, 70 * kMss);
  cc.on_ack(kStart + 100 * kMs, kMss, 0, 100 * kMs);  // epoch starts at jiffy 5100
  ASSERT_EQ(cc.curve().epoch_start, 5100u);
  cc.on_packet_sent(kStart + 110 * kMs, kMss, 70 * kMss);  // more in flight: no event
  EXPECT_EQ(cc.curve().epoch_start, 5100u);
  // Nothing in flight for a second, then data again: cubictcp_cwnd_event moves the epoch
  // by the 1000 jiffies since the last data sent.
  cc.on_packet_sent(kStart + 1110 * kMs, kMss, kMss);
  EXPECT_EQ(cc.curve().epoch_start, 6100u);
}

TEST(LinuxCubic, RttSamples_MinimumKept_ExceptInTheFirstSecondOfAnEpoch) {
  LinuxCubic cc = linux_after_loss_at_100();
  cc.on_rtt_sample(kStart, 80 * kMs, SeqNum(1), SeqNum(1));
  EXPECT_EQ(cc.curve().delay_min_us, 80000u);
  cc.on_ack(kStart, kMss, 0, 80 * kMs);  // epoch starts at jiffy 5000
  cc.on_rtt_sample(kStart + 999 * kMs, 50 * kMs, SeqNum(1), SeqNum(1));
  EXPECT_EQ(cc.curve().delay_min_us, 80000u);  // discarded: right after a recovery
  cc.on_rtt_sample(kStart + 1000 * kMs, 50 * kMs, SeqNum(1), SeqNum(1));
  EXPECT_EQ(cc.curve().delay_min_us, 50000u);
}

TEST(LinuxCubic, Factory_LinuxRule_BuildsLinuxCubic) {
  auto cc = make_congestion_control(CongestionAlgorithm::Cubic, kMss, 10 * kMss, false,
                                    CongestionRule::Linux);
  EXPECT_EQ(cc->name(), "cubic");
  EXPECT_NE(dynamic_cast<LinuxCubic*>(cc.get()), nullptr);
  auto rfc = make_congestion_control(CongestionAlgorithm::Cubic, kMss, 10 * kMss);
  EXPECT_EQ(dynamic_cast<LinuxCubic*>(rfc.get()), nullptr);
}

TEST(LinuxCubic, LossRecovery_ThirdDuplicateAck_CutsTo717Of1024) {
  LossRecovery r;
  // Without SACK each duplicate ACK stands for a segment delivered; the third reaches the
  // reordering degree.
  r.start({.algo = CongestionAlgorithm::Cubic,
           .sack = false,
           .mss = kMss,
           .initial_window = 20 * kMss,
           .congestion_rule = CongestionRule::Linux});
  SendSpace s{SeqNum(1), SeqNum(20001), SeqNum(1), SeqNum(20001)};
  for (int i = 0; i < 3; ++i) r.on_duplicate_ack(kStart, s, 20 * kMss, kMss);
  EXPECT_TRUE(r.in_recovery());
  EXPECT_EQ(r.ssthresh(), 14 * kMss);  // 20 * 717 / 1024 = 14.004
  // The window is not cut at once: PRR lowers it ACK by ACK (tcp_init_cwnd_reduction).
  EXPECT_EQ(r.cwnd(), 20 * kMss);
  EXPECT_EQ(r.prr().prior_cwnd(), 20u);
  EXPECT_EQ(r.prr().ssthresh(), 14u);
}

}  // namespace
}  // namespace tcpsim::tcp
