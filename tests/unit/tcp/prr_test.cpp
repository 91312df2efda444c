// Proportional Rate Reduction as Linux runs it (net/ipv4/tcp_input.c tcp_cwnd_reduction),
// for CongestionRule::Linux: the sndcnt arithmetic of both branches worked out by hand, the
// forced fast retransmit, and LossRecovery driving it through a recovery and an ECN CWR
// episode; the Rfc rule keeps RFC 6675's pipe and RFC 6582's inflation.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>

#include "stack/tcp/loss_recovery.hpp"
#include "stack/tcp/prr.hpp"

namespace tcpsim::tcp {
namespace {

constexpr std::uint32_t kMss = 1000;
constexpr Nanos kStart = 1 * kSecond;

// ---- prr_sndcnt ----

TEST(PrrSndcnt, InFlightAboveSsthresh_SendsInProportionRoundingUp) {
  // prior_cwnd 10, ssthresh 7: ceil(7 * 1 / 10) - 0 = 1.
  EXPECT_EQ(prr_sndcnt(7, 10, 1, 0, 8, {1, false, false}), 1);
  // ceil(7 * 2 / 10) - 1 = 2 - 1 = 1.
  EXPECT_EQ(prr_sndcnt(7, 10, 2, 1, 8, {1, false, false}), 1);
  // ceil(7 * 4 / 10) - 3 = 3 - 3 = 0: this ACK sends nothing.
  EXPECT_EQ(prr_sndcnt(7, 10, 4, 3, 8, {1, false, false}), 0);
  // The proportional part ignores SND.UNA moving: ceil(7 * 5 / 10) - 3 = 1.
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 3, 9, {1, false, true}), 1);
}

TEST(PrrSndcnt, InFlightAtOrBelowSsthresh_ConservesPacketsUpToSsthresh) {
  // delta = 7 - 6 = 1: max(6 - 4, 1) = 2, at most delta.
  EXPECT_EQ(prr_sndcnt(7, 10, 6, 4, 6, {1, false, false}), 1);
  // delta = 7 - 3 = 4: max(5 - 3, 1) = 2.
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 3, 3, {1, false, false}), 2);
  // newly_acked_sacked wins when larger: max(5 - 4, 3) = 3.
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 4, 3, {3, false, false}), 3);
  // delta = 0: nothing, though segments were delivered.
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 3, 7, {1, false, false}), 0);
}

TEST(PrrSndcnt, SndUnaAdvancedWithoutNewLoss_OneMore) {
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 3, 3, {1, false, true}), 3);  // 2 + 1
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 3, 3, {1, true, true}), 2);   // a new loss: no extra
  EXPECT_EQ(prr_sndcnt(7, 10, 5, 3, 5, {1, false, true}), 2);  // 3, capped at delta = 2
}

TEST(PrrSndcnt, NothingSentYet_FastRetransmitForced) {
  // delta = 0 would allow nothing; prr_out == 0 forces one.
  EXPECT_EQ(prr_sndcnt(7, 10, 1, 0, 7, {1, false, false}), 1);
  // ceil(2 * 1 / 100) = 1 anyway; with prr_out = 1 the same ACK allows nothing.
  EXPECT_EQ(prr_sndcnt(2, 100, 1, 1, 50, {1, false, false}), 0);
}

TEST(Prr, AckDeliveringNothing_LeavesTheWindow) {
  Prr p;
  p.start(10, 7);
  EXPECT_FALSE(p.on_ack({0, false, false}, 8).has_value());
  EXPECT_EQ(p.delivered(), 0u);
  EXPECT_EQ(p.on_ack({1, false, false}, 8), 9u);  // in_flight + 1
  p.on_sent(1);
  EXPECT_EQ(p.out(), 1u);
  p.stop();
  p.on_sent(1);
  EXPECT_EQ(p.out(), 1u);  // only sending during the reduction counts
}

// ---- LossRecovery under the Linux rule, with SACK ----

