// Linux's undo of a spurious window reduction (net/ipv4/tcp_input.c): the episode state
// (undo_marker, undo_retrans, retrans_stamp) and LossRecovery's checks under the Linux
// rule: a D-SACK for every retransmission, a TSecr older than the first retransmission at
// recovery's end, after a timeout, and neither when the evidence is missing.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "stack/tcp/loss_recovery.hpp"
#include "stack/tcp/undo.hpp"

namespace tcpsim::tcp {
namespace {

constexpr std::uint32_t kMss = 1000;
constexpr Nanos kStart = 1 * kSecond;
constexpr std::uint32_t kNoThreshold = 0x7fffffff;

// ---- Undo ----

TEST(Undo, NotArmedUntilAnEpisodeStarts) {
  Undo u;
  EXPECT_FALSE(u.armed());
  EXPECT_FALSE(u.may_undo(100u));
  u.start(SeqNum(1), {10 * kMss, kNoThreshold});
  EXPECT_TRUE(u.armed());
  EXPECT_EQ(u.undo_retrans(), -1);  // nothing resent yet
}

TEST(Undo, DsackOfEveryRetransmission_AllowsUndo) {
  Undo u;
  u.start(SeqNum(1), {10 * kMss, kNoThreshold});
  u.on_retransmit(300, 1, 0);
  u.on_retransmit(310, 1, 0);
  EXPECT_EQ(u.undo_retrans(), 2);
  EXPECT_FALSE(u.all_dsacked());
  u.on_dsack(SeqNum(1001), 1);
  EXPECT_FALSE(u.all_dsacked());
  u.on_dsack(SeqNum(2001), 1);
  EXPECT_TRUE(u.all_dsacked());
  EXPECT_TRUE(u.may_undo(std::nullopt));  // no timestamps needed
  Undo::Prior p = u.take();
  EXPECT_EQ(p.cwnd, 10 * kMss);
  EXPECT_EQ(p.ssthresh, kNoThreshold);
  EXPECT_FALSE(u.armed());  // once only
}

TEST(Undo, DsackBelowTheEpisodeOrWithNothingResent_CountsNothing) {
  Undo u;
  u.start(SeqNum(5001), {10 * kMss, kNoThreshold});
  u.on_dsack(SeqNum(3001), 1);  // nothing resent: stays -1
  EXPECT_EQ(u.undo_retrans(), -1);
  u.on_retransmit(300, 1, 0);
  u.on_dsack(SeqNum(4001), 1);  // ends below undo_marker: an older episode's duplicate
  EXPECT_EQ(u.undo_retrans(), 1);
  u.on_dsack(SeqNum(6001), 3);  // never below 0
  EXPECT_EQ(u.undo_retrans(), 0);
}

TEST(Undo, PacketDelayed_ComparesTheEchoWithTheFirstRetransmission) {
  Undo u;
  u.start(SeqNum(1), {10 * kMss, kNoThreshold});
  EXPECT_FALSE(u.packet_delayed(100u));  // nothing resent: no stamp
  u.on_retransmit(300, 1, 0);
  u.on_retransmit(400, 1, 0);  // the stamp is the first resend's
  EXPECT_TRUE(u.packet_delayed(299u));
  EXPECT_FALSE(u.packet_delayed(300u));  // echoes the retransmission
  EXPECT_FALSE(u.packet_delayed(350u));
  EXPECT_FALSE(u.packet_delayed(0u));  // an echo of 0 echoes nothing
  EXPECT_FALSE(u.packet_delayed(std::nullopt));
  // Modulo 2^32: 0xfffffff0 is before 300 once the clock wrapped.
  Undo w;
  w.start(SeqNum(1), {});
  w.on_retransmit(5, 1, 0);
  EXPECT_TRUE(w.packet_delayed(0xfffffff0u));
  w.on_no_retrans_out();
  EXPECT_FALSE(w.packet_delayed(0xfffffff0u));
}

TEST(Undo, RetransStamp_IsTheFirstResendsTimeUntilNothingResentIsOut) {
  Undo u;
  u.start(SeqNum(1), {10 * kMss, kNoThreshold});
  EXPECT_FALSE(u.retrans_stamp().has_value());
  u.on_retransmit(300, 1, 300 * kMillisecond);
  u.on_retransmit(900, 1, 900 * kMillisecond);
  EXPECT_EQ(u.retrans_stamp(), 300 * kMillisecond);
  u.start(SeqNum(2001), {10 * kMss, kNoThreshold});  // a new episode keeps it
  EXPECT_EQ(u.retrans_stamp(), 300 * kMillisecond);
  u.on_no_retrans_out();
  EXPECT_FALSE(u.retrans_stamp().has_value());
  u.on_retransmit(2000, 1, 2 * kSecond);
  EXPECT_EQ(u.retrans_stamp(), 2 * kSecond);
}

// ---- LossRecovery under the Linux rule ----

// Ten segments of 1000 bytes out from sequence 1, more queued, CUBIC, SACK agreed; three
// SACKs above the first segment start recovery and its retransmission leaves with TSval
// 300 (as in linux/prr.pkt and linux/undo-*.pkt).
struct Episode {
  LossRecovery r;
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};

