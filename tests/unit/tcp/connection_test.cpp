// Connection behaviour, one case per test: start from a state, inject, expect.
#include <gtest/gtest.h>

#include "tcp_harness.hpp"

namespace tcpsim::tcp::testing {
namespace {

TEST(Connection, Closed_ActiveOpen_SendsSynEntersSynSent) {
  ConnHarness h;
  h.conn->open_active(h.now);
  h.expect_sent("S 0:0(0) win 65535 <mss 1460>");
  EXPECT_EQ(h.state(), State::SynSent);
  ASSERT_EQ(h.obs.transitions.size(), 1u);
  EXPECT_NE(h.obs.transitions[0].rule.find("§3.10.1"), std::string::npos);
}

TEST(Connection, SynSent_SynAck_SendsAckEntersEstablished) {
  ConnHarness h;
  h.to_syn_sent();
  h.inject("S. 0:0(0) ack 1 win 65535 <mss 1460>");
  h.expect_sent(". 1:1(0) ack 1");
  EXPECT_EQ(h.state(), State::Established);
  EXPECT_NE(h.obs.transitions.back().rule.find("§3.10.7.3"), std::string::npos);
}

TEST(Connection, SynSent_BareSyn_SimultaneousOpenToSynReceived) {
  ConnHarness h;
  h.to_syn_sent();
  h.inject("S 0:0(0) win 65535 <mss 1460>");
  h.expect_sent("S. 0:0(0) ack 1");
  EXPECT_EQ(h.state(), State::SynReceived);
  h.inject(". 1:1(0) ack 1");
  EXPECT_EQ(h.state(), State::Established);
}

TEST(Connection, SimultaneousOpen_SynAckInSynReceived_EstablishedAtOnce) {
  ConnHarness h;
  h.to_syn_sent();
  h.inject("S 0:0(0) win 65535 <mss 1460>");
  h.expect_sent("S. 0:0(0) ack 1");
  h.inject("S. 0:0(0) ack 1 win 65535 <mss 1460>");  // RFC 9293 Figure 8, line 6
  EXPECT_EQ(h.state(), State::Established);
  h.expect_nothing();
}

TEST(Connection, SynSent_RstWithAcceptableAck_Refused) {
  ConnHarness h;
  h.to_syn_sent();
  h.inject("R. 0:0(0) ack 1");
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.conn->error(), Errno::ConnRefused);
  h.expect_nothing();
}

TEST(Connection, SynSent_RstWithoutAck_Ignored) {
  ConnHarness h;
  h.to_syn_sent();
  h.inject("R 0:0(0)");
  EXPECT_EQ(h.state(), State::SynSent);
  EXPECT_EQ(h.obs.drops.back(), DropReason::SynSentRstNoAck);
}

TEST(Connection, SynSent_BadAck_AnswersRst) {
  ConnHarness h;
  h.to_syn_sent();
  h.inject(". 0:0(0) ack 5");
  h.expect_sent("R 5:5(0)");
  EXPECT_EQ(h.state(), State::SynSent);
}

TEST(Connection, SynSent_Timeout_RetransmitsSynWithBackoff) {
  ConnHarness h;
  h.to_syn_sent();
  h.advance(kSecond);
  h.expect_sent("S 0:0(0)");
  h.advance(2 * kSecond);
  h.expect_sent("S 0:0(0)");
  EXPECT_EQ(h.state(), State::SynSent);
}

TEST(Connection, SynSent_RetriesExhausted_TimedOut) {
  TcpConfig c = ConnHarness::plain_config();
  c.syn_retries = 2;
  ConnHarness h(c);
  h.to_syn_sent();
  h.advance(100 * kSecond);
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.conn->error(), Errno::TimedOut);
  EXPECT_EQ(h.drain().size(), 2u);  // two retransmissions, then give up
}

TEST(Connection, SynReceived_Ack_EntersEstablished) {
  ConnHarness h;
  h.to_syn_received();
  h.inject(". 1:1(0) ack 1");
  EXPECT_EQ(h.state(), State::Established);
}

TEST(Connection, SynReceived_BadAck_AnswersRst) {
  ConnHarness h;
  h.to_syn_received();
  h.inject(". 1:1(0) ack 7");
  h.expect_sent("R 7:7(0)");
  EXPECT_EQ(h.state(), State::SynReceived);
}

TEST(Connection, SynReceived_RstFromPassiveOpen_Closes) {
  ConnHarness h;
  h.to_syn_received();
  h.inject("R 1:1(0)");
  EXPECT_EQ(h.state(), State::Closed);
}