// A sender with 10 segments of 1000 bytes out from sequence 1 and more data queued; ACKs
// for SND.UNA = 1 SACK from 1001 up, one segment more each.
struct SackFlow {
  LossRecovery r;
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};

  explicit SackFlow(CongestionRule rule) {
    r.start({.algo = CongestionAlgorithm::Cubic,
             .sack = true,
             .mss = kMss,
             .initial_window = 10 * kMss,
             .congestion_rule = rule});
  }
  std::uint32_t flight() const { return static_cast<std::uint32_t>(s.max - s.una); }
  // A duplicate ACK SACKing `left`..right (from the second segment unless told);
  // returns what it did.
  LossRecovery::DupAck sack_to(std::uint32_t right, std::uint32_t left = 1001) {
    std::array<wire::SackBlock, 1> b{{{left, right}}};
    r.on_sack(s, b);
    auto d = r.on_duplicate_ack(kStart, s, flight(), kMss);
    r.on_ack_done(kStart, s, kMss, {});
    return d;
  }
  // Sends what the window allows: resent holes first, then new data. Returns
  // {retransmissions, new segments}.
  std::array<int, 2> send() {
    std::array<int, 2> n{0, 0};
    while (r.in_recovery()) {
      auto h = r.next_resend(s, kMss);
      if (!h) break;
      ++n[0];
      r.on_packet_sent(kStart, h->len, flight(), s.una, s.max, kMss);
    }
    while (s.max < s.data_end && r.allowance(s, flight(), kMss) >= kMss) {
      s.max = s.max + kMss;
      ++n[1];
      r.on_packet_sent(kStart, kMss, flight(), s.una, s.max, kMss);
    }
    return n;
  }
  std::uint32_t cwnd_segments() const { return r.cwnd() / kMss; }
};

TEST(LossRecoveryPrr, OneLossSackedOneByOne_PrrThenConservation) {
  SackFlow f(CongestionRule::Linux);
  using Sent = std::array<int, 2>;
  // Two duplicate ACKs: limited transmit sends one new segment each (11 and 12).
  EXPECT_EQ(f.sack_to(2001), LossRecovery::DupAck::None);
  EXPECT_EQ(f.send(), (Sent{0, 1}));
  EXPECT_EQ(f.sack_to(3001), LossRecovery::DupAck::None);
  EXPECT_EQ(f.send(), (Sent{0, 1}));
  // Third: recovery, prior_cwnd 10, ssthresh 10 * 717 / 1024 = 7. In flight 12 - 3 SACKed
  // - 1 lost = 8 > 7: sndcnt = ceil(7 * 1 / 10) - 0 = 1, cwnd 9: the retransmission only.
  EXPECT_EQ(f.sack_to(4001), LossRecovery::DupAck::Entered);
  EXPECT_EQ(f.r.prr().prior_cwnd(), 10u);
  EXPECT_EQ(f.r.ssthresh(), 7 * kMss);
  EXPECT_EQ(f.cwnd_segments(), 9u);
  EXPECT_EQ(f.send(), (Sent{1, 0}));
  // The retransmission counts in flight again: 9. The next SACK leaves 8 in flight:
  // ceil(7 * 2 / 10) - 1 = 1, cwnd 9, one new segment.
  EXPECT_EQ(f.r.packets_in_flight(f.s, kMss), 9u);
  f.sack_to(5001);
  EXPECT_EQ(f.cwnd_segments(), 9u);
  EXPECT_EQ(f.send(), (Sent{0, 1}));
  f.sack_to(6001);  // ceil(21 / 10) - 2 = 1
  EXPECT_EQ(f.send(), (Sent{0, 1}));
  f.sack_to(7001);  // ceil(28 / 10) - 3 = 0: in flight 8, cwnd 8
  EXPECT_EQ(f.cwnd_segments(), 8u);
  EXPECT_EQ(f.send(), (Sent{0, 0}));
  f.sack_to(8001);  // in flight 7 = ssthresh: delta 0, cwnd 7
  EXPECT_EQ(f.cwnd_segments(), 7u);
  EXPECT_EQ(f.send(), (Sent{0, 0}));
  // In flight 6 < 7: one for one, up to ssthresh.
  for (std::uint32_t right = 9001; right <= 12001; right += 1000) {
    f.sack_to(right);
    EXPECT_EQ(f.cwnd_segments(), 7u);
    EXPECT_EQ(f.send(), (Sent{0, 1}));
  }
  EXPECT_EQ(f.r.prr().out(), 7u);
  EXPECT_EQ(f.r.prr().delivered(), 9u);
  // The retransmission is acknowledged with all below SND.MAX at entry: recovery ends with
  // cwnd = ssthresh (tcp_end_cwnd_reduction).
  f.r.on_advance(SeqNum(12001));
  f.s.una = SeqNum(12001);
  f.s.data_start = f.s.una;
  f.r.on_cumulative_ack(kStart, f.s, 12000, f.flight(), kMss, 100 * kMillisecond);
  f.r.on_ack_done(kStart, f.s, kMss, {});
  EXPECT_FALSE(f.r.in_recovery());
  EXPECT_FALSE(f.r.prr().active());
  EXPECT_EQ(f.r.cwnd(), 7 * kMss);
}