  Episode() {
    r.start({.algo = CongestionAlgorithm::Cubic,
             .sack = true,
             .mss = kMss,
             .initial_window = 10 * kMss,
             .congestion_rule = CongestionRule::Linux,
             .rack = true});
  }
  std::uint32_t flight() const { return static_cast<std::uint32_t>(s.max - s.una); }
  LossRecovery::AckDone dup_ack(std::uint32_t left, std::uint32_t right,
                                const LossRecovery::AckFacts& facts = {std::nullopt, 1}) {
    std::array<wire::SackBlock, 1> b{{{left, right}}};
    r.on_sack(s, b);
    r.on_duplicate_ack(kStart, s, flight(), kMss);
    return r.on_ack_done(kStart, s, kMss, facts);
  }
  // The third SACK: RACK marks the first segment lost, recovery starts and PRR takes its
  // first step (the order of Connection::process_ack_of_data).
  void enter_recovery() {
    dup_ack(1001, 2001, {});
    dup_ack(1001, 3001, {});
    std::array<wire::SackBlock, 1> b{{{1001, 4001}}};
    r.on_sack(s, b);
    r.on_duplicate_ack(kStart, s, flight(), kMss);
    ASSERT_TRUE(r.on_loss_marked(kStart, s, flight(), kMss, SeqNum(1001)));
    r.on_ack_done(kStart, s, kMss, {});
    auto h = r.next_resend(s, kMss);
    ASSERT_TRUE(h.has_value());
    r.on_packet_sent(kStart, h->len, flight(), s.una, s.max, kMss, 300u);
  }
  LossRecovery::AckDone ack(std::uint32_t to, const LossRecovery::AckFacts& facts) {
    std::uint32_t acked = static_cast<std::uint32_t>(SeqNum(to) - s.una);
    s.una = SeqNum(to);
    s.data_start = s.una;
    r.on_advance(s.una);
    r.on_cumulative_ack(kStart, s, acked, flight(), kMss, 100 * kMillisecond);
    return r.on_ack_done(kStart, s, kMss, facts);
  }
};

TEST(LossRecoveryUndo, DsackOfTheRetransmission_EndsRecoveryWithTheOldWindow) {
  Episode e;
  e.enter_recovery();
  ASSERT_TRUE(e.r.in_recovery());
  EXPECT_EQ(e.r.ssthresh(), 7 * kMss);
  e.ack(4001, {std::nullopt, 0});  // the late original: no evidence without timestamps
  EXPECT_TRUE(e.r.in_recovery());
  // The retransmission reported as a duplicate, below the cumulative ACK.
  LossRecovery::AckDone d = e.dup_ack(1, 1001, {std::nullopt, 0});
  EXPECT_TRUE(d.window_changed);
  EXPECT_FALSE(d.unmark_lost);
  EXPECT_FALSE(e.r.in_recovery());
  EXPECT_EQ(e.r.cwnd(), 10 * kMss);  // max(PRR's 9, prior 10)
  EXPECT_EQ(e.r.ssthresh(), kNoThreshold);
  EXPECT_FALSE(e.r.undo().armed());
}

TEST(LossRecoveryUndo, EchoOfTheOriginalAtRecoveryEnd_RestoresAndGrows) {
  Episode e;
  e.enter_recovery();
  // Everything up to high_seq (10001) acknowledged, echoing TSval 200 < 300.
  e.ack(10001, {200u, 0});
  EXPECT_FALSE(e.r.in_recovery());
  EXPECT_EQ(e.r.ssthresh(), kNoThreshold);
  // cwnd max(7, 10), then slow start by the 7 segments newly delivered (1:1001 and
  // 4001:10001).
  EXPECT_EQ(e.r.cwnd(), 17 * kMss);
}

TEST(LossRecoveryUndo, EchoOfTheRetransmission_KeepsTheReduction) {
  Episode e;
  e.enter_recovery();
  e.ack(10001, {300u, 0});
  EXPECT_FALSE(e.r.in_recovery());
  EXPECT_EQ(e.r.ssthresh(), 7 * kMss);
  EXPECT_LT(e.r.cwnd(), 10 * kMss);
  // The episode stays undoable by a late D-SACK (tcp_try_undo_dsack in Open).
  EXPECT_TRUE(e.r.undo().armed());
  e.dup_ack(1, 1001, {300u, 0});
  EXPECT_EQ(e.r.ssthresh(), kNoThreshold);
  EXPECT_GE(e.r.cwnd(), 10 * kMss);
}

TEST(LossRecoveryUndo, SpuriousTimeout_UndoneByTheEchoUnmarksLosses) {
  Episode e;
  e.r.on_timeout(kStart, e.s, e.flight(), kMss, true);
  EXPECT_EQ(e.r.cwnd(), 1 * kMss);
  EXPECT_EQ(e.r.ssthresh(), 7 * kMss);
  e.r.on_packet_sent(kStart, kMss, e.flight(), e.s.una, e.s.max, kMss, 500u);
  // Half the flight acknowledged, echoing the original's TSval 200.
  LossRecovery::AckDone d = e.ack(5001, {200u, 0});
  EXPECT_TRUE(d.unmark_lost);
  EXPECT_TRUE(e.r.may_probe());  // Open again
  EXPECT_EQ(e.r.ssthresh(), kNoThreshold);
  EXPECT_EQ(e.r.cwnd(), 15 * kMss);  // max(1, 10) + 5 in slow start
}

TEST(LossRecoveryUndo, RealTimeout_EchoOfTheRetransmissionUndoesNothing) {
  Episode e;
  e.r.on_timeout(kStart, e.s, e.flight(), kMss, true);
  e.r.on_packet_sent(kStart, kMss, e.flight(), e.s.una, e.s.max, kMss, 500u);
  LossRecovery::AckDone d = e.ack(1001, {500u, 0});
  EXPECT_FALSE(d.unmark_lost);
  EXPECT_FALSE(e.r.may_probe());  // still repairing the timeout
  EXPECT_EQ(e.r.ssthresh(), 7 * kMss);
  EXPECT_EQ(e.r.cwnd(), 2 * kMss);
}

TEST(LossRecoveryUndo, EcnEchoOnTheAck_RestoresNothing) {
  Episode e;
  e.enter_recovery();
  // The echo of the original, but the ACK carries ECE: prior_ssthresh = 0.
  LossRecovery::AckFacts f{200u, 0, false, true};
  e.ack(10001, f);
  EXPECT_FALSE(e.r.in_recovery());
  EXPECT_EQ(e.r.ssthresh(), 7 * kMss);
  EXPECT_FALSE(e.r.undo().armed());  // the undo happened, restoring nothing
}

TEST(LossRecoveryUndo, NoSack_TimestampUndoAfterTimeout_KeepsLossUntilHighSeq) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::Cubic,
           .sack = false,
           .mss = kMss,
           .initial_window = 10 * kMss,
           .congestion_rule = CongestionRule::Linux});
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};
  r.on_timeout(kStart, s, 10 * kMss, kMss, true);
  r.on_packet_sent(kStart, kMss, 10 * kMss, s.una, s.una + kMss, kMss, 500u);
  auto ack = [&](std::uint32_t to) {
    std::uint32_t acked = static_cast<std::uint32_t>(SeqNum(to) - s.una);
    s.una = SeqNum(to);
    s.data_start = s.una;
    r.on_advance(s.una);
    r.on_cumulative_ack(kStart, s, acked, 5 * kMss, kMss, 100 * kMillisecond);
    return r.on_ack_done(kStart, s, kMss, {200u, 0});
  };
  LossRecovery::AckDone d = ack(5001);
  EXPECT_TRUE(d.unmark_lost);
  EXPECT_EQ(r.ssthresh(), kNoThreshold);
  EXPECT_FALSE(r.may_probe());  // still TCP_CA_Loss without SACK
  ack(10001);
  // SND.UNA == high_seq: Reno holds TCP_CA_Loss until something above it is acknowledged
  // (tcp_process_loss, tcp_try_undo_recovery).
  EXPECT_FALSE(r.may_probe());
  s.max = SeqNum(20001);
  ack(11001);
  EXPECT_TRUE(r.may_probe());
}

