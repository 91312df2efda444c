// Congestion-control algorithms on their own, fed with ACKs and losses on virtual time:
// Reno window arithmetic (RFC 5681, RFC 3465) and CUBIC (RFC 9438), whose curve maths is
// checked against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "stack/tcp/config.hpp"
#include "stack/tcp/congestion/cubic.hpp"
#include "stack/tcp/congestion/reno.hpp"
#include "stack/tcp/loss_recovery.hpp"

namespace tcpsim::tcp {
namespace {

// A round MSS keeps the byte arithmetic readable: 100 segments are 100000 bytes.
constexpr std::uint32_t kMss = 1000;
constexpr Nanos kStart = 1 * kSecond;

double segments(std::uint32_t bytes) {
  return static_cast<double>(bytes) / kMss;
}

// One round trip of a window-limited sender: cwnd/MSS ACKs of one segment each, spread
// evenly over `rtt`, the window read at the start of the round as a sender would.
void ack_one_round(CongestionControl& cc, Nanos& now, Nanos rtt) {
  std::uint32_t n = cc.cwnd() / kMss;
  for (std::uint32_t i = 1; i <= n; ++i) cc.on_ack(now + rtt * i / n, kMss, cc.cwnd(), rtt);
  now += rtt;
}

// ---- Reno (RFC 5681 §3.1, RFC 3465 §2) ----

TEST(Reno, SlowStart_AckOfOneSegment_GrowsByOneMss) {
  Reno cc("reno", kMss, 10 * kMss);
  EXPECT_TRUE(cc.in_slow_start());
  cc.on_ack(kStart, kMss, 9 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 11 * kMss);
}

TEST(Reno, SlowStart_StretchAck_GrowthCappedAtTwoMss) {
  // RFC 3465 §2.2 with L = 2*SMSS: an ACK for three segments still adds only two, and a
  // partial segment adds exactly what it covers.
  Reno cc("reno", kMss, 10 * kMss);
  cc.on_ack(kStart, 3 * kMss, 7 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 12 * kMss);
  cc.on_ack(kStart, 500, 7 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 12 * kMss + 500);
}

TEST(Reno, CongestionAvoidance_FullWindowAcked_GrowsByOneMss) {
  Reno cc("reno", kMss, 20 * kMss);
  EXPECT_EQ(cc.on_congestion_event(kStart, 20 * kMss), 10 * kMss);  // ssthresh = cwnd
  ASSERT_FALSE(cc.in_slow_start());
  // RFC 3465 §2.1: nine segments' worth is not yet a window of 10000 bytes.
  for (int i = 0; i < 9; ++i) cc.on_ack(kStart, kMss, 10 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 10 * kMss);
  cc.on_ack(kStart, kMss, 10 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 11 * kMss);
  // The next step needs a full 11000 bytes.
  for (int i = 0; i < 10; ++i) cc.on_ack(kStart, kMss, 11 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 11 * kMss);
  cc.on_ack(kStart, kMss, 11 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 12 * kMss);
}

TEST(Reno, CongestionEvent_LargeFlight_SsthreshIsHalfTheFlight) {
  // RFC 5681 §3.2 (4): ssthresh = max(FlightSize / 2, 2*SMSS) = 30000 / 2.
  Reno cc("newreno", kMss, 40 * kMss);
  cc.on_congestion_event(kStart, 30 * kMss);
  EXPECT_EQ(cc.ssthresh(), 15 * kMss);
  EXPECT_EQ(cc.cwnd(), 15 * kMss);
}

TEST(Reno, CongestionEvent_SmallFlight_SsthreshFloorsAtTwoMss) {
  Reno cc("newreno", kMss, 10 * kMss);
  cc.on_congestion_event(kStart, 3 * kMss);  // 3000 / 2 = 1500 < 2000
  EXPECT_EQ(cc.ssthresh(), 2 * kMss);
}

TEST(Reno, Rto_AnyWindow_CollapsesToOneMss) {
  // RFC 5681 §3.1: ssthresh from equation (4), cwnd = loss window = 1 SMSS.
  Reno cc("reno", kMss, 50 * kMss);
  cc.on_rto(kStart, 40 * kMss);
  EXPECT_EQ(cc.cwnd(), kMss);
  EXPECT_EQ(cc.ssthresh(), 20 * kMss);
  EXPECT_TRUE(cc.in_slow_start());
}

// ---- an ECN echo and a loss in the same window (RFC 3168 §6.1.2) ----

// SND.UNA 1, SND.MAX 20001: twenty segments out.
SendSpace twenty_out(std::uint32_t una = 1) {
  return SendSpace{SeqNum(una), SeqNum(20001), SeqNum(una), SeqNum(20001)};
}

TEST(RenoLinux, SlowStart_CountsEverySegment_LeftoverGoesToCongestionAvoidance) {
  Reno r("newreno", kMss, 10 * kMss, true);
  // tcp_slow_start: one ACK of ten segments, no 2-segment cap.
  EXPECT_EQ(r.on_ack(kStart, 10 * kMss, 0, 0), 20 * kMss);
  // A short segment counts as one (bytes round up).
  EXPECT_EQ(r.on_ack(kStart, kMss / 2, 0, 0), 21 * kMss);
}

TEST(RenoLinux, Loss_SsthreshIsHalfCwnd_NotHalfTheFlight) {
  Reno r("newreno", kMss, 20 * kMss, true);
  // tcp_reno_ssthresh: max(cwnd >> 1, 2), whatever the flight.
  EXPECT_EQ(r.on_congestion_event(kStart, 4 * kMss), 10 * kMss);
  EXPECT_EQ(r.ssthresh(), 10 * kMss);
  // A timeout in the same episode keeps it; cwnd is one segment.
  EXPECT_EQ(r.on_rto(kStart, 10 * kMss), kMss);
  EXPECT_EQ(r.ssthresh(), 10 * kMss);
  // Slow start up to ssthresh, the rest to tcp_cong_avoid_ai at w = 10: one ACK of 20
  // segments: 1 -> 10 uses 9, the 11 left add one segment (and 1 is carried).
  EXPECT_EQ(r.on_ack(kStart, 20 * kMss, 0, 0), 11 * kMss);
  // The next timeout is a new episode: ssthresh = 11 / 2 = 5.
  r.on_rto(kStart, 11 * kMss);
  EXPECT_EQ(r.ssthresh(), 5 * kMss);
  Reno small("newreno", kMss, 3 * kMss, true);
  small.on_congestion_event(kStart, 3 * kMss);
  EXPECT_EQ(small.ssthresh(), 2 * kMss);  // at least two segments
}

TEST(RenoLinux, CongestionAvoidance_OnePerCwnd_StretchAckAddsSeveral) {
  Reno r("newreno", kMss, 20 * kMss, true);
  r.on_congestion_event(kStart, 20 * kMss);  // ssthresh = cwnd = 10
  EXPECT_EQ(r.on_recovery_exit(kStart, 10 * kMss, 0), 10 * kMss);
  EXPECT_EQ(r.on_ack(kStart, 9 * kMss, 0, 0), 10 * kMss);
  EXPECT_EQ(r.on_ack(kStart, kMss, 0, 0), 11 * kMss);
  // 22 segments at w = 11: two more at once.
  EXPECT_EQ(r.on_ack(kStart, 22 * kMss, 0, 0), 13 * kMss);
}

TEST(LossRecovery, EcnEcho_HalvesWithoutRecoveryOrRetransmission) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = true,
           .mss = kMss,
           .initial_window = 20 * kMss});
  r.on_ecn_echo(kStart, twenty_out(), 20 * kMss);
  EXPECT_EQ(r.ssthresh(), 10 * kMss);
  EXPECT_EQ(r.cwnd(), 10 * kMss);
  EXPECT_FALSE(r.in_recovery());
  EXPECT_FALSE(r.take_retransmit_due());
}

