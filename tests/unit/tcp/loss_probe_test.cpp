// Tail loss probes (stack/tcp/loss_probe.hpp): the probe timeout of Linux's
// tcp_schedule_loss_probe and the verdicts of tcp_process_tlp_ack.
#include <gtest/gtest.h>

#include <vector>

#include "stack/tcp/loss_probe.hpp"

namespace tcpsim::tcp {
namespace {

constexpr Nanos kMs = kMillisecond;

TEST(ProbeTimeout, TwoRoundTripsPlusTwoJiffiesWithSeveralSegmentsOut) {
  EXPECT_EQ(probe_timeout({100 * kMs, 10, 200 * kMs, 300 * kMs}), 202 * kMs);
}

TEST(ProbeTimeout, OneSegmentOutWaitsForADelayedAck) {
  // 2 * 125.25 ms + 200 ms, rounded up to the jiffy.
  EXPECT_EQ(probe_timeout({125250 * kMicrosecond, 1, 200 * kMs, 478 * kMs}), 451 * kMs);
}

TEST(ProbeTimeout, NeverLaterThanTheRto) {
  EXPECT_EQ(probe_timeout({100 * kMs, 1, 200 * kMs, 300 * kMs}), 300 * kMs);
  // What is left of the RTO counts, rounded up as usecs_to_jiffies does.
  EXPECT_EQ(probe_timeout({100 * kMs, 5, 200 * kMs, 150 * kMs + 1}), 151 * kMs);
}

TEST(ProbeTimeout, OneSecondBeforeAnyRttSample) {
  EXPECT_EQ(probe_timeout({0, 3, 200 * kMs, 0}), kSecond);
  EXPECT_EQ(probe_timeout({0, 3, 200 * kMs, 400 * kMs}), 400 * kMs);
}

std::vector<wire::SackBlock> none() {
  return {};
}

TEST(LossProbe, ProbeOfNewDataEndsWhenAcknowledged) {
  LossProbe p;
  p.on_probe_sent(SeqNum(11001), false);
  EXPECT_TRUE(p.outstanding());
  EXPECT_EQ(p.on_ack(SeqNum(10001), none(), false), LossProbe::Verdict::Pending);
  EXPECT_EQ(p.on_ack(SeqNum(11001), none(), false), LossProbe::Verdict::NoLoss);
  EXPECT_FALSE(p.outstanding());
}

TEST(LossProbe, AnAckBeyondAResentProbeMeansALoss) {
  LossProbe p;
  p.on_probe_sent(SeqNum(12001), true);
  // Up to the probe, moving SND.UNA: not known yet.
  EXPECT_EQ(p.on_ack(SeqNum(12001), none(), false), LossProbe::Verdict::Pending);
  EXPECT_TRUE(p.outstanding());
  EXPECT_EQ(p.on_ack(SeqNum(13001), none(), false), LossProbe::Verdict::Loss);
  EXPECT_FALSE(p.outstanding());
}

TEST(LossProbe, PureDuplicateAtTheProbeMeansBothArrived) {
  LossProbe p;
  p.on_probe_sent(SeqNum(12001), true);
  EXPECT_EQ(p.on_ack(SeqNum(12001), none(), true), LossProbe::Verdict::NoLoss);
}

TEST(LossProbe, DsackOfTheProbeMeansBothArrived) {
  LossProbe p;
  p.on_probe_sent(SeqNum(12001), true);
  std::vector<wire::SackBlock> dsack{{11001, 12001}};
  EXPECT_EQ(p.on_ack(SeqNum(12001), dsack, false), LossProbe::Verdict::NoLoss);
  // An ordinary SACK block above the ACK is no D-SACK.
  LossProbe q;
  q.on_probe_sent(SeqNum(12001), true);
  std::vector<wire::SackBlock> sack{{12001, 13001}};
  EXPECT_EQ(q.on_ack(SeqNum(12001), sack, false), LossProbe::Verdict::Pending);
}

TEST(LossProbe, ResetEndsTheEpisode) {
  LossProbe p;
  p.on_probe_sent(SeqNum(12001), true);
  p.reset();
  EXPECT_FALSE(p.outstanding());
  EXPECT_EQ(p.on_ack(SeqNum(13001), none(), false), LossProbe::Verdict::Pending);
}

}  // namespace
}  // namespace tcpsim::tcp