// Segments 3 to 5 SACKed: the first two are lost (RACK), recovery starts and the first is
// resent with TSval 300.
void two_lost(Episode& e) {
  e.dup_ack(2001, 3001, {});
  e.dup_ack(2001, 4001, {});
  std::array<wire::SackBlock, 1> b{{{2001, 5001}}};
  e.r.on_sack(e.s, b);
  e.r.on_duplicate_ack(kStart, e.s, e.flight(), kMss);
  ASSERT_TRUE(e.r.on_loss_marked(kStart, e.s, e.flight(), kMss, SeqNum(2001)));
  e.r.on_ack_done(kStart, e.s, kMss, {});
  auto h = e.r.next_resend(e.s, kMss);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->seq, SeqNum(1));
  e.r.on_packet_sent(kStart, h->len, e.flight(), e.s.una, e.s.max, kMss, 300u);
}

TEST(LossRecoveryUndo, PartialAckFromADelayedOriginal_ResendOut_HoldsResendsForThatAck) {
  // The control: a partial ACK answering the resend (TSecr 300): the second hole goes.
  Episode c;
  two_lost(c);
  LossRecovery::AckDone d = c.ack(1001, {300u, 1});
  EXPECT_FALSE(d.delayed_original);
  auto h = c.r.next_resend(c.s, kMss);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->seq, SeqNum(1001));
  // TSecr 299 answers the original: it was delayed, not lost (tcp_try_undo_partial). A
  // resend is still out (retrans_out 1), so no undo, and nothing more is resent on this
  // ACK; the next ACK lets the hole go.
  Episode e;
  two_lost(e);
  d = e.ack(1001, {299u, 1});
  EXPECT_TRUE(d.delayed_original);
  EXPECT_FALSE(d.unmark_lost);
  EXPECT_TRUE(e.r.in_recovery());
  EXPECT_FALSE(e.r.next_resend(e.s, kMss).has_value());
  e.dup_ack(2001, 6001, {300u, 1});
  h = e.r.next_resend(e.s, kMss);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->seq, SeqNum(1001));
}

TEST(LossRecoveryUndo, RfcRule_NeverUndoes) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::Cubic,
           .sack = true,
           .mss = kMss,
           .initial_window = 10 * kMss,
           .congestion_rule = CongestionRule::Rfc});
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};
  r.on_timeout(kStart, s, 10 * kMss, kMss, true);
  r.on_packet_sent(kStart, kMss, 10 * kMss, s.una, s.max, kMss, 500u);
  EXPECT_FALSE(r.undo().armed());
}

}  // namespace
}  // namespace tcpsim::tcp