TEST(LossRecovery, ReplaceController_GoesOnFromTheOldWindowAndThreshold) {
  // TCP_CONGESTION on a running connection (tcp_reinit_congestion_control): cwnd and
  // ssthresh are the connection's, not the algorithm's; the new one starts from them.
  for (CongestionRule rule : {CongestionRule::Rfc, CongestionRule::Linux}) {
    LossRecovery r;
    r.start({.algo = CongestionAlgorithm::Reno,
             .sack = true,
             .mss = kMss,
             .initial_window = 20 * kMss,
             .congestion_rule = rule});
    r.on_ecn_echo(kStart, twenty_out(), 20 * kMss);
    // (Linux keeps the window through the reduction, PRR bringing it down ACK by ACK.)
    std::uint32_t cwnd = r.cwnd();
    ASSERT_EQ(r.ssthresh(), 10 * kMss);
    r.replace_controller(CongestionAlgorithm::Cubic, true, rule);
    EXPECT_EQ(r.cwnd(), cwnd);
    EXPECT_EQ(r.ssthresh(), 10 * kMss);
    r.replace_controller(CongestionAlgorithm::NewReno, false, rule);
    EXPECT_EQ(r.cwnd(), cwnd);
    EXPECT_EQ(r.ssthresh(), 10 * kMss);
  }
  // No threshold yet: none after, and the new controller is in slow start.
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::Cubic,
           .sack = true,
           .mss = kMss,
           .initial_window = 10 * kMss,
           .hystart = true,
           .congestion_rule = CongestionRule::Linux});
  std::uint32_t before = r.ssthresh();
  r.replace_controller(CongestionAlgorithm::Reno, false, CongestionRule::Linux);
  EXPECT_EQ(r.ssthresh(), before);
  EXPECT_EQ(r.cwnd(), 10 * kMss);
}

