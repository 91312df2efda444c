// How a connection ends under each TcpConfig::close_rules (config.hpp names the kernel
// functions): the abort's RST, close() with unread data, text after close(), and giving
// up after retransmissions or keep-alives.
#include <gtest/gtest.h>

#include <tcpsim/testing/testing.hpp>

namespace tcpsim::testing {
namespace {

using namespace tcpsim::tcp;

TcpConfig with_rules(CloseRules rules) {
  TcpConfig c = TestConnection::plain_config();
  c.close_rules = rules;
  return c;
}

TEST(CloseRules, Abort_RfcSendsBareRst) {
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::Rfc));
  tcb.conn->abort(tcb.now);
  EXPECT_SENT(tcb, "R 1:1(0) win 0");
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

TEST(CloseRules, Abort_LinuxRstCarriesAckAndWindow) {
  // tcp_send_active_reset: RST|ACK with the window tcp_select_window gives.
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::Linux));
  tcb.conn->abort(tcb.now);
  EXPECT_SENT(tcb, "R. 1:1(0) ack 1 win 65535");
}

TEST(CloseRules, Abort_FreeBsdRstCarriesAckAndZeroWindow) {
  // tcp_drop -> tcp_output in CLOSED: TH_RST|TH_ACK, "advertise a window of zero".
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::FreeBsd));
  tcb.conn->abort(tcb.now);
  EXPECT_SENT(tcb, "R. 1:1(0) ack 1 win 0");
}

TEST(CloseRules, AbortInLastAck_OnlyFreeBsdResets) {
  auto rfc = in_state(State::LastAck, Side::Client, with_rules(CloseRules::Rfc));
  rfc.conn->abort(rfc.now);
  EXPECT_NOTHING_SENT(rfc);
  EXPECT_THAT(rfc, IsInState(State::Closed));
  auto bsd = in_state(State::LastAck, Side::Client, with_rules(CloseRules::FreeBsd));
  bsd.conn->abort(bsd.now);
  EXPECT_SENT(bsd, "R. 2:2(0) ack 2 win 0");
}

TEST(CloseRules, CloseWithUnreadData_LinuxResets) {
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::Linux));
  tcb.peer.sends("P. 1:6(5) ack 1");
  tcb.drain();
  tcb.conn->close(tcb.now);
  EXPECT_SENT(tcb, "R. 1:1(0) ack 6 win 65530");
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

TEST(CloseRules, CloseWithUnreadData_FreeBsdDropsItAndSendsFin) {
  // tcp_disconnect: sbflush(&so->so_rcv), then tcp_usrclosed and a FIN.
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::FreeBsd));
  tcb.peer.sends("P. 1:6(5) ack 1");
  tcb.drain();
  tcb.conn->close(tcb.now);
  EXPECT_SENT(tcb, "F. 1:1(0) ack 6");
  EXPECT_THAT(tcb, IsInState(State::FinWait1));
}

TEST(CloseRules, HalfCloseWithUnreadData_KeepsTheDataUnderEveryProfile) {
  // shutdown(SHUT_WR) is no close(): the data stays readable and nothing is reset
  // (Linux tcp_shutdown, FreeBSD tcp_usr_shutdown).
  for (CloseRules rules : {CloseRules::Rfc, CloseRules::Linux, CloseRules::FreeBsd}) {
    auto tcb = in_state(State::Established, Side::Client, with_rules(rules));
    tcb.peer.sends("P. 1:6(5) ack 1");
    tcb.drain();
    tcb.conn->close(tcb.now, false);
    EXPECT_SENT(tcb, "F. 1:1(0) ack 6");
    tcb.peer.sends("P. 6:11(5) ack 2");
    EXPECT_THAT(tcb, IsInState(State::FinWait2));
    EXPECT_EQ(tcb.recv_app().size(), 10u);
  }
}

