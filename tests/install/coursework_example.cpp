// Coursework example: tests of the TCP state machine written with tcpsim::testing.
//
// Each test starts from a connection brought to a state by a real exchange (client side:
// 10.0.0.1:40000 talking to 10.0.0.2:80), plays the peer with segments in the compact
// notation, relative sequence numbers, and checks what the connection sends and the state
// it ends in. Time is a number the test moves; nothing sleeps or touches a network.
// (docs/coursework.md walks through it.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tcpsim/sim/script/runner.hpp>
#include <tcpsim/testing/testing.hpp>

namespace {

using namespace tcpsim;
using namespace tcpsim::testing;
using tcp::DropReason;
using tcp::Errno;
using tcp::State;

TEST(Closed, ActiveOpen_SendsSynAndEntersSynSent) {
  auto tcb = closed();
  tcb.conn->open_active(tcb.now);
  EXPECT_SENT(tcb, "S 0:0(0) win 65535 <mss 1460>");  // MSS: 1500 - 20 (IPv4) - 20 (TCP)
  EXPECT_THAT(tcb, IsInState(State::SynSent));
}

TEST(SynSent, SynAck_IsAckedAndEstablishes) {
  auto tcb = syn_sent();
  tcb.peer.sends("S. 0:0(0) ack 1 win 65535 <mss 1460>");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");  // RFC 9293 §3.10.7.3
  EXPECT_THAT(tcb, IsInState(State::Established));
}

TEST(SynSent, RstWithAcceptableAck_RefusesTheConnection) {
  auto tcb = syn_sent();
  tcb.peer.sends("R. 0:0(0) ack 1");
  EXPECT_NOTHING_SENT(tcb);  // a RST is never answered
  EXPECT_THAT(tcb, IsInState(State::Closed));
  EXPECT_THAT(tcb, HasError(Errno::ConnRefused));
}

// docs/conformance.md row 3: SYN-SENT, `< . 0:0(0) ack 7`, sent `R 7:7(0)`, SYN-SENT.
TEST(SynSent, AckOfUnsentData_IsAnsweredWithRstAtSegAck) {
  auto tcb = syn_sent();
  tcb.peer.sends(". 0:0(0) ack 7");
  EXPECT_SENT(tcb, "R 7:7(0)");  // <SEQ=SEG.ACK><CTL=RST>
  EXPECT_THAT(tcb, IsInState(State::SynSent));
  EXPECT_THAT(tcb, DroppedBecause(DropReason::SynSentBadAck));
}

TEST(SynSent, NoAnswer_SynRetransmittedWithBackoff) {
  auto tcb = syn_sent();
  tcb.advance(1 * kSecond);  // RFC 6298 (2.1): 1 s before any RTT sample
  EXPECT_SENT(tcb, "S 0:0(0)");
  tcb.advance(2 * kSecond);  // (5.5): doubled
  EXPECT_SENT(tcb, "S 0:0(0)");
}

TEST(SynReceived, AckOfSynAck_Establishes) {
  auto tcb = syn_received(Side::Server);
  tcb.peer.sends(". 1:1(0) ack 1");
  EXPECT_NOTHING_SENT(tcb);
  EXPECT_THAT(tcb, IsInState(State::Established));
}

TEST(Established, DataInOrder_IsAckedAndDelivered) {
  auto tcb = established();
  tcb.peer.sends("P. 1:6(5) ack 1");
  EXPECT_SENT(tcb, ". 1:1(0) ack 6");
  EXPECT_EQ(tcb.recv_app(), "bcdef");  // injected payload bytes are 'a' + offset
}

TEST(Established, OutOfWindowData_IsAckedAndDropped) {
  auto tcb = established();
  tcb.peer.sends("P. 100001:100005(4) ack 1");  // beyond the 65535-byte window
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");           // RCV.NXT did not move
  EXPECT_THAT(tcb, DroppedBecause(DropReason::Unacceptable));
}

TEST(TimeWait, RetransmittedFin_IsAckedAndRestarts2Msl) {
  auto tcb = time_wait();
  tcb.advance(10 * kSecond);
  tcb.peer.sends("F. 1:1(0) ack 2");  // our last ACK was lost
  EXPECT_SENT(tcb, ". 2:2(0) ack 2");
  tcb.advance(2 * tcb.cfg.msl - 1);
  EXPECT_THAT(tcb, IsInState(State::TimeWait));
  tcb.advance(1);
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

// The same kind of test written as a packetdrill-style script (docs/scripts.md), run
// in-process by the installed library.
TEST(Script, PassiveOpenThenPeerCloses) {
  auto r = tcpsim::sim::script::run_script_text(R"(
`sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0`
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1460,nop,wscale 0>
+0    > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>
+.1   < . 1:1(0) ack 1 win 65535
+0    accept(3, ..., ...) = 4
+0    < F. 1:1(0) ack 1 win 65535
+0    > . 1:1(0) ack 2
+0    %{ assert tcpi_state == TCP_CLOSE_WAIT }%
)");
  EXPECT_TRUE(r.passed()) << r.report();
}

// A script file named relative to this source file, found wherever the test runs from.
TEST(Script, FileBesideTheTest) {
  using namespace tcpsim::sim::script;
  auto r = run_script_file("passive_open.pkt", ScriptOptions::beside(__FILE__));
  EXPECT_TRUE(r.passed()) << r.report();
}

TEST(Script, AWrongExpectationFailsWithTheLine) {
  auto r = tcpsim::sim::script::run_script_text(R"(
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 65535 <mss 1460>
+0    > S. 0:0(0) ack 2 <...>
)");
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.line, 6);
  EXPECT_NE(r.message.find("tcp_ack_seq"), std::string::npos) << r.report();
}

}  // namespace