TEST(LossRecovery, LossInTheWindowAnEchoReduced_RepairedWithoutSecondReduction) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = true,
           .mss = kMss,
           .initial_window = 20 * kMss});
  r.on_ecn_echo(kStart, twenty_out(), 20 * kMss);
  for (int i = 0; i < 3; ++i) r.on_duplicate_ack(kStart, twenty_out(), 20 * kMss, kMss);
  EXPECT_TRUE(r.in_recovery());
  EXPECT_TRUE(r.take_retransmit_due());
  EXPECT_EQ(r.ssthresh(), 10 * kMss);
}

TEST(LossRecovery, LossAfterTheEchoedWindow_ReducesAgain) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = true,
           .mss = kMss,
           .initial_window = 20 * kMss});
  r.on_ecn_echo(kStart, twenty_out(), 20 * kMss);
  SendSpace later{SeqNum(20001 + kMss), SeqNum(40001), SeqNum(20001 + kMss), SeqNum(40001)};
  for (int i = 0; i < 3; ++i) r.on_duplicate_ack(kStart, later, 16 * kMss, kMss);
  EXPECT_TRUE(r.in_recovery());
  EXPECT_EQ(r.ssthresh(), 8 * kMss);
}

// ---- the factory and the setting ----

TEST(CongestionFactory, EachAlgorithm_BuildsItsNamedImplementation) {
  auto reno = make_congestion_control(CongestionAlgorithm::Reno, kMss, 10 * kMss);
  auto newreno = make_congestion_control(CongestionAlgorithm::NewReno, kMss, 10 * kMss);
  auto cubic = make_congestion_control(CongestionAlgorithm::Cubic, kMss, 10 * kMss);
  EXPECT_EQ(reno->name(), "reno");
  EXPECT_EQ(newreno->name(), "newreno");
  EXPECT_EQ(cubic->name(), "cubic");
  EXPECT_EQ(cubic->cwnd(), 10 * kMss);
  EXPECT_TRUE(cubic->in_slow_start());
}

TEST(CongestionConfig, ParseCubic_AcceptedAndRoundTrips) {
  auto a = parse_congestion_algorithm("cubic");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, CongestionAlgorithm::Cubic);
  EXPECT_EQ(to_string(*a), "cubic");
  EXPECT_FALSE(parse_congestion_algorithm("vegas").has_value());
}

// ---- CUBIC curve maths (RFC 9438 §4.2-4.7), W_max = 100 segments ----

// K = cbrt(W_max * (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) = cbrt(75).
// 4.2^3 = 74.088 and 4.22^3 = 75.151, so K lies between; K = 4.21716 s.
constexpr double kK100 = 4.21716;

TEST(CubicMath, K_WmaxHundred_IsCubeRootOf75) {
  using namespace cubic_math;
  EXPECT_NEAR(k(100, kBeta, kC), kK100, 1e-4);
  // The general form from the epoch's window gives the same: (100 - 70) / 0.4 = 75.
  EXPECT_NEAR(k_from_epoch(100, 70, kC), kK100, 1e-4);
  // Starting at or above the old maximum there is nothing to climb back to.
  EXPECT_EQ(k_from_epoch(100, 120, kC), 0.0);
}

TEST(CubicMath, WCubic_AtEpochStart_IsBetaTimesWmax) {
  // 0.4 * (0 - K)^3 + 100 = -0.4 * 75 + 100 = 70 = 0.7 * W_max.
  EXPECT_NEAR(cubic_math::w_cubic(0, kK100, 100, cubic_math::kC), 70.0, 1e-3);
}

