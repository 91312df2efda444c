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

}  // namespace
}  // namespace tcpsim::tcp
