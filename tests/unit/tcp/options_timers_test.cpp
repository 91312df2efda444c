// Options negotiation (MSS, window scaling, timestamps, SACK) and the timers (delayed
// ACK, keep-alive, user timeout, retransmission back-off and giving up).
#include <gtest/gtest.h>

#include <tcpsim/testing/testing.hpp>

#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::testing {
namespace {

using namespace tcpsim::tcp;

TcpConfig profile(const char* name) {
  TcpConfig c = *TcpConfig::profile_named(name);
  c.challenge_ack_limit = 0;
  return c;
}

TEST(Options, LinuxProfile_SynCarriesMssSackTsNopWscaleInOrder) {
  TestConnection h(profile("linux"));
  h.conn->open_active(h.now);
  h.expect_sent("S 0:0(0) win 65535 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 7>");
}

TEST(Options, FreebsdProfile_SynCarriesMssNopWscaleSackTs) {
  TestConnection h(profile("freebsd"));
  h.conn->open_active(h.now);
  h.expect_sent("S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 0 ecr 0>");
}

TEST(Options, PassiveOpen_SynAckEchoesOnlyWhatThePeerOffered) {
  TestConnection h(profile("linux"));
  h.conn->open_from_listen(h.now, h.make("S 0:0(0) win 65535 <mss 1200>"));
  h.expect_sent("S. 0:0(0) ack 1 <mss 1460>");
  h.inject(". 1:1(0) ack 1");
  EXPECT_EQ(h.conn->info().snd_mss, 1200u);  // RFC 9293 §3.7.1: the peer's MSS limits us
  EXPECT_FALSE(h.conn->info().ts_ok);
  EXPECT_FALSE(h.conn->info().sack_ok);
  EXPECT_EQ(h.conn->info().snd_wscale, 0);
}

TEST(Options, WindowClamp_BoundsTheSynWindowAndTheScale) {
  // tcp_select_initial_window: the space is at most the clamp, rounded down to whole
  // segments, and the scale is chosen for the clamp (ilog2(10000) - 15 < 0: none).
  TcpConfig c = profile("linux");
  c.linux_sockbuf = true;  // Linux's socket buffers, as scripts have them: whole segments
  TestConnection h(c);
  h.conn->set_option(SockOpt::WindowClamp, 10000);
  h.conn->open_active(h.now);
  h.expect_sent("S 0:0(0) win 8760 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 0>");
  // A clamp above what the field can say leaves the scale to the buffer.
  TestConnection wide(c);
  wide.conn->set_option(SockOpt::WindowClamp, 1 << 20);
  wide.conn->open_active(wide.now);
  wide.expect_sent("S 0:0(0) win 65535 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 5>");
}

TEST(Options, NoMssOption_Assumes536) {
  TestConnection h(TestConnection::plain_config());
  h.go_to(State::SynSent);
  h.inject("S. 0:0(0) ack 1 win 65535");
  h.expect_sent(". 1:1(0) ack 1");
  EXPECT_EQ(h.conn->info().snd_mss, 536u);
}

class Negotiated : public ::testing::Test {
 protected:
  Negotiated() : h(profile("linux")) {
    h.conn->open_active(h.now);
    h.drain();
    h.now = 10 * kMillisecond;
    h.inject("S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 500 ecr 0,nop,wscale 2>");
    h.drain();
  }
  TestConnection h;
};

TEST_F(Negotiated, EffectiveMss_LeavesRoomForTimestamps) {
  EXPECT_TRUE(h.conn->info().ts_ok);
  EXPECT_EQ(h.conn->info().snd_mss, 1448u);  // 1460 - 12 bytes of timestamp option
  h.conn->set_option(SockOpt::NoDelay, 1);
  h.send_app(3000);
  auto sent = h.drain();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_NE(sent[0].find("1:1449(1448)"), std::string::npos) << sent[0];
  EXPECT_NE(sent[1].find("1449:2897(1448)"), std::string::npos) << sent[1];
}

TEST_F(Negotiated, WindowScale_PeerWindowShiftedOurWindowDivided) {
  EXPECT_EQ(h.conn->info().snd_wscale, 2);
  EXPECT_EQ(h.conn->info().rcv_wscale, 7);
  h.inject(". 1:1(0) ack 1 win 1000 <nop,nop,TS val 501 ecr 10>");
  EXPECT_EQ(h.conn->info().snd_wnd, 4000u);  // RFC 7323 §2.3: SND.WND = SEG.WND << 2
  h.inject("P. 1:11(10) ack 1 <nop,nop,TS val 502 ecr 10>");
  h.advance(40 * kMillisecond);
  ASSERT_FALSE(h.sent.empty());
  // 4 MiB - 10 bytes free, said in units of 128 and rounded up so the right edge does
  // not move left (RFC 7323 §2.4).
  EXPECT_EQ(h.sent.back().header.window, 32768u);
  EXPECT_EQ(h.conn->info().rcv_wnd, 32768u << 7);
}

TEST_F(Negotiated, Timestamps_EchoTsRecentAndMeasureRtt) {
  h.now = 20 * kMillisecond;
  h.conn->set_option(SockOpt::NoDelay, 1);
  h.send_app(100);
  ASSERT_EQ(h.sent.size(), 1u);
  auto ts = h.sent[0].header.options.timestamps();
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(ts->tsval, 20u);   // our clock: milliseconds (offset 0 in the harness)
  EXPECT_EQ(ts->tsecr, 500u);  // RFC 7323 §4.3: echo TS.Recent
  h.sent.clear();
  h.now = 70 * kMillisecond;
  h.inject(". 1:1(0) ack 101 <nop,nop,TS val 510 ecr 20>");
  // RTTM: now - TSecr = 50 ms, after the SYN's 10 ms sample (RFC 6298 (2.3)):
  // SRTT = 7/8 * 10 ms + 1/8 * 50 ms.
  EXPECT_EQ(h.conn->info().srtt, 15 * kMillisecond);
}

TEST_F(Negotiated, Paws_OldTimestampDroppedWithAck) {
  h.inject("P. 1:11(10) ack 1 <nop,nop,TS val 600 ecr 10>");
  h.drain();
  h.inject("P. 11:21(10) ack 1 <nop,nop,TS val 550 ecr 10>");  // older than TS.Recent
  EXPECT_EQ(h.obs.drops.back(), DropReason::Paws);
  auto sent = h.drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].find("ack 11"), std::string::npos) << sent[0];
}