TEST(CubicMath, WCubic_AtK_IsWmax) {
  EXPECT_NEAR(cubic_math::w_cubic(kK100, kK100, 100, cubic_math::kC), 100.0, 1e-9);
}

TEST(CubicMath, WCubic_OneSecondPastK_IsWmaxPlusC) {
  // 0.4 * 1^3 + 100 = 100.4.
  EXPECT_NEAR(cubic_math::w_cubic(kK100 + 1, kK100, 100, cubic_math::kC), 100.4, 1e-9);
}

TEST(CubicMath, WCubic_AtTwoSeconds_IsOnTheConcaveSide) {
  // 2 - 4.21716 = -2.21716; squared 4.91580; cubed -10.89916; times 0.4 -4.35966;
  // plus 100 = 95.6403.
  EXPECT_NEAR(cubic_math::w_cubic(2, kK100, 100, cubic_math::kC), 95.6403, 1e-3);
}

TEST(CubicMath, Alpha_BetaSevenTenths_IsNineSeventeenths) {
  // 3 * (1 - 0.7) / (1 + 0.7) = 0.9 / 1.7 = 0.529412.
  EXPECT_NEAR(cubic_math::alpha(cubic_math::kBeta), 0.529412, 1e-6);
}

TEST(CubicMath, WEst_OneWindowAcked_AddsAlpha) {
  const double a = 0.529412;
  // A whole window (70 of 70 segments) adds alpha; one segment adds alpha / 70.
  EXPECT_NEAR(cubic_math::w_est(70, a, 70, 70), 70.529412, 1e-6);
  EXPECT_NEAR(cubic_math::w_est(70, a, 1, 70), 70.0075630, 1e-6);
}

TEST(CubicMath, Target_OutsideRange_ClampedToCwndAndOneAndAHalfCwnd) {
  EXPECT_EQ(cubic_math::target(50, 70), 70.0);    // curve below cwnd: no growth
  EXPECT_EQ(cubic_math::target(80, 70), 80.0);    // within range: the curve itself
  EXPECT_EQ(cubic_math::target(200, 70), 105.0);  // 1.5 * 70
}

TEST(CubicMath, WMaxAfterLoss_BelowPreviousMax_ReleasesBandwidth) {
  using namespace cubic_math;
  // Fast convergence: 90 * (1 + 0.7) / 2 = 90 * 0.85 = 76.5.
  EXPECT_NEAR(w_max_after_loss(90, 100, kBeta), 76.5, 1e-9);
  // A loss at or above the old maximum just records the new one.
  EXPECT_EQ(w_max_after_loss(120, 100, kBeta), 120.0);
}

// ---- CUBIC on virtual time ----

// A CUBIC sender that has just left recovery from a loss at 100 segments:
// W_max = 100, ssthresh = cwnd = 70 segments.
Cubic cubic_after_loss_at_100() {
  Cubic cc(kMss, 100 * kMss);
  cc.on_congestion_event(kStart, 100 * kMss);
  return cc;
}

TEST(Cubic, SlowStart_StretchAck_ByteCountingCappedAtTwoMss) {
  Cubic cc(kMss, 10 * kMss);
  cc.on_ack(kStart, kMss, 9 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 11 * kMss);
  cc.on_ack(kStart, 3 * kMss, 8 * kMss, 0);
  EXPECT_EQ(cc.cwnd(), 13 * kMss);
  EXPECT_FALSE(cc.epoch_started());
}

TEST(Cubic, CongestionEvent_HundredSegments_ReducesToSeventy) {
  Cubic cc = cubic_after_loss_at_100();
  EXPECT_EQ(cc.ssthresh(), 70 * kMss);  // 100000 * 0.7
  EXPECT_EQ(cc.cwnd(), 70 * kMss);
  EXPECT_DOUBLE_EQ(cc.w_max_segments(), 100.0);
  EXPECT_FALSE(cc.in_slow_start());
  EXPECT_FALSE(cc.epoch_started());  // the curve starts with the next ACK
}

TEST(Cubic, CongestionEvent_TinyWindow_SsthreshFloorsAtTwoMss) {
  Cubic cc(kMss, 2 * kMss);
  cc.on_congestion_event(kStart, 2 * kMss);  // 2000 * 0.7 = 1400 < 2000
  EXPECT_EQ(cc.ssthresh(), 2 * kMss);
}

