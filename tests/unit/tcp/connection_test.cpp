// Connection behaviour, one case per test: start from a state, inject, expect.
#include <gtest/gtest.h>

#include <tcpsim/testing/testing.hpp>

namespace tcpsim::testing {
namespace {

using namespace tcpsim::tcp;

// One fixture per state, each reached by a real exchange (tcpsim/testing/states.hpp).
using SynSent = InState<State::SynSent>;
using SynReceived = InState<State::SynReceived, Side::Server>;
using Established = InState<State::Established>;
using FinWait1 = InState<State::FinWait1>;
using FinWait2 = InState<State::FinWait2>;
using CloseWait = InState<State::CloseWait>;
using LastAck = InState<State::LastAck>;
using TimeWait = InState<State::TimeWait>;

TEST(Connection, Closed_ActiveOpen_SendsSynEntersSynSent) {
  TestConnection tcb;
  tcb.conn->open_active(tcb.now);
  EXPECT_SENT(tcb, "S 0:0(0) win 65535 <mss 1460>");
  EXPECT_THAT(tcb, IsInState(State::SynSent));
  ASSERT_EQ(tcb.obs.transitions.size(), 1u);
  EXPECT_NE(tcb.obs.transitions[0].rule.find("§3.10.1"), std::string::npos);
}

TEST_F(SynSent, SynAck_SendsAckEntersEstablished) {
  peer.sends("S. 0:0(0) ack 1 win 65535 <mss 1460>");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");
  EXPECT_THAT(tcb, IsInState(State::Established));
  EXPECT_NE(tcb.obs.transitions.back().rule.find("§3.10.7.3"), std::string::npos);
}

TEST_F(SynSent, BareSyn_SimultaneousOpenToSynReceived) {
  peer.sends("S 0:0(0) win 65535 <mss 1460>");
  EXPECT_SENT(tcb, "S. 0:0(0) ack 1");
  EXPECT_THAT(tcb, IsInState(State::SynReceived));
  peer.sends(". 1:1(0) ack 1");
  EXPECT_THAT(tcb, IsInState(State::Established));
}

TEST(Connection, SimultaneousOpen_SynAckInSynReceived_EstablishedAtOnce) {
  auto tcb = syn_sent();
  tcb.peer.sends("S 0:0(0) win 65535 <mss 1460>");
  EXPECT_SENT(tcb, "S. 0:0(0) ack 1");
  tcb.peer.sends("S. 0:0(0) ack 1 win 65535 <mss 1460>");  // RFC 9293 Figure 8, line 6
  EXPECT_THAT(tcb, IsInState(State::Established));
  EXPECT_NOTHING_SENT(tcb);
}

TEST_F(SynSent, RstWithAcceptableAck_Refused) {
  peer.sends("R. 0:0(0) ack 1");
  EXPECT_THAT(tcb, IsInState(State::Closed));
  EXPECT_THAT(tcb, HasError(Errno::ConnRefused));
  EXPECT_NOTHING_SENT(tcb);
}

TEST_F(SynSent, RstWithoutAck_Ignored) {
  peer.sends("R 0:0(0)");
  EXPECT_THAT(tcb, IsInState(State::SynSent));
  EXPECT_THAT(tcb, DroppedBecause(DropReason::SynSentRstNoAck));
}

TEST_F(SynSent, BadAck_AnswersRst) {
  peer.sends(". 0:0(0) ack 5");
  EXPECT_SENT(tcb, "R 5:5(0)");
  EXPECT_THAT(tcb, IsInState(State::SynSent));
}

TEST_F(SynSent, Timeout_RetransmitsSynWithBackoff) {
  tcb.advance(kSecond);
  EXPECT_SENT(tcb, "S 0:0(0)");
  tcb.advance(2 * kSecond);
  EXPECT_SENT(tcb, "S 0:0(0)");
  EXPECT_THAT(tcb, IsInState(State::SynSent));
}

TEST(Connection, SynSent_RetriesExhausted_TimedOut) {
  TcpConfig c = TestConnection::plain_config();
  c.syn_retries = 2;
  auto tcb = in_state(State::SynSent, Side::Client, c);
  tcb.advance(100 * kSecond);
  EXPECT_THAT(tcb, IsInState(State::Closed));
  EXPECT_THAT(tcb, HasError(Errno::TimedOut));
  EXPECT_EQ(tcb.drain().size(), 2u);  // two retransmissions, then give up
}

TEST_F(SynReceived, Ack_EntersEstablished) {
  peer.sends(". 1:1(0) ack 1");
  EXPECT_THAT(tcb, IsInState(State::Established));
}

TEST_F(SynReceived, BadAck_AnswersRst) {
  peer.sends(". 1:1(0) ack 7");
  EXPECT_SENT(tcb, "R 7:7(0)");
  EXPECT_THAT(tcb, IsInState(State::SynReceived));
}

TEST_F(SynReceived, RstFromPassiveOpen_Closes) {
  peer.sends("R 1:1(0)");
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

TEST_F(Established, Data_DeliveredAndAcked) {
  peer.sends("P. 1:6(5) ack 1");
  EXPECT_SENT(tcb, ". 1:1(0) ack 6");
  EXPECT_EQ(tcb.recv_app(), "bcdef");
}

TEST_F(Established, OutOfOrder_DupAckThenDeliveredOnce) {
  peer.sends(". 6:11(5) ack 1");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");
  peer.sends(". 4:8(4) ack 1");  // overlaps the held block
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");
  peer.sends(". 1:5(4) ack 1");
  EXPECT_SENT(tcb, ". 1:1(0) ack 11");
  EXPECT_EQ(tcb.recv_app(), "bcdefghijk");
}

TEST_F(Established, SendData_SegmentsAtMss) {
  tcb.send_app(3000);
  EXPECT_SENT(tcb, ". 1:1461(1460) ack 1");
  EXPECT_SENT(tcb, ". 1461:2921(1460) ack 1");
  EXPECT_SENT(tcb, "P. 2921:3001(80) ack 1");
}

TEST_F(Established, Nagle_HoldsSecondSmallSegment) {
  tcb.send_app(10);
  EXPECT_SENT(tcb, "P. 1:11(10) ack 1");
  tcb.send_app(10);
  EXPECT_NOTHING_SENT(tcb);
  peer.sends(". 1:1(0) ack 11");
  EXPECT_SENT(tcb, "P. 11:21(10) ack 1");
}

TEST_F(Established, NoDelay_SendsSmallSegmentsAtOnce) {
  tcb.conn->set_option(SockOpt::NoDelay, 1);
  tcb.send_app(10);
  EXPECT_SENT(tcb, "P. 1:11(10) ack 1");
  tcb.send_app(10);
  EXPECT_SENT(tcb, "P. 11:21(10) ack 1");
}

TEST_F(Established, Timeout_RetransmitsFromSndUna) {
  tcb.send_app(100);
  EXPECT_SENT(tcb, "P. 1:101(100) ack 1");
  tcb.fire_next_timer();
  EXPECT_SENT(tcb, "P. 1:101(100) ack 1");
  EXPECT_EQ(tcb.conn->info().retransmissions, 1u);
}

TEST_F(Established, InWindowRst_ChallengeAck) {
  peer.sends("R 5:5(0)");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");
  EXPECT_THAT(tcb, IsInState(State::Established));
  EXPECT_THAT(tcb, DroppedBecause(DropReason::RstChallenged));
}

TEST_F(Established, ExactRst_Resets) {
  peer.sends("R 1:1(0)");
  EXPECT_THAT(tcb, IsInState(State::Closed));
  EXPECT_THAT(tcb, HasError(Errno::ConnReset));
  EXPECT_NOTHING_SENT(tcb);
}

TEST_F(Established, OutOfWindowRst_DroppedSilently) {
  peer.sends("R 100000:100000(0)");
  EXPECT_NOTHING_SENT(tcb);
  EXPECT_THAT(tcb, IsInState(State::Established));
}

TEST_F(Established, Syn_ChallengeAck) {
  peer.sends("S 1:1(0)");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");
  EXPECT_THAT(tcb, DroppedBecause(DropReason::SynChallenged));
}

TEST_F(Established, AckAhead_ChallengeAck) {
  peer.sends(". 1:1(0) ack 50");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1");
  EXPECT_THAT(tcb, DroppedBecause(DropReason::AckAhead));
}

TEST(Connection, Established_ChallengeAckRateLimited) {
  TcpConfig c = TestConnection::plain_config();
  c.challenge_ack_limit = 2;
  auto tcb = in_state(State::Established, Side::Client, c);
  for (int i = 0; i < 4; ++i) tcb.peer.sends("R 5:5(0)");
  EXPECT_EQ(tcb.drain().size(), 2u);
  EXPECT_THAT(tcb, DroppedBecause(DropReason::ChallengeRateLimited));
}

TEST(Connection, Established_Fin_EntersCloseWaitAndReadsEof) {
  auto tcb = close_wait();
  std::vector<std::uint8_t> buf(10);
  std::size_t n = 99;
  EXPECT_EQ(tcb.conn->recv(tcb.now, buf, n), Errno::Ok);
  EXPECT_EQ(n, 0u);
}

TEST_F(CloseWait, DataStillFlowsOut_HalfClose) {
  tcb.send_app(20);
  EXPECT_SENT(tcb, "P. 1:21(20) ack 2");
}

TEST(Connection, FinWait1_FinBeforeAck_SimultaneousCloseToClosingThenTimeWait) {
  auto tcb = closing();
  tcb.peer.sends(". 2:2(0) ack 2");
  EXPECT_THAT(tcb, IsInState(State::TimeWait));
}

TEST_F(FinWait1, FinAndAck_DirectlyTimeWait) {
  peer.sends("F. 1:1(0) ack 2");
  EXPECT_SENT(tcb, ". 2:2(0) ack 2");
  EXPECT_THAT(tcb, IsInState(State::TimeWait));
}

TEST_F(FinWait2, DataStillAccepted_HalfClose) {
  peer.sends("P. 1:4(3) ack 2");
  EXPECT_SENT(tcb, ". 2:2(0) ack 4");
  EXPECT_EQ(tcb.recv_app(), "bcd");
}

TEST_F(LastAck, AckOfFin_Closed) {
  peer.sends(". 2:2(0) ack 2");
  EXPECT_THAT(tcb, IsInState(State::Closed));
  EXPECT_THAT(tcb, HasError(Errno::Ok));
}

TEST_F(TimeWait, After2Msl_Closed) {
  tcb.advance(2 * tcb.cfg.msl - 1);
  EXPECT_THAT(tcb, IsInState(State::TimeWait));
  tcb.advance(1);
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

TEST_F(TimeWait, RetransmittedFin_AckedAndTimerRestarted) {
  tcb.advance(10 * kSecond);
  peer.sends("F. 1:1(0) ack 2");
  EXPECT_SENT(tcb, ". 2:2(0) ack 2");
  tcb.advance(2 * tcb.cfg.msl - 1);
  EXPECT_THAT(tcb, IsInState(State::TimeWait));
}

TEST(Connection, Close_WithUnreadData_SendsRst) {
  auto tcb = established();
  tcb.peer.sends("P. 1:6(5) ack 1");
  tcb.drain();
  tcb.conn->close(tcb.now);
  EXPECT_SENT(tcb, "R 1:1(0)");
  EXPECT_THAT(tcb, IsInState(State::Closed));
}

TEST(Connection, ZeroWindow_PersistProbeThenResume) {
  auto tcb = established();
  tcb.peer.sends(". 1:1(0) ack 1 win 0");
  tcb.send_app(100);
  EXPECT_NOTHING_SENT(tcb);
  tcb.fire_next_timer();  // persist
  EXPECT_SENT(tcb, ". 1:2(1) ack 1");
  tcb.peer.sends(". 1:1(0) ack 1 win 0");  // probe refused
  tcb.peer.sends(". 1:1(0) ack 1 win 1000");
  EXPECT_SENT(tcb, "P. 1:101(100) ack 1");
}

TEST(Connection, ReceiveWindow_ZeroWhenBufferFull_ThenUpdateAfterRead) {
  TcpConfig c = TestConnection::plain_config();
  c.recv_buffer = 2920;
  auto tcb = in_state(State::SynSent, Side::Client, c);
  tcb.peer.sends("S. 0:0(0) ack 1 win 65535 <mss 1460>");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1 win 2920");
  tcb.peer.sends(". 1:1461(1460) ack 1");
  EXPECT_SENT(tcb, ". 1:1(0) ack 1461 win 1460");
  tcb.peer.sends(". 1461:2921(1460) ack 1");
  EXPECT_SENT(tcb, ". 1:1(0) ack 2921 win 0");
  tcb.peer.sends(". 2921:2922(1) ack 1");  // a probe into the closed window
  EXPECT_SENT(tcb, ". 1:1(0) ack 2921 win 0");
  EXPECT_EQ(tcb.recv_app().size(), 2920u);
  EXPECT_SENT(tcb, ". 1:1(0) ack 2921 win 2920");
}

TEST(Connection, DuplicateAcks_FastRetransmit) {
  auto tcb = established();
  tcb.conn->set_option(SockOpt::NoDelay, 1);
  tcb.send_app(1460 * 5);
  EXPECT_EQ(tcb.drain().size(), 5u);
  tcb.peer.sends(". 1:1(0) ack 1461");
  for (int i = 0; i < 3; ++i) tcb.peer.sends(". 1:1(0) ack 1461");
  EXPECT_SENT(tcb, ". 1461:2921(1460) ack 1");
}

}  // namespace
}  // namespace tcpsim::testing