TEST(Connection, Established_Data_DeliveredAndAcked) {
  ConnHarness h;
  h.to_established();
  h.inject("P. 1:6(5) ack 1");
  h.expect_sent(". 1:1(0) ack 6");
  EXPECT_EQ(h.recv_app(), "bcdef");
}

TEST(Connection, Established_OutOfOrder_DupAckThenDeliveredOnce) {
  ConnHarness h;
  h.to_established();
  h.inject(". 6:11(5) ack 1");
  h.expect_sent(". 1:1(0) ack 1");
  h.inject(". 4:8(4) ack 1");  // overlaps the held block
  h.expect_sent(". 1:1(0) ack 1");
  h.inject(". 1:5(4) ack 1");
  h.expect_sent(". 1:1(0) ack 11");
  EXPECT_EQ(h.recv_app(), "bcdefghijk");
}

TEST(Connection, Established_SendData_SegmentsAtMss) {
  ConnHarness h;
  h.to_established();
  h.send_app(3000);
  h.expect_sent(". 1:1461(1460) ack 1");
  h.expect_sent(". 1461:2921(1460) ack 1");
  h.expect_sent("P. 2921:3001(80) ack 1");
}

TEST(Connection, Established_Nagle_HoldsSecondSmallSegment) {
  ConnHarness h;
  h.to_established();
  h.send_app(10);
  h.expect_sent("P. 1:11(10) ack 1");
  h.send_app(10);
  h.expect_nothing();
  h.inject(". 1:1(0) ack 11");
  h.expect_sent("P. 11:21(10) ack 1");
}

TEST(Connection, Established_NoDelay_SendsSmallSegmentsAtOnce) {
  ConnHarness h;
  h.to_established();
  h.conn->set_option(SockOpt::NoDelay, 1);
  h.send_app(10);
  h.expect_sent("P. 1:11(10) ack 1");
  h.send_app(10);
  h.expect_sent("P. 11:21(10) ack 1");
}

TEST(Connection, Established_Timeout_RetransmitsFromSndUna) {
  ConnHarness h;
  h.to_established();
  h.send_app(100);
  h.expect_sent("P. 1:101(100) ack 1");
  h.fire_next_timer();
  h.expect_sent("P. 1:101(100) ack 1");
  EXPECT_EQ(h.conn->info().retransmissions, 1u);
}

TEST(Connection, Established_InWindowRst_ChallengeAck) {
  ConnHarness h;
  h.to_established();
  h.inject("R 5:5(0)");
  h.expect_sent(". 1:1(0) ack 1");
  EXPECT_EQ(h.state(), State::Established);
  EXPECT_EQ(h.obs.drops.back(), DropReason::RstChallenged);
}

TEST(Connection, Established_ExactRst_Resets) {
  ConnHarness h;
  h.to_established();
  h.inject("R 1:1(0)");
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.conn->error(), Errno::ConnReset);
  h.expect_nothing();
}

TEST(Connection, Established_OutOfWindowRst_DroppedSilently) {
  ConnHarness h;
  h.to_established();
  h.inject("R 100000:100000(0)");
  h.expect_nothing();
  EXPECT_EQ(h.state(), State::Established);
}

TEST(Connection, Established_Syn_ChallengeAck) {
  ConnHarness h;
  h.to_established();
  h.inject("S 1:1(0)");
  h.expect_sent(". 1:1(0) ack 1");
  EXPECT_EQ(h.obs.drops.back(), DropReason::SynChallenged);
}

TEST(Connection, Established_AckAhead_ChallengeAck) {
  ConnHarness h;
  h.to_established();
  h.inject(". 1:1(0) ack 50");
  h.expect_sent(". 1:1(0) ack 1");
  EXPECT_EQ(h.obs.drops.back(), DropReason::AckAhead);
}

TEST(Connection, Established_ChallengeAckRateLimited) {
  TcpConfig c = ConnHarness::plain_config();
  c.challenge_ack_limit = 2;
  ConnHarness h(c);
  h.to_established();
  for (int i = 0; i < 4; ++i) h.inject("R 5:5(0)");
  EXPECT_EQ(h.drain().size(), 2u);
  EXPECT_EQ(h.obs.drops.back(), DropReason::ChallengeRateLimited);
}

TEST(Connection, Established_Fin_EntersCloseWaitAndReadsEof) {
  ConnHarness h;
  h.to_close_wait();
  std::vector<std::uint8_t> buf(10);
  std::size_t n = 99;
  EXPECT_EQ(h.conn->recv(h.now, buf, n), Errno::Ok);
  EXPECT_EQ(n, 0u);
}