TEST(Cubic, FirstAckAfterLoss_StartsEpochWithK) {
  Cubic cc = cubic_after_loss_at_100();
  cc.on_ack(kStart + 5 * kSecond, kMss, 70 * kMss, 100 * kMillisecond);
  EXPECT_TRUE(cc.epoch_started());
  EXPECT_NEAR(cc.k_seconds(), kK100, 1e-4);
  // W_est began at the epoch's 70 segments and gained alpha / 70 for the one segment.
  EXPECT_NEAR(cc.w_est_segments(), 70.0075630, 1e-6);
}

// Acknowledges a segment every 10 ms, starting `from` after the start, until the window
// reaches `segments`; returns the time of the last ACK.
Nanos regrow(Cubic& cc, Nanos from, std::uint32_t segments) {
  Nanos t = kStart + from;
  for (int i = 0; cc.cwnd() < segments * kMss; ++i, t += 10 * kMillisecond) {
    if (i > 100000) {
      ADD_FAILURE() << "the window never reached " << segments << " segments";
      break;
    }
    cc.on_ack(t, kMss, cc.cwnd(), 100 * kMillisecond);
  }
  return t;
}

TEST(Cubic, SecondLossBelowWmax_FastConvergenceLowersWmax) {
  Cubic cc = cubic_after_loss_at_100();
  // The window regrows along the curve to 90 segments, short of W_max = 100.
  Nanos t = regrow(cc, kSecond, 90);
  double cw = static_cast<double>(cc.cwnd()) / kMss;
  ASSERT_GE(cw, 90.0);
  ASSERT_LT(cw, 100.0);
  std::uint32_t window = cc.cwnd();
  std::uint32_t answered = cc.on_congestion_event(t, window);
  EXPECT_EQ(answered, cc.cwnd());
  // §4.7: W_max = cwnd * (1 + 0.7) / 2, below the window the loss struck; ssthresh =
  // cwnd * 0.7.
  EXPECT_NEAR(cc.w_max_segments(), cw * 0.85, 1e-9);
  EXPECT_LT(cc.w_max_segments(), cw);
  auto reduced = static_cast<std::uint32_t>(std::llround(window * 0.7));
  EXPECT_EQ(cc.ssthresh(), reduced);
  EXPECT_EQ(cc.cwnd(), reduced);
  // The next curve climbs from the reduced window back to the lowered W_max.
  cc.on_ack(t + kSecond, kMss, reduced, 100 * kMillisecond);
  double w_epoch = static_cast<double>(reduced) / kMss;
  EXPECT_NEAR(cc.k_seconds(), std::cbrt((cw * 0.85 - w_epoch) / 0.4), 1e-9);
}

TEST(Cubic, SecondLossAboveWmax_RecordsNewMax) {
  Cubic cc = cubic_after_loss_at_100();
  Nanos t = regrow(cc, kSecond, 110);  // past W_max = 100: the convex region
  std::uint32_t window = cc.cwnd();
  cc.on_congestion_event(t, window);
  EXPECT_DOUBLE_EQ(cc.w_max_segments(), static_cast<double>(window) / kMss);
  EXPECT_EQ(cc.ssthresh(), static_cast<std::uint32_t>(std::llround(window * 0.7)));
}

TEST(Cubic, ShortRtt_RenoFriendlyRegion_FollowsWEst) {
  // At a 1 ms RTT the curve barely moves in 20 ms: W_cubic(0.02) = 0.4 * (0.02 - 4.21716)^3
  // + 100 = 0.4 * -73.94 + 100 = 70.42. Reno's estimate gains alpha per RTT:
  // 70 + 20 * 0.5294 = 80.59 (a little less, since cwnd grows within each round).
  Cubic cc = cubic_after_loss_at_100();
  const Nanos rtt = 1 * kMillisecond;
  Nanos now = kStart;
  for (int round = 0; round < 20; ++round) ack_one_round(cc, now, rtt);
  double w = segments(cc.cwnd());
  EXPECT_NEAR(w, 80.59, 0.5);
  EXPECT_NEAR(w, cc.w_est_segments(), 0.01);  // cwnd is W_est, to the byte
  EXPECT_GT(w, cubic_math::w_cubic(0.02, cc.k_seconds(), 100, cubic_math::kC) + 9);
}