TEST_F(Negotiated, Sack_OutOfOrderDataReportedInBlocks) {
  h.inject(". 1449:2897(1448) ack 1 <nop,nop,TS val 501 ecr 10>");
  ASSERT_EQ(h.sent.size(), 1u);
  std::array<wire::SackBlock, 4> b{};
  ASSERT_EQ(h.sent[0].header.options.sack_blocks(b), 1u);
  EXPECT_EQ(b[0].left - TestConnection::kPeerIsn, 1449u);
  EXPECT_EQ(b[0].right - TestConnection::kPeerIsn, 2897u);
  h.sent.clear();
  h.inject(". 4345:5793(1448) ack 1 <nop,nop,TS val 502 ecr 10>");
  ASSERT_EQ(h.sent[0].header.options.sack_blocks(b), 2u);
  EXPECT_EQ(b[0].left - TestConnection::kPeerIsn, 4345u);  // RFC 2018 §4: most recent first
  EXPECT_EQ(b[1].left - TestConnection::kPeerIsn, 1449u);
}

TEST(Timers, DelayedAck_OneSegmentWaitsForTheTimer) {
  TcpConfig c = TestConnection::plain_config();
  c.delayed_ack_timeout = 40 * kMillisecond;
  TestConnection h(c);
  h.go_to(State::Established);
  h.inject("P. 1:11(10) ack 1");
  h.expect_nothing();
  h.advance(39 * kMillisecond);
  h.expect_nothing();
  h.advance(1 * kMillisecond);
  h.expect_sent(". 1:1(0) ack 11");
}

TEST(Timers, DelayedAck_SecondFullSegmentAckedAtOnce) {
  TcpConfig c = TestConnection::plain_config();
  c.delayed_ack_timeout = 40 * kMillisecond;
  TestConnection h(c);
  h.go_to(State::Established);
  h.inject(". 1:1461(1460) ack 1");
  h.expect_nothing();
  h.inject(". 1461:2921(1460) ack 1");
  h.expect_sent(". 1:1(0) ack 2921");
}