TEST(CloseRules, CloseWithUnreadDataInLastAck_LinuxResets) {
  // tcp_close sends the active reset whatever the state when data was never read.
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::Linux));
  tcb.peer.sends("P. 1:6(5) ack 1");
  tcb.peer.sends("F. 6:6(0) ack 1");
  tcb.drain();
  EXPECT_THAT(tcb, IsInState(State::CloseWait));
  tcb.conn->close(tcb.now, false);  // shutdown(SHUT_WR): LAST-ACK, the data still unread
  EXPECT_SENT(tcb, "F. 1:1(0) ack 7");
  EXPECT_THAT(tcb, IsInState(State::LastAck));
  tcb.conn->close(tcb.now);  // close(): unread data
  EXPECT_SENT(tcb, "R. 2:2(0) ack 7");
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

TEST(CloseRules, TextAfterClose_KernelsReset_RfcDropsIt) {
  for (CloseRules rules : {CloseRules::Linux, CloseRules::FreeBsd}) {
    auto tcb = in_state(State::Established, Side::Client, with_rules(rules));
    tcb.conn->close(tcb.now);
    tcb.conn->shutdown_read();  // what close() on the socket does
    EXPECT_SENT(tcb, "F. 1:1(0) ack 1");
    tcb.peer.sends("P. 1:11(10) ack 2");
    EXPECT_SENT(tcb, "R 2:2(0) win 0");
    EXPECT_THAT(tcb, IsInState(State::Closed));
  }
  auto rfc = in_state(State::Established, Side::Client, with_rules(CloseRules::Rfc));
  rfc.conn->close(rfc.now);
  rfc.conn->shutdown_read();
  EXPECT_SENT(rfc, "F. 1:1(0) ack 1");
  rfc.peer.sends("P. 1:11(10) ack 2");
  EXPECT_SENT(rfc, ". 2:2(0) ack 11");
  EXPECT_THAT(rfc, IsInState(State::FinWait2));
}

TEST(CloseRules, TextAfterClose_OldTextDoesNotReset) {
  auto tcb = in_state(State::Established, Side::Client, with_rules(CloseRules::Linux));
  tcb.peer.sends("P. 1:6(5) ack 1");
  tcb.drain();
  ASSERT_EQ(tcb.recv_app().size(), 5u);
  tcb.conn->close(tcb.now);
  tcb.conn->shutdown_read();
  tcb.drain();
  tcb.peer.sends("P. 1:6(5) ack 2");   // a retransmission of what was read
  EXPECT_SENT(tcb, ". 2:2(0) ack 6");  // an old duplicate: acknowledged, no reset
  EXPECT_THAT(tcb, IsInState(State::FinWait1));
}

TEST(CloseRules, RetransmissionsExhausted_OnlyFreeBsdResets) {
  for (CloseRules rules : {CloseRules::Rfc, CloseRules::Linux, CloseRules::FreeBsd}) {
    TcpConfig c = with_rules(rules);
    c.data_retries = 1;
    auto tcb = in_state(State::Established, Side::Client, c);
    tcb.send_app(100);
    EXPECT_SENT(tcb, "P. 1:101(100) ack 1");
    tcb.fire_next_timer();
    EXPECT_SENT(tcb, "P. 1:101(100) ack 1");
    tcb.fire_next_timer();
    if (rules == CloseRules::FreeBsd) {
      EXPECT_SENT(tcb, "R. 101:101(0) ack 1 win 0");
    } else {
      EXPECT_NOTHING_SENT(tcb);
    }
    EXPECT_THAT(tcb, IsInState(State::Closed));
  }
}

TEST(CloseRules, KeepalivesUnanswered_KernelsReset) {
  for (CloseRules rules : {CloseRules::Rfc, CloseRules::Linux}) {
    TcpConfig c = with_rules(rules);
    c.keepalive = true;
    c.keepalive_probes = 1;
    auto tcb = in_state(State::Established, Side::Client, c);
    tcb.fire_next_timer();
    EXPECT_SENT(tcb, ". 0:0(0) ack 1");
    tcb.fire_next_timer();
    if (rules == CloseRules::Linux) {
      EXPECT_SENT(tcb, "R. 1:1(0) ack 1 win 65535");
    } else {
      EXPECT_NOTHING_SENT(tcb);
    }
    EXPECT_THAT(tcb, IsInState(State::Closed));
  }
}

}  // namespace
}  // namespace tcpsim::testing
