// The kernels' bound on FIN-WAIT-2 after close() (fin_wait2.hpp) under each FinWait2Rule.
#include <gtest/gtest.h>

#include "stack/tcp/fin_wait2.hpp"

namespace tcpsim::tcp {
namespace {

using Kind = FinWait2Step::Kind;

TcpConfig with_rule(FinWait2Rule rule) {
  TcpConfig c;
  c.fin_wait2_rule = rule;
  return c;
}

TEST(FinWait2Bound, None_WaitsForEver) {
  TcpConfig c = with_rule(FinWait2Rule::None);
  EXPECT_EQ(fin_wait2_enter(c, true, true, false, 300 * kMillisecond).kind, Kind::Wait);
  EXPECT_EQ(fin_wait2_enter(c, true, true, true, 300 * kMillisecond).kind, Kind::Wait);
}

TEST(FinWait2Bound, Linux_FinTimeoutAtLeastThreeAndAHalfRtos) {
  TcpConfig c = with_rule(FinWait2Rule::Linux);
  FinWait2Step st = fin_wait2_enter(c, true, true, false, 300 * kMillisecond);
  EXPECT_EQ(st.kind, Kind::Arm);
  EXPECT_EQ(st.after, 60 * kSecond);
  // A socket still open (shutdown(SHUT_WR) only) waits as RFC 9293 says.
  EXPECT_EQ(fin_wait2_enter(c, false, false, false, 300 * kMillisecond).kind, Kind::Wait);
  c.fin_timeout = 1 * kSecond;  // below 3.5 RTO of 2 s: 7 s
  EXPECT_EQ(fin_wait2_enter(c, true, true, false, 2 * kSecond).after, 7 * kSecond);
  c.linger2 = 20 * kSecond;  // TCP_LINGER2 takes the place of the sysctl
  EXPECT_EQ(fin_wait2_enter(c, true, true, false, 300 * kMillisecond).after, 20 * kSecond);
  EXPECT_EQ(fin_wait2_timeout(c, 0).kind, Kind::Close);
}

TEST(FinWait2Bound, Linux_PastTimeWaitLenTheExcessCountsTwice) {
  TcpConfig c = with_rule(FinWait2Rule::Linux);
  c.fin_timeout = 90 * kSecond;  // the keep-alive timer 30 s, then the time-wait socket 30 s
  EXPECT_EQ(fin_wait2_enter(c, true, true, false, 300 * kMillisecond).after, 60 * kSecond);
}

TEST(FinWait2Bound, Linux_NegativeLinger2SkipsFinWait2) {
  TcpConfig c = with_rule(FinWait2Rule::Linux);
  c.linger2 = -1;
  FinWait2Step reached = fin_wait2_enter(c, true, true, false, 300 * kMillisecond);
  EXPECT_EQ(reached.kind, Kind::Close);
  EXPECT_TRUE(reached.rst);  // tcp_done, and the ACK is answered with a reset
  FinWait2Step closed_in_it = fin_wait2_enter(c, true, true, true, 300 * kMillisecond);
  EXPECT_EQ(closed_in_it.kind, Kind::Close);
  EXPECT_TRUE(closed_in_it.rst);  // tcp_close: tcp_send_active_reset
}

TEST(FinWait2Bound, Linux_DataOrFinBeyondRcvNxtAfterCloseIsReset) {
  // tcp_rcv_state_process: "Receive out of order FIN after close()" (data too).
  TcpConfig c = with_rule(FinWait2Rule::Linux);
  FinWait2Step beyond = fin_wait2_enter(c, true, true, false, 300 * kMillisecond, true);
  EXPECT_EQ(beyond.kind, Kind::Close);
  EXPECT_TRUE(beyond.rst);
  // Only once the socket is closed (SOCK_DEAD); FreeBSD has no such rule.
  EXPECT_EQ(fin_wait2_enter(c, false, false, false, 300 * kMillisecond, true).kind, Kind::Wait);
  TcpConfig b = with_rule(FinWait2Rule::FreeBsd);
  EXPECT_EQ(fin_wait2_enter(b, true, true, false, 300 * kMillisecond, true).kind, Kind::Arm);
}

TEST(FinWait2Bound, FreeBsd_IdleForKeepaliveCountTimesInterval) {
  TcpConfig c = *TcpConfig::profile_named("freebsd");
  FinWait2Step st = fin_wait2_enter(c, true, true, false, 300 * kMillisecond);
  EXPECT_EQ(st.kind, Kind::Arm);
  EXPECT_EQ(st.after, 600 * kSecond);  // TP_MAXIDLE: 8 x 75 s
  // Reading shut is enough (SBS_CANTRCVMORE); an open socket waits.
  EXPECT_EQ(fin_wait2_enter(c, false, true, false, 300 * kMillisecond).kind, Kind::Arm);
  EXPECT_EQ(fin_wait2_enter(c, false, false, false, 300 * kMillisecond).kind, Kind::Wait);
  // The timer looks again after an interval while segments came lately.
  FinWait2Step again = fin_wait2_timeout(c, 600 * kSecond);
  EXPECT_EQ(again.kind, Kind::Arm);
  EXPECT_EQ(again.after, 75 * kSecond);
  EXPECT_EQ(fin_wait2_timeout(c, 601 * kSecond).kind, Kind::Close);
}

TEST(FinWait2Bound, FreeBsd_FastRecycleAfterFinwait2Timeout) {
  TcpConfig c = *TcpConfig::profile_named("freebsd");
  c.fast_finwait2_recycle = true;
  EXPECT_EQ(fin_wait2_enter(c, true, true, false, 300 * kMillisecond).after, 60 * kSecond);
  EXPECT_EQ(fin_wait2_timeout(c, 0).kind, Kind::Close);  // whatever came meanwhile
}

}  // namespace
}  // namespace tcpsim::tcp