TEST(LossRecoveryPrr, PartialAckWithoutNewLoss_OneMoreUpToSsthresh) {
  // Ten segments and nothing more to send; the first two are lost.
  SackFlow f(CongestionRule::Linux);
  f.s.data_end = f.s.max;
  using Sent = std::array<int, 2>;
  f.sack_to(3001, 2001);
  f.sack_to(4001, 2001);
  // Third SACKed segment: in flight 10 - 3 - 2 lost = 5 <= ssthresh 7 (delta 2):
  // max(1 - 0, 1) = 1, cwnd 6: the first hole goes again.
  EXPECT_EQ(f.sack_to(5001, 2001), LossRecovery::DupAck::Entered);
  EXPECT_EQ(f.cwnd_segments(), 6u);
  EXPECT_EQ(f.send(), (Sent{1, 0}));
  f.sack_to(6001, 2001);  // in flight 5, max(2 - 1, 1) = 1: the second hole
  EXPECT_EQ(f.send(), (Sent{1, 0}));
  for (std::uint32_t right = 7001; right <= 10001; right += 1000) f.sack_to(right, 2001);
  EXPECT_EQ(f.r.prr().delivered(), 6u);
  EXPECT_EQ(f.r.prr().out(), 2u);
  // The first retransmission arrives: SND.UNA moves to 1001, the second hole is still out.
  // In flight 9 - 8 SACKed = 1, delta 6: max(7 - 2, 1) = 5, plus one as SND.UNA moved and
  // nothing was newly lost = 6, cwnd 7.
  f.r.on_advance(SeqNum(1001));
  f.s.una = SeqNum(1001);
  f.s.data_start = f.s.una;
  f.r.on_cumulative_ack(kStart, f.s, 1000, f.flight(), kMss, 100 * kMillisecond);
  f.r.on_ack_done(kStart, f.s, kMss, {});
  EXPECT_TRUE(f.r.in_recovery());
  EXPECT_EQ(f.r.packets_in_flight(f.s, kMss), 1u);
  EXPECT_EQ(f.cwnd_segments(), 7u);
}

TEST(LossRecoveryPrr, EcnEcho_CwrStepsDownByPrrAndEndsAtSsthresh) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = true,
           .mss = kMss,
           .initial_window = 10 * kMss,
           .congestion_rule = CongestionRule::Linux});
  // Ten out; the ACK of the first carries ECE.
  SendSpace s{SeqNum(1001), SeqNum(10001), SeqNum(1001), SeqNum(10001)};
  r.on_advance(s.una);
  r.on_cumulative_ack(kStart, s, 1000, 9 * kMss, kMss, 0);
  r.on_ecn_echo(kStart, s, 9 * kMss);
  EXPECT_EQ(r.cwnd(), 10 * kMss);  // not cut at once (tcp_init_cwnd_reduction)
  EXPECT_EQ(r.ssthresh(), 5 * kMss);
  r.on_ack_done(kStart, s, kMss, {});
  // In flight 9 > 5: ceil(5 * 1 / 10) - 0 = 1, cwnd 10; no growth for this ACK.
  EXPECT_EQ(r.cwnd(), 10 * kMss);
  EXPECT_FALSE(r.in_recovery());
  EXPECT_TRUE(r.prr().active());
  r.on_packet_sent(kStart, kMss, 10 * kMss, s.una, s.max + kMss, kMss);
  s.max = s.max + kMss;
  // The next ACK: in flight 9, ceil(5 * 2 / 10) - 1 = 0, cwnd 9.
  s.una = SeqNum(2001);
  r.on_advance(s.una);
  r.on_cumulative_ack(kStart, s, 1000, 9 * kMss, kMss, 0);
  r.on_ack_done(kStart, s, kMss, {});
  EXPECT_EQ(r.cwnd(), 9 * kMss);
  // Data above SND.MAX at the echo (10001) acknowledged: CWR ends with cwnd = ssthresh.
  s.una = SeqNum(11001);
  r.on_advance(s.una);
  r.on_cumulative_ack(kStart, s, 9000, 0, kMss, 0);
  r.on_ack_done(kStart, s, kMss, {});
  EXPECT_FALSE(r.prr().active());
  EXPECT_EQ(r.ssthresh(), 5 * kMss);
  EXPECT_GE(r.cwnd(), 5 * kMss);  // ssthresh, then this ACK's congestion avoidance
  EXPECT_LE(r.cwnd(), 6 * kMss);
}