TEST(Connection, CloseWait_DataStillFlowsOut_HalfClose) {
  ConnHarness h;
  h.to_close_wait();
  h.send_app(20);
  h.expect_sent("P. 1:21(20) ack 2");
}

TEST(Connection, FinWait1_FinBeforeAck_SimultaneousCloseToClosingThenTimeWait) {
  ConnHarness h;
  h.to_closing();
  h.inject(". 2:2(0) ack 2");
  EXPECT_EQ(h.state(), State::TimeWait);
}

TEST(Connection, FinWait1_FinAndAck_DirectlyTimeWait) {
  ConnHarness h;
  h.to_fin_wait_1();
  h.inject("F. 1:1(0) ack 2");
  h.expect_sent(". 2:2(0) ack 2");
  EXPECT_EQ(h.state(), State::TimeWait);
}

TEST(Connection, FinWait2_DataStillAccepted_HalfClose) {
  ConnHarness h;
  h.to_fin_wait_2();
  h.inject("P. 1:4(3) ack 2");
  h.expect_sent(". 2:2(0) ack 4");
  EXPECT_EQ(h.recv_app(), "bcd");
}

TEST(Connection, LastAck_AckOfFin_Closed) {
  ConnHarness h;
  h.to_last_ack();
  h.inject(". 2:2(0) ack 2");
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.conn->error(), Errno::Ok);
}

TEST(Connection, TimeWait_After2Msl_Closed) {
  ConnHarness h;
  h.to_time_wait();
  h.advance(2 * h.cfg.msl - 1);
  EXPECT_EQ(h.state(), State::TimeWait);
  h.advance(1);
  EXPECT_EQ(h.state(), State::Closed);
}

TEST(Connection, TimeWait_RetransmittedFin_AckedAndTimerRestarted) {
  ConnHarness h;
  h.to_time_wait();
  h.advance(10 * kSecond);
  h.inject("F. 1:1(0) ack 2");
  h.expect_sent(". 2:2(0) ack 2");
  h.advance(2 * h.cfg.msl - 1);
  EXPECT_EQ(h.state(), State::TimeWait);
}

TEST(Connection, Close_WithUnreadData_SendsRst) {
  ConnHarness h;
  h.to_established();
  h.inject("P. 1:6(5) ack 1");
  h.drain();
  h.conn->close(h.now);
  h.expect_sent("R 1:1(0)");
  EXPECT_EQ(h.state(), State::Closed);
}

TEST(Connection, ZeroWindow_PersistProbeThenResume) {
  ConnHarness h;
  h.to_established();
  h.inject(". 1:1(0) ack 1 win 0");
  h.send_app(100);
  h.expect_nothing();
  h.fire_next_timer();  // persist
  h.expect_sent(". 1:2(1) ack 1");
  h.inject(". 1:1(0) ack 1 win 0");  // probe refused
  h.inject(". 1:1(0) ack 1 win 1000");
  h.expect_sent("P. 1:101(100) ack 1");
}

TEST(Connection, ReceiveWindow_ZeroWhenBufferFull_ThenUpdateAfterRead) {
  TcpConfig c = ConnHarness::plain_config();
  c.recv_buffer = 2920;
  ConnHarness h(c);
  h.to_syn_sent();
  h.inject("S. 0:0(0) ack 1 win 65535 <mss 1460>");
  h.expect_sent(". 1:1(0) ack 1 win 2920");
  h.inject(". 1:1461(1460) ack 1");
  h.expect_sent(". 1:1(0) ack 1461 win 1460");
  h.inject(". 1461:2921(1460) ack 1");
  h.expect_sent(". 1:1(0) ack 2921 win 0");
  h.inject(". 2921:2922(1) ack 1");  // a probe into the closed window
  h.expect_sent(". 1:1(0) ack 2921 win 0");
  EXPECT_EQ(h.recv_app().size(), 2920u);
  h.expect_sent(". 1:1(0) ack 2921 win 2920");
}

TEST(Connection, DuplicateAcks_FastRetransmit) {
  ConnHarness h;
  h.to_established();
  h.conn->set_option(SockOpt::NoDelay, 1);
  h.send_app(1460 * 5);
  EXPECT_EQ(h.drain().size(), 5u);
  h.inject(". 1:1(0) ack 1461");
  for (int i = 0; i < 3; ++i) h.inject(". 1:1(0) ack 1461");
  h.expect_sent(". 1461:2921(1460) ack 1");
}

}  // namespace
}  // namespace tcpsim::tcp::testing
