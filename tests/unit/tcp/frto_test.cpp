// F-RTO's steps (RFC 5682 §3, as net/ipv4/tcp_input.c tcp_process_loss runs them): the
// state machine alone, then LossRecovery driving it under the Linux rule: new data after
// the first ACK, an undo when never-resent data is acknowledged, the repair going on when
// a duplicate ACK or a SACK of the new data shows the loss was real.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "stack/tcp/frto.hpp"
#include "stack/tcp/loss_recovery.hpp"

namespace tcpsim::tcp {
namespace {

using Step = Frto::Step;
constexpr std::uint32_t kMss = 1000;
constexpr Nanos kStart = 1 * kSecond;

Frto::Ack first_ack() {
  Frto::Ack a;
  a.una_advanced = true;
  a.may_send_new = true;
  return a;
}

TEST(Frto, OffUnlessTheTimeoutStartedIt) {
  Frto f;
  EXPECT_EQ(f.on_ack(first_ack()), Step::None);
  f.on_timeout(false, SeqNum(10001));
  EXPECT_FALSE(f.running());
  EXPECT_EQ(f.on_ack(first_ack()), Step::None);
}

TEST(Frto, FirstAdvance_SendsNewData_ThenOriginalDataMeansSpurious) {
  Frto f;
  f.on_timeout(true, SeqNum(10001));
  EXPECT_TRUE(f.running());
  Frto::Ack dup;
  dup.duplicate = true;
  EXPECT_EQ(f.on_ack(dup), Step::None);  // step 2 waits for SND.UNA to move
  EXPECT_EQ(f.on_ack(first_ack()), Step::SendNew);
  EXPECT_TRUE(f.sending_new());
  EXPECT_TRUE(f.went_new());
  Frto::Ack orig;
  orig.una_advanced = true;
  orig.original_delivered = true;
  EXPECT_EQ(f.on_ack(orig), Step::Spurious);
  EXPECT_FALSE(f.running());
}

TEST(Frto, AfterNewData_DuplicateOrSackMeansReal) {
  for (bool sack : {false, true}) {
    Frto f;
    f.on_timeout(true, SeqNum(10001));
    ASSERT_EQ(f.on_ack(first_ack()), Step::SendNew);
    Frto::Ack a;
    a.duplicate = true;
    a.sacked = sack;
    EXPECT_EQ(f.on_ack(a), Step::Real) << sack;
    EXPECT_FALSE(f.running());
    EXPECT_TRUE(f.went_new());  // the new data stays in flight while the repair goes on
    f.stop();
    EXPECT_FALSE(f.went_new());
  }
}

TEST(Frto, NothingNewToSend_ConventionalRepair) {
  Frto f;
  f.on_timeout(true, SeqNum(10001));
  Frto::Ack a = first_ack();
  a.may_send_new = false;
  EXPECT_EQ(f.on_ack(a), Step::None);
  EXPECT_FALSE(f.running());
  EXPECT_FALSE(f.went_new());
}

TEST(Frto, OriginalDataOnTheFirstAck_SpuriousAtOnce) {
  Frto f;
  f.on_timeout(true, SeqNum(10001));
  Frto::Ack a = first_ack();
  a.original_delivered = true;
  EXPECT_EQ(f.on_ack(a), Step::Spurious);
}

// ---- LossRecovery under the Linux rule, no timestamps ----

struct Timeout {
  LossRecovery r;
  SendSpace s{SeqNum(1), SeqNum(10001), SeqNum(1), SeqNum(20001)};
  SeqNum nxt{1};