TEST(Cubic, TenSecondsOfAcks_PlateausAtWmaxNearKThenGrowsConvex) {
  // At a 100 ms RTT the curve dominates: 10 s of rounds after a loss at 100 segments.
  Cubic cc = cubic_after_loss_at_100();
  const Nanos rtt = 100 * kMillisecond;
  Nanos now = kStart;
  std::vector<double> w;  // cwnd in segments at the end of each round (every 100 ms)
  w.push_back(segments(cc.cwnd()));
  for (int round = 0; round < 100; ++round) {
    ack_one_round(cc, now, rtt);
    w.push_back(segments(cc.cwnd()));
  }
  // w[i] is the window i * 100 ms into the epoch; K = 4.217 s lies at round 42.
  for (std::size_t i = 0; i <= 42; ++i) EXPECT_LE(w[i], 100.5) << "round " << i;
  EXPECT_NEAR(w[42], 100.0, 1.0);
  // Concave: the first second gains much more than the second before K (3.2 s to 4.2 s,
  // where W_cubic moves only 0.4 * (1.017^3 - 0.017^3) = 0.42 segment).
  double first_second = w[10] - w[0];
  double second_before_k = w[42] - w[32];
  EXPECT_GT(first_second, 10.0);
  EXPECT_LT(second_before_k, 1.0);
  // Convex: past K growth accelerates, and the last second gains more than the first.
  EXPECT_GT(w[100] - w[90], first_second);
  // W_cubic(10) = 0.4 * (10 - 4.21716)^3 + 100 = 0.4 * 5.78284^3 + 100
  //             = 0.4 * 193.385 + 100 = 177.35.
  EXPECT_NEAR(w[100], 177.35, 177.35 * 0.02);
}

TEST(Cubic, Rto_CollapsesToOneMssAndRestartsTheCurve) {
  Cubic cc(kMss, 100 * kMss);
  cc.on_rto(kStart, 100 * kMss);
  EXPECT_EQ(cc.cwnd(), kMss);
  EXPECT_EQ(cc.ssthresh(), 70 * kMss);  // as on a loss: 100000 * 0.7
  EXPECT_TRUE(cc.in_slow_start());
  EXPECT_FALSE(cc.epoch_started());
  // Slow start back to ssthresh, then RFC 9438 §4.8: K = 0 and W_max is the window at
  // the start of congestion avoidance, so the curve grows convex from there.
  Nanos now = kStart + kSecond;
  while (cc.in_slow_start()) cc.on_ack(now, kMss, cc.cwnd(), 100 * kMillisecond);
  cc.on_ack(now, kMss, cc.cwnd(), 100 * kMillisecond);
  EXPECT_TRUE(cc.epoch_started());
  EXPECT_EQ(cc.k_seconds(), 0.0);
  EXPECT_DOUBLE_EQ(cc.w_max_segments(), 70.0);
}

TEST(Cubic, RecoveryExit_FullAck_WindowIsSsthreshOrFlightPlusOne) {
  // RFC 6582 §3.2 (3): min(ssthresh, max(FlightSize, SMSS) + SMSS).
  Cubic cc = cubic_after_loss_at_100();
  EXPECT_EQ(cc.on_recovery_exit(kStart + kSecond, 90 * kMss, 0), 70 * kMss);
  Cubic small = cubic_after_loss_at_100();
  EXPECT_EQ(small.on_recovery_exit(kStart + kSecond, 5 * kMss, 0), 6 * kMss);
  EXPECT_EQ(small.cwnd(), 6 * kMss);
  Reno reno("newreno", kMss, 20 * kMss);
  reno.on_congestion_event(kStart, 20 * kMss);
  EXPECT_EQ(reno.on_recovery_exit(kStart, 0, 0), 2 * kMss);  // flight 0: one SMSS plus one
}

TEST(Cubic, RepeatedRto_WithoutProgress_HoldsSsthresh) {
  // RFC 5681 §3.1: a second timeout for the same segment leaves ssthresh alone.
  Cubic cc(kMss, 100 * kMss);
  cc.on_rto(kStart, 100 * kMss);
  cc.on_rto(kStart + 2 * kSecond, 100 * kMss);
  EXPECT_EQ(cc.ssthresh(), 70 * kMss);
  EXPECT_EQ(cc.cwnd(), kMss);
}

TEST(Cubic, RtoDuringFastRecovery_KeepsTheLossReduction) {
  // Recovery's inflation lives outside the controller; a timeout during recovery finds
  // the window it set at the loss.
  Cubic cc = cubic_after_loss_at_100();
  EXPECT_EQ(cc.on_rto(kStart + kSecond, 100 * kMss), kMss);
  EXPECT_EQ(cc.ssthresh(), 70 * kMss);
  EXPECT_EQ(cc.cwnd(), kMss);
}

}  // namespace
}  // namespace tcpsim::tcp