TEST(Timers, Keepalive_ProbesThenTimesOut) {
  TcpConfig c = TestConnection::plain_config();
  c.keepalive = true;
  c.keepalive_idle = 10 * kSecond;
  c.keepalive_interval = 1 * kSecond;
  c.keepalive_probes = 3;
  TestConnection h(c);
  h.go_to(State::Established);
  h.advance(10 * kSecond);
  h.expect_sent(". 0:0(0) ack 1");  // <SEQ=SND.UNA-1>: forces an ACK from a live peer
  h.inject(". 1:1(0) ack 1");       // the peer answers: idle again
  h.advance(10 * kSecond);
  h.expect_sent(". 0:0(0) ack 1");
  h.advance(10 * kSecond);
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.conn->error(), Errno::TimedOut);
}

TEST(Timers, Retransmission_BacksOffExponentiallyThenGivesUp) {
  TcpConfig c = TestConnection::plain_config();
  c.data_retries = 3;
  TestConnection h(c);
  h.go_to(State::Established);
  h.send_app(100);
  h.drain();
  std::vector<Nanos> times;
  for (int i = 0; i < 4; ++i) {
    h.fire_next_timer();
    times.push_back(h.now);
  }
  EXPECT_EQ(times[1] - times[0], 2 * (times[0] - 0));  // each wait doubles (RFC 6298 (5.5))
  EXPECT_EQ(times[2] - times[1], 2 * (times[1] - times[0]));
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.conn->error(), Errno::TimedOut);
  auto sent = h.drain();
  // Three retransmissions and nothing more: RFC 9293 §3.8.3 closes without a RST (the
  // plain test profile's close rules; FreeBSD's are in close_rules_test.cpp).
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent.back().substr(0, 1), "P");
}

TEST(Timers, UserTimeout_AbortsWhenDataStaysUnacknowledged) {
  TcpConfig c = TestConnection::plain_config();
  c.user_timeout = 2 * kSecond;
  TestConnection h(c);
  h.go_to(State::Established);
  h.send_app(100);
  while (h.state() != State::Closed && h.now < 10 * kSecond) h.fire_next_timer();
  EXPECT_EQ(h.state(), State::Closed);
  EXPECT_EQ(h.now, 2 * kSecond);  // RFC 9293 §3.10.8: when the user timeout expires
  EXPECT_EQ(h.conn->error(), Errno::TimedOut);
}

TEST(Timers, Karn_NoRttSampleFromARetransmittedSegment) {
  TestConnection h;
  h.go_to(State::Established);
  Nanos srtt = h.conn->info().srtt;
  h.send_app(100);
  h.fire_next_timer();  // retransmission
  h.now += 5 * kMillisecond;
  h.inject(". 1:1(0) ack 101");
  EXPECT_EQ(h.conn->info().srtt, srtt);
}

TEST(Flow, SenderSws_WindowLimitedRuntWaits) {
  TestConnection h;
  h.go_to(State::Established);
  h.inject(". 1:1(0) ack 1 win 3000");  // max window seen: 65535, now 3000
  h.send_app(5000);
  h.expect_sent(". 1:1461(1460) ack 1");
  h.expect_sent(". 1461:2921(1460) ack 1");
  h.expect_nothing();  // 80 bytes usable: less than half the largest window, wait
}

TEST(Isn, Rfc6528_DependsOnTupleAndSecretAndClock) {
  TcpConfig c;
  TcpStack a(c, 42), b(c, 42), d(c, 43), e(c, 42);
  for (TcpStack* s : {&a, &b, &d, &e}) s->add_address(*wire::IpAddress::parse("10.0.0.1"));
  auto isn = [](TcpStack& s, std::uint16_t port, Nanos now) {
    Fd fd = s.socket();
    s.bind(fd, {*wire::IpAddress::parse("10.0.0.1"), port});
    s.connect(now, fd, {*wire::IpAddress::parse("10.0.0.2"), 80});
    return s.connection(fd)->info().iss;
  };
  std::uint32_t x = isn(a, 1000, 0);
  EXPECT_EQ(x, isn(b, 1000, 0));                         // same secret and tuple: same ISN
  EXPECT_NE(x, isn(d, 1000, 0));                         // another secret
  EXPECT_NE(x, isn(a, 1001, 0));                         // another port
  EXPECT_EQ(isn(e, 1000, 4 * kMillisecond) - x, 1000u);  // M ticks every 4 us
}

}  // namespace
}  // namespace tcpsim::testing