  // `sacked_before`: a SACK of [1001, that) reached the sender before the timer fired.
  explicit Timeout(bool frto = true, bool sack = true, std::uint32_t sacked_before = 0) {
    r.start({.algo = CongestionAlgorithm::Cubic,
             .sack = sack,
             .mss = kMss,
             .initial_window = 10 * kMss,
             .congestion_rule = CongestionRule::Linux,
             .rack = true,
             .frto = frto});
    if (sacked_before > 0) {
      std::array<wire::SackBlock, 1> b{{{1001, sacked_before}}};
      r.on_sack(s, b);
      r.on_duplicate_ack(kStart, s, 10 * kMss, kMss);
      r.on_ack_done(kStart, s, kMss, {});
    }
    r.on_timeout(kStart, s, 10 * kMss, kMss, true);
    nxt = s.una + kMss;  // the timeout's retransmission
    r.on_packet_sent(kStart, kMss, 10 * kMss, s.una, nxt, kMss, 0u);
  }
  LossRecovery::AckDone ack(std::uint32_t to, std::uint32_t sack_left = 0,
                            std::uint32_t sack_right = 0) {
    std::uint32_t acked = static_cast<std::uint32_t>(SeqNum(to) - s.una);
    if (acked > 0) {
      s.una = SeqNum(to);
      s.data_start = s.una;
      if (nxt < s.una) nxt = s.una;
      r.on_advance(s.una);
    }
    if (sack_right > 0) {
      std::array<wire::SackBlock, 1> b{{{sack_left, sack_right}}};
      r.on_sack(s, b);
    }
    if (acked > 0) {
      r.on_cumulative_ack(kStart, s, acked, 10 * kMss, kMss, 100 * kMillisecond);
    } else {
      r.on_duplicate_ack(kStart, s, 10 * kMss, kMss);
    }
    return r.on_ack_done(kStart, s, kMss, {std::nullopt, 0, s.max < s.data_end});
  }
  std::uint32_t room() const {
    return r.allowance(s, static_cast<std::uint32_t>(nxt - s.una), kMss) / kMss;
  }
  void send_new(std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) {
      s.max = s.max + kMss;
      nxt = s.max;
      r.on_packet_sent(kStart, kMss, 10 * kMss, s.una, nxt, kMss);
    }
  }
};

TEST(LossRecoveryFrto, FirstAckSendsNew_OriginalAckUndoes) {
  Timeout t;
  LossRecovery::AckDone d = t.ack(1001);
  EXPECT_EQ(d.resume, LossRecovery::Resume::FromMax);
  EXPECT_FALSE(d.unmark_lost);
  t.nxt = t.s.max;
  EXPECT_EQ(t.r.cwnd(), 2 * kMss);
  EXPECT_EQ(t.room(), 2u);  // the nine segments marked lost are not in flight
  t.send_new(2);
  EXPECT_EQ(t.room(), 0u);
  d = t.ack(3001);  // 1001:3001 was never resent
  EXPECT_TRUE(d.unmark_lost);
  EXPECT_EQ(d.resume, LossRecovery::Resume::FromMax);
  EXPECT_TRUE(t.r.may_probe());  // Open
  EXPECT_EQ(t.r.ssthresh(), 0x7fffffffu);
  EXPECT_EQ(t.r.cwnd(), 12 * kMss);  // max(2, 10), then two delivered in slow start
}

TEST(LossRecoveryFrto, SackOfTheNewData_GoesBackToTheLostSegments) {
  Timeout t;
  t.ack(1001);
  t.nxt = t.s.max;
  t.send_new(2);
  LossRecovery::AckDone d = t.ack(1001, 10001, 11001);
  EXPECT_FALSE(d.unmark_lost);
  EXPECT_EQ(d.resume, LossRecovery::Resume::FromUna);
  t.nxt = t.s.una;
  EXPECT_FALSE(t.r.may_probe());  // still repairing the timeout
  EXPECT_EQ(t.r.ssthresh(), 7 * kMss);
  // cwnd 2; in flight: the unSACKed new segment only.
  EXPECT_EQ(t.r.cwnd(), 2 * kMss);
  EXPECT_EQ(t.room(), 1u);
}

TEST(LossRecoveryFrto, Off_FirstAckGoesOnResending) {
  Timeout t(false);
  LossRecovery::AckDone d = t.ack(1001);
  EXPECT_EQ(d.resume, LossRecovery::Resume::AsItWas);
  EXPECT_EQ(t.room(), 2u);  // go-back-N: the next two segments marked lost
}

TEST(LossRecoveryFrto, WholeFlightAcknowledged_UndoneWithoutTimestamps) {
  Timeout t;
  LossRecovery::AckDone d = t.ack(10001);  // never-resent 1001:10001 among it
  EXPECT_TRUE(d.unmark_lost);
  EXPECT_EQ(t.r.ssthresh(), 0x7fffffffu);
  Timeout off(false);
  off.ack(10001);
  EXPECT_EQ(off.r.ssthresh(), 7 * kMss);  // without F-RTO nothing shows it was spurious
}

TEST(LossRecoveryFrto, DataSackedBeforeTheTimeout_IsNotEvidence) {
  Timeout t(true, true, 3001);  // 1001:3001 SACKed before the timer fires
  // The ACK covers the resend and the data SACKed before: nothing new about the originals.
  LossRecovery::AckDone d = t.ack(3001);
  EXPECT_FALSE(d.unmark_lost);
  EXPECT_EQ(d.resume, LossRecovery::Resume::FromMax);  // step 2b: new data
  EXPECT_EQ(t.r.ssthresh(), 7 * kMss);
}

TEST(LossRecoveryFrto, NoSack_AckOfResendAndOriginalsTogether_WaitsForTheNext) {
  Timeout t(true, false);
  LossRecovery::AckDone d = t.ack(3001);
  EXPECT_FALSE(d.unmark_lost);  // FLAG_RETRANS_DATA_ACKED without SACK
  EXPECT_EQ(d.resume, LossRecovery::Resume::FromMax);
}

}  // namespace
}  // namespace tcpsim::tcp