TEST(LossRecoveryLinux, OpenAllowance_CwndLessPacketsInFlight_UnlessGoingBack) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = true,
           .mss = kMss,
           .initial_window = 10 * kMss,
           .congestion_rule = CongestionRule::Linux});
  // Ten out, two SACKed (Disorder): eight in flight, two segments may go.
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};
  std::array<wire::SackBlock, 1> b{{{2001, 4001}}};
  r.on_sack(s, b);
  EXPECT_EQ(r.allowance(s, 10 * kMss, kMss), 2 * kMss);
  // Going back from SND.UNA (a smaller path MTU): counted from SND.NXT, not SND.MAX.
  EXPECT_EQ(r.allowance(s, 0, kMss), 10 * kMss);
}

// ---- without SACK ----

TEST(LossRecoveryPrr, NoSack_DuplicateAcksCountAsDelivered_NoInflation) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = false,
           .mss = kMss,
           .initial_window = 10 * kMss,
           .congestion_rule = CongestionRule::Linux});
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};
  for (int i = 0; i < 2; ++i) {
    r.on_duplicate_ack(kStart, s, 10 * kMss, kMss);
    r.on_ack_done(kStart, s, kMss, {});
  }
  EXPECT_EQ(r.on_duplicate_ack(kStart, s, 10 * kMss, kMss), LossRecovery::DupAck::Entered);
  r.on_ack_done(kStart, s, kMss, {});
  // ssthresh 5; in flight 10 - 3 duplicate ACKs - 1 lost = 6 > 5: ceil(5 * 1 / 10) = 1.
  EXPECT_EQ(r.ssthresh(), 5 * kMss);
  EXPECT_EQ(r.packets_in_flight(s, kMss), 6u);
  EXPECT_EQ(r.cwnd(), 7 * kMss);
  EXPECT_TRUE(r.take_retransmit_due());
  r.on_packet_sent(kStart, kMss, 10 * kMss, s.una, s.max, kMss);
  // A fourth duplicate ACK: no RFC 6582 inflation; ceil(5 * 2 / 10) - 1 = 0, in flight 6.
  EXPECT_EQ(r.on_duplicate_ack(kStart, s, 10 * kMss, kMss), LossRecovery::DupAck::None);
  r.on_ack_done(kStart, s, kMss, {});
  EXPECT_EQ(r.packets_in_flight(s, kMss), 6u);
  EXPECT_EQ(r.cwnd(), 6 * kMss);
  EXPECT_EQ(r.allowance(s, 10 * kMss, kMss), 0u);
}

// ---- the Rfc rule is unchanged ----

TEST(LossRecoveryPrr, RfcRule_NoSack_InflatesAsRfc6582) {
  LossRecovery r;
  r.start({.algo = CongestionAlgorithm::NewReno,
           .sack = false,
           .mss = kMss,
           .initial_window = 10 * kMss});
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(30001)};
  for (int i = 0; i < 3; ++i) r.on_duplicate_ack(kStart, s, 10 * kMss, kMss);
  EXPECT_FALSE(r.on_ack_done(kStart, s, kMss, {}).window_changed);
  EXPECT_EQ(r.cwnd(), 8 * kMss);  // ssthresh 5 + 3 (RFC 6582 §3.2 (2))
  EXPECT_EQ(r.on_duplicate_ack(kStart, s, 10 * kMss, kMss), LossRecovery::DupAck::Inflated);
  EXPECT_EQ(r.cwnd(), 9 * kMss);
  EXPECT_FALSE(r.prr().active());
}

TEST(LossRecoveryPrr, RfcRule_Sack_CutsToSsthreshAndSendsWhilePipeBelowCwnd) {
  SackFlow f(CongestionRule::Rfc);
  f.sack_to(2001);
  f.send();
  f.sack_to(3001);
  f.send();
  EXPECT_EQ(f.sack_to(4001), LossRecovery::DupAck::Entered);
  // RFC 9438 CUBIC: ssthresh = 0.7 * cwnd = 7 at once; pipe 12 - 3 - 1 = 8 >= 7: only
  // the fast retransmit (RFC 6675 §5 (4.3)).
  EXPECT_EQ(f.r.cwnd(), 7 * kMss);
  EXPECT_EQ(f.send(), (std::array<int, 2>{1, 0}));
  EXPECT_FALSE(f.r.prr().active());
}

}  // namespace
}  // namespace tcpsim::tcp
