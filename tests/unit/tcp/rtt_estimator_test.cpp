// The RTO rules of RttEstimator: RFC 6298's and FreeBSD's (tcp_var.h TCP_REXMTVAL,
// tcp_timer.h TCPT_RANGESET with net.inet.tcp.rexmit_slop, tcp_timer.c tcp_backoff[]),
// with the values worked out by hand.
#include <gtest/gtest.h>

#include "stack/tcp/rtt_estimator.hpp"

namespace tcpsim::tcp {
namespace {

constexpr Nanos kMs = kMillisecond;

RttEstimator freebsd() {
  return RttEstimator(1000 * kMs, 30 * kMs, 64 * kSecond, RtoRule::FreeBsd, 200 * kMs);
}

TEST(RttEstimator, Rfc6298_FirstSampleThenDoubling) {
  RttEstimator r(1000 * kMs, 200 * kMs, 120 * kSecond);
  r.sample(100 * kMs);  // 100 + 4 * 50
  EXPECT_EQ(r.rto(), 300 * kMs);
  r.back_off();
  EXPECT_EQ(r.rto(), 600 * kMs);
  r.back_off();
  EXPECT_EQ(r.rto(), 1200 * kMs);
}

TEST(RttEstimator, FreeBsd_BeforeASample_InitialTimesBackoffPlusSlop) {
  RttEstimator r = freebsd();
  EXPECT_EQ(r.rto(), 1000 * kMs);  // t_rxtcur = rexmit_initial, no slop
  r.back_off();
  EXPECT_EQ(r.rto(), 2200 * kMs);  // 1 s * 2 + 200 ms
  r.back_off();
  EXPECT_EQ(r.rto(), 4200 * kMs);
  for (int i = 0; i < 4; ++i) r.back_off();
  EXPECT_EQ(r.rto(), 64 * kSecond);  // 1 s * 64 + 200 ms, clamped to TCPTV_REXMTMAX
}

TEST(RttEstimator, FreeBsd_SampleAddsSlopAndBackoffMultipliesTheBase) {
  RttEstimator r = freebsd();
  r.sample(100 * kMs);
  EXPECT_EQ(r.rto(), 500 * kMs);  // max(30, 100 + 4 * 50) + 200
  r.back_off();
  EXPECT_EQ(r.rto(), 800 * kMs);  // 300 * 2 + 200, not 500 * 2
  r.back_off();
  EXPECT_EQ(r.rto(), 1400 * kMs);
}

TEST(RttEstimator, FreeBsd_FloorIsRexmitMin) {
  RttEstimator r(1000 * kMs, 30 * kMs, 64 * kSecond, RtoRule::FreeBsd, 0);
  r.sample(5 * kMs);  // 5 + 4 * 2.5 = 15 ms, raised to t_rttmin
  EXPECT_EQ(r.rto(), 30 * kMs);
}

TEST(RttEstimator, FreeBsd_AfterMoreThanThreeBackoffsASampleStartsAfresh) {
  RttEstimator r = freebsd();
  r.sample(100 * kMs);
  for (int i = 0; i < 4; ++i) r.back_off();  // t_rxtshift 4 > TCP_RTT_INVALIDATE
  r.sample(400 * kMs);
  EXPECT_EQ(r.srtt(), 400 * kMs);
  EXPECT_EQ(r.rttvar(), 200 * kMs);
  EXPECT_EQ(r.rto(), 1400 * kMs);  // 400 + 800 + 200
}

TEST(RttEstimator, FreeBsd_ResetBackoff_BackToTheInitialOrTheEstimate) {
  RttEstimator r = freebsd();
  r.back_off();
  r.back_off();
  r.reset_backoff();  // syncache_add: a duplicate SYN, sc_rxmits = 0
  EXPECT_EQ(r.rto(), 1000 * kMs);
  EXPECT_EQ(r.backoff(), 0);
  r.sample(100 * kMs);
  r.back_off();
  r.reset_backoff();
  EXPECT_EQ(r.rto(), 500 * kMs);
}

// Linux (tcp_input.c tcp_rtt_estimator, tcp_set_rto): worked in microseconds as the
// kernel keeps them: srtt_us = 8·SRTT, mdev_us = 4·deviation, rttvar_us the round trip's
// largest mdev_us (at least tcp_rto_min), RTO = SRTT + rttvar_us rounded up to 1 ms.
RttEstimator linux_rule() {
  return RttEstimator(1000 * kMs, 200 * kMs, 120 * kSecond, RtoRule::Linux);
}

TEST(RttEstimator, Linux_FirstSampleHasTheMinimumRtoAboveSrtt) {
  RttEstimator r = linux_rule();
  r.sample(100 * kMs, SeqNum(1), SeqNum(1));
  EXPECT_EQ(r.rto(), 300 * kMs);  // 100 + max(2 * 100, 200)
  RttEstimator small = linux_rule();
  small.sample(10 * kMs, SeqNum(1), SeqNum(1));
  EXPECT_EQ(small.rto(), 210 * kMs);   // RFC 6298 would give max(10 + 20, 200) = 200
  EXPECT_EQ(small.rttvar(), 5 * kMs);  // tcpi_rttvar = mdev_us / 4
}

TEST(RttEstimator, Linux_RisingSampleRaisesRttvarAtOnce) {
  RttEstimator r = linux_rule();
  r.sample(100 * kMs, SeqNum(1), SeqNum(1));
  // 302 ms: error 202 ms; srtt_us 1 002 000 (125.25 ms); mdev_us 200 000 + 202 000 -
  // 50 000 = 352 000 > rttvar: RTO = 125 250 + 352 000 us, rounded up to 478 ms.
  r.sample(302 * kMs, SeqNum(11001), SeqNum(11001));
  EXPECT_EQ(r.srtt(), 125250 * kMicrosecond);
  EXPECT_EQ(r.rto(), 478 * kMs);
}

TEST(RttEstimator, Linux_FallingSampleMovesTheDeviationSlowlyAndRttvarDecaysPerRoundTrip) {
  RttEstimator r = linux_rule();
  r.sample(100 * kMs, SeqNum(1), SeqNum(1));
  r.sample(302 * kMs, SeqNum(11001), SeqNum(11001));
  // 100 ms: error -25 250; |error| - mdev/4 = 25 250 - 88 000 < 0, so mdev_us falls by
  // that whole amount (62 750) to 289 250; a new round trip (SND.UNA past rtt_seq):
  // rttvar_us 352 000 decays by (352 000 - 289 250) / 4 to 336 313. SRTT 122 093 us.
  r.sample(100 * kMs, SeqNum(13001), SeqNum(13001));
  EXPECT_EQ(r.srtt(), 122093 * kMicrosecond);
  EXPECT_EQ(r.rto(), 459 * kMs);  // 122 093 + 336 313 us
  // Within the same round trip (SND.UNA not past rtt_seq) rttvar holds.
  r.sample(100 * kMs, SeqNum(13001), SeqNum(14001));
  EXPECT_EQ(r.rto(), 456 * kMs);  // srtt 119 332 us + 336 313 us
}

TEST(RttEstimator, Linux_BackoffDoublesUpToTheMaximum) {
  RttEstimator r = linux_rule();
  r.sample(100 * kMs, SeqNum(1), SeqNum(1));
  r.back_off();
  EXPECT_EQ(r.rto(), 600 * kMs);
  for (int i = 0; i < 12; ++i) r.back_off();
  EXPECT_EQ(r.rto(), 120 * kSecond);
}

}  // namespace
}  // namespace tcpsim::tcp
