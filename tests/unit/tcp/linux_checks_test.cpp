// Linux's own tests of an arriving segment (linux_checks.hpp) and the time-wait socket's
// answers (time_wait.hpp), each edge on both sides.
#include <gtest/gtest.h>

#include "stack/tcp/linux_checks.hpp"
#include "stack/tcp/time_wait.hpp"

namespace tcpsim::tcp {
namespace {

using namespace wire::tcp_flag;

Segment seg(std::uint32_t seq, std::uint8_t flags, std::size_t len = 0, std::uint32_t ack = 0) {
  Segment s;
  s.header.seq = seq;
  s.header.ack = ack;
  s.header.flags = flags;
  s.payload.assign(len, 0);
  return s;
}

TEST(LinuxInWindow, StartAlwaysInsideRightEdgeOnlyWhenEmpty) {
  SeqNum start(1000), stop(2000);
  EXPECT_TRUE(linux_in_window(SeqNum(1000), SeqNum(1000), start, stop));  // empty at start
  EXPECT_TRUE(linux_in_window(SeqNum(1000), SeqNum(5000), start, stop));  // starts there
  EXPECT_TRUE(linux_in_window(SeqNum(900), SeqNum(1001), start, stop));   // reaches inside
  EXPECT_FALSE(linux_in_window(SeqNum(900), SeqNum(1000), start, stop));  // ends at start
  EXPECT_TRUE(linux_in_window(SeqNum(1999), SeqNum(2010), start, stop));
  EXPECT_TRUE(linux_in_window(SeqNum(2000), SeqNum(2000), start, stop));   // empty at stop
  EXPECT_FALSE(linux_in_window(SeqNum(2000), SeqNum(2001), start, stop));  // text at stop
}

TEST(LinuxPaws, ReorderedPureAckGoesOnBelowRcvNxtIsSilentTheRestRejected) {
  // RCV.NXT 500, SND.UNA 100, SND.WL1 500, SND.WND 1000, TS.Recent 10000, replay 360.
  PawsView v{SeqNum(500), SeqNum(100), SeqNum(500), 1000, 1000, 10000, 360};
  auto ack = [](std::uint32_t seq, std::uint32_t tsval, std::uint32_t ackno = 100) {
    Segment s = seg(seq, kAck, 0, ackno);
    s.header.options.add_timestamps(tsval, 1);
    return s;
  };
  EXPECT_EQ(linux_paws(ack(500, 9640), v), PawsVerdict::Pass);         // 360 older: in the window
  EXPECT_EQ(linux_paws(ack(500, 9639), v), PawsVerdict::Reject);       // 361 older
  EXPECT_EQ(linux_paws(ack(499, 9900), v), PawsVerdict::Silent);       // below RCV.NXT
  EXPECT_EQ(linux_paws(ack(501, 9900), v), PawsVerdict::Reject);       // beyond it
  EXPECT_EQ(linux_paws(ack(500, 9900, 150), v), PawsVerdict::Reject);  // acknowledges data
  Segment data = ack(500, 9900);
  data.payload.assign(10, 0);
  EXPECT_EQ(linux_paws(data, v), PawsVerdict::Reject);  // not a pure ACK
  EXPECT_EQ(linux_paws(seg(500, kFin | kAck, 0, 100), v), PawsVerdict::Reject);
  PawsView wider = v;
  wider.seg_wnd = 2000;  // a larger window updates it
  EXPECT_EQ(linux_paws(ack(500, 9900), wider), PawsVerdict::Reject);
  wider.seg_wnd = 0;  // so does a zero window
  EXPECT_EQ(linux_paws(ack(500, 9900), wider), PawsVerdict::Reject);
  wider.seg_wnd = 500;  // a smaller one does not
  EXPECT_EQ(linux_paws(ack(500, 9900), wider), PawsVerdict::Pass);
  PawsView newer_wl1 = v;
  newer_wl1.snd_wl1 = SeqNum(400);  // SEG.SEQ past SND.WL1: an update
  EXPECT_EQ(linux_paws(ack(500, 9900), newer_wl1), PawsVerdict::Reject);
}

TEST(LinuxSequence, LeftEdgeIsTheLastAdvertisedRightEdgeInclusive) {
  SeqNum wup(1000), right(3000);
  EXPECT_TRUE(linux_sequence_ok(SeqNum(900), SeqNum(1000), wup, right));  // ends at wup
  EXPECT_FALSE(linux_sequence_ok(SeqNum(900), SeqNum(999), wup, right));
  EXPECT_TRUE(linux_sequence_ok(SeqNum(3000), SeqNum(3000), wup, right));  // at the edge
  EXPECT_TRUE(linux_sequence_ok(SeqNum(3000), SeqNum(3100), wup, right));
  EXPECT_FALSE(linux_sequence_ok(SeqNum(3001), SeqNum(3001), wup, right));
}

class RequestSocket : public ::testing::Test {
 protected:
  // IRS 100, ISS 5000: RCV.NXT 101, SND.NXT 5001, 1000 bytes offered.
  RequestView view{SeqNum(100), SeqNum(5000), SeqNum(101), 1000, false};
};

TEST_F(RequestSocket, SynAgainOnlyWhenPureAndAtIrs) {
  EXPECT_EQ(linux_check_req(seg(100, kSyn), view), RequestVerdict::SynAgain);
  EXPECT_EQ(linux_check_req(seg(100, kSyn | kFin), view), RequestVerdict::SynAgain);
  // With RST at IRS: outside the window (the SYN's own number), and no ACK to a RST.
  EXPECT_EQ(linux_check_req(seg(100, kSyn | kRst), view), RequestVerdict::AckDrop);
  view.paws_rejects = true;
  EXPECT_EQ(linux_check_req(seg(100, kSyn), view), RequestVerdict::AckDrop);
}

TEST_F(RequestSocket, BadAckGoesToTheListenerBeforeTheWindowCheck) {
  EXPECT_EQ(linux_check_req(seg(900000, kAck, 0, 77), view), RequestVerdict::ListenerRst);
  EXPECT_EQ(linux_check_req(seg(101, kAck, 0, 5002), view), RequestVerdict::ListenerRst);
  EXPECT_EQ(linux_check_req(seg(101, kAck, 0, 5001), view), RequestVerdict::Process);
}

TEST_F(RequestSocket, OutsideTheWindowAnAckInsideRstOrSynResets) {
  EXPECT_EQ(linux_check_req(seg(5000, kAck, 0, 5001), view), RequestVerdict::AckDrop);
  EXPECT_EQ(linux_check_req(seg(150, kRst), view), RequestVerdict::Reset);
  EXPECT_EQ(linux_check_req(seg(150, kSyn), view), RequestVerdict::Reset);
  EXPECT_EQ(linux_check_req(seg(101, kPsh, 10), view), RequestVerdict::Drop);  // no ACK
  // A SYN,ACK that repeats IRS with the right ACK ends at RCV.NXT: outside, an ACK.
  EXPECT_EQ(linux_check_req(seg(100, kSyn | kAck, 0, 5001), view), RequestVerdict::AckDrop);
}

TEST(HostReset, AnswersAnAckAtItsAckAndOtherwiseWithRstAck) {
  Segment reply;
  reply.header.src_port = 80;
  reply.header.window = 500;
  Segment r = host_reset(reply, seg(10, kAck, 5, 777));
  EXPECT_EQ(r.header.flags, kRst);
  EXPECT_EQ(r.header.seq, 777u);
  EXPECT_EQ(r.header.window, 0u);
  EXPECT_EQ(r.header.src_port, 80u);
  r = host_reset(reply, seg(10, kSyn, 5));
  EXPECT_EQ(r.header.flags, kRst | kAck);
  EXPECT_EQ(r.header.seq, 0u);
  EXPECT_EQ(r.header.ack, 16u);  // SEQ + SYN + 5 bytes
}

class LinuxTimeWait : public ::testing::Test {
 protected:
  TcpConfig cfg = [] {
    TcpConfig c;
    c.time_wait_rule = TimeWaitRule::Linux;
    return c;
  }();
  TimeWaitView view{SeqNum(2000), SeqNum(9000), 65535, false, true};
  TimeWaitAction act(const Segment& s) {
    view.restart_timer = false;
    return time_wait_action(cfg, s, view);
  }
};

TEST_F(LinuxTimeWait, BareAtRcvNxtRestartsSilentlyRstThereEnds) {
  EXPECT_EQ(act(seg(2000, kAck, 0, 9000)), TimeWaitAction::Ignore);
  EXPECT_TRUE(view.restart_timer);
  EXPECT_EQ(act(seg(2000, kRst)), TimeWaitAction::Close);
  cfg.rfc1337 = true;
  EXPECT_EQ(act(seg(2000, kRst)), TimeWaitAction::Ignore);
  EXPECT_FALSE(view.restart_timer);
}

TEST_F(LinuxTimeWait, TextOrAnOldFinDrawsAnAckOtherRstsAreIgnored) {
  EXPECT_EQ(act(seg(2000, kAck | kPsh, 10, 9000)), TimeWaitAction::Ack);
  EXPECT_TRUE(view.restart_timer);
  EXPECT_EQ(act(seg(1999, kAck | kFin, 0, 9000)), TimeWaitAction::Ack);
  EXPECT_EQ(act(seg(1500, kRst)), TimeWaitAction::Ignore);
  EXPECT_EQ(act(seg(2100, kPsh, 10)), TimeWaitAction::Ack);  // no ACK bit: answered, no restart
  EXPECT_FALSE(view.restart_timer);
}

TEST_F(LinuxTimeWait, NewSynReopensOnlyForAListener) {
  EXPECT_EQ(act(seg(3000, kSyn)), TimeWaitAction::Reopen);
  view.passive = false;
  EXPECT_EQ(act(seg(3000, kSyn)), TimeWaitAction::Ack);
}

TEST_F(LinuxTimeWait, FinWait2Substate) {
  view.fin_wait2 = true;
  view.rcv_wnd = 1000;
  EXPECT_EQ(act(seg(1000, kAck, 0, 9000)), TimeWaitAction::Ack);             // below the window
  EXPECT_EQ(act(seg(3001, kAck, 0, 9000)), TimeWaitAction::Ack);             // past the window
  EXPECT_EQ(act(seg(3000, kAck, 0, 9000)), TimeWaitAction::Ignore);          // empty at its edge
  EXPECT_EQ(act(seg(2500, kRst)), TimeWaitAction::Close);                    // RST in the window
  EXPECT_EQ(act(seg(2500, kSyn)), TimeWaitAction::Reset);                    // SYN past RCV.NXT
  EXPECT_EQ(act(seg(2000, kAck, 0, 9000)), TimeWaitAction::Ignore);          // nothing new
  EXPECT_EQ(act(seg(2000, kPsh, 10)), TimeWaitAction::Ignore);               // no ACK bit
  EXPECT_EQ(act(seg(2000, kAck | kPsh, 10, 9000)), TimeWaitAction::Reset);   // text
  EXPECT_EQ(act(seg(2000, kAck | kFin, 0, 9000)), TimeWaitAction::Process);  // the FIN
}

}  // namespace
}  // namespace tcpsim::tcp
