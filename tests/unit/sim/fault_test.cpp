// Random faults: rates within statistical bounds for a fixed seed, burstiness,
// reordering, duplication, corruption caught by the receiver's checksum check.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

#include "sim/net/link_direction.hpp"
#include "sim/net/packet_observer.hpp"
#include "sim/net/tap.hpp"
#include "sim_test_util.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim {
namespace {

using test::frame_of_size;
using test::Pair;

LinkParams fast_link() {
  LinkParams p;
  p.rate_bps = 1'000'000'000;
  p.delay = kMillisecond;
  p.queue_packets = 1'000'000;
  return p;
}

// Sends n 200-byte frames from A to B, seq = 0..n-1, all at t=0.
void blast(Pair& p, std::uint32_t n) {
  for (std::uint32_t i = 0; i < n; ++i) p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 200, i));
  p.sim.run();
}

TEST(Fault, Validate_ProbabilityOutOfRange_Refused) {
  FaultParams f;
  f.loss = 1.5;
  Status s = f.validate("link A->B");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "link A->B: loss must be a probability in [0, 1] (got 1.5)");
  EXPECT_EQ(s.error().code, Errc::OutOfRange);
  EXPECT_EQ(s.error().where, "link A->B");
  f.loss = 0;
  f.duplicate = -0.1;
  EXPECT_EQ(f.validate("link A->B").error().message,
            "link A->B: duplicate must be a probability in [0, 1] (got -0.1)");
  f.duplicate = 0;
  f.burst.p = NAN;
  EXPECT_FALSE(f.validate("x"));
}

TEST(Fault, Validate_ReorderWithoutDelay_Refused) {
  FaultParams f;
  f.reorder = 0.1;
  EXPECT_EQ(f.validate("link A->B").error().message,
            "link A->B: reorder needs a reorder delay greater than 0");
  EXPECT_EQ(f.validate("link A->B").error().code, Errc::Conflict);
  f.reorder_delay = kMillisecond;
  EXPECT_TRUE(f.validate("link A->B"));
}

TEST(Fault, SetFaults_Invalid_ThrowsAndKeepsOld) {
  Pair p(fast_link());
  FaultParams bad;
  bad.corrupt = 2;
  EXPECT_THROW(p.ab().set_faults(bad), std::invalid_argument);
  EXPECT_EQ(p.ab().faults(), FaultParams{});
}

TEST(Fault, Loss_RateWithinBounds) {
  Pair p(fast_link(), 11);
  FaultParams f;
  f.loss = 0.1;
  p.ab().set_faults(f);
  blast(p, 20000);
  const double lost = 20000.0 - static_cast<double>(p.b->received.size());
  EXPECT_NEAR(lost, 2000, 5 * std::sqrt(20000 * 0.1 * 0.9));
  EXPECT_EQ(p.ab().stats().dropped(DropCause::Loss), static_cast<std::uint64_t>(lost));
  // Lost on the wire: they were transmitted.
  EXPECT_EQ(p.ab().stats().packets_sent, 20000u);
}

// Mean length of runs of consecutive missing sequence numbers among 0..n-1.
double mean_burst(const std::vector<test::Received>& received, std::uint32_t n, int* bursts) {
  std::vector<bool> got(n);
  for (const auto& r : received) got[r.seq] = true;
  int runs = 0;
  int missing = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!got[i]) {
      ++missing;
      if (i == 0 || got[i - 1]) ++runs;
    }
  }
  *bursts = runs;
  return runs == 0 ? 0 : static_cast<double>(missing) / runs;
}

TEST(Fault, GilbertElliott_LossRateAndMeanBurstLength) {
  Pair p(fast_link(), 12);
  FaultParams f;
  f.burst.p = 0.05;
  f.burst.r = 0.25;
  p.ab().set_faults(f);
  const std::uint32_t n = 100000;
  blast(p, n);
  const double loss = 1.0 - static_cast<double>(p.b->received.size()) / n;
  EXPECT_NEAR(loss, 0.05 / 0.30, 0.02);
  int bursts = 0;
  EXPECT_NEAR(mean_burst(p.b->received, n, &bursts), 1 / 0.25, 0.3);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::BurstLoss), n - p.b->received.size());
}

TEST(Fault, BernoulliLoss_SameRate_IsNotBursty) {
  Pair p(fast_link(), 12);
  FaultParams f;
  f.loss = 0.05 / 0.30;
  p.ab().set_faults(f);
  const std::uint32_t n = 100000;
  blast(p, n);
  int bursts = 0;
  EXPECT_NEAR(mean_burst(p.b->received, n, &bursts), 1 / (1 - f.loss), 0.1);
}

TEST(Fault, Reorder_HeldBackPacketsArriveOutOfOrder) {
  Pair p(fast_link(), 13);
  FaultParams f;
  f.reorder = 0.2;
  f.reorder_delay = 500 * kMicrosecond;
  p.ab().set_faults(f);
  const std::uint32_t n = 10000;
  blast(p, n);  // 1.6 us apart on the wire: a 500 us hold lets ~300 pass
  ASSERT_EQ(p.b->received.size(), n);
  int late = 0;
  std::uint32_t highest = 0;
  for (const auto& r : p.b->received) {
    if (r.seq < highest) ++late;
    highest = std::max(highest, r.seq);
  }
  EXPECT_NEAR(late, 2000, 5 * std::sqrt(n * 0.2 * 0.8));
  // Every late packet was held back; a held packet near the end may have nobody to pass it.
  EXPECT_GE(p.ab().stats().reordered, static_cast<std::uint64_t>(late));
  EXPECT_LE(p.ab().stats().reordered, static_cast<std::uint64_t>(late) + 5);
}

TEST(Fault, Duplicate_DeliversCopies) {
  Pair p(fast_link(), 14);
  FaultParams f;
  f.duplicate = 0.1;
  p.ab().set_faults(f);
  const std::uint32_t n = 20000;
  blast(p, n);
  const auto extra = static_cast<double>(p.b->received.size() - n);
  EXPECT_NEAR(extra, 2000, 5 * std::sqrt(n * 0.1 * 0.9));
  EXPECT_EQ(p.ab().stats().duplicated, p.b->received.size() - n);
  // Each copy follows its original immediately, under a fresh packet id.
  std::set<std::uint64_t> ids;
  for (std::size_t i = 1; i < p.b->received.size(); ++i) {
    if (p.b->received[i].seq == p.b->received[i - 1].seq) {
      EXPECT_EQ(p.b->received[i].time, p.b->received[i - 1].time);
    }
  }
  for (const auto& r : p.b->received) ids.insert(r.id);
  EXPECT_EQ(ids.size(), p.b->received.size());
}

struct DropCounter : PacketObserver {
  void on_dropped(Nanos, const Node& where, const LinkDirection*, const Packet&,
                  DropCause cause) override {
    ++by_cause[static_cast<std::size_t>(cause)];
    last_where = where.name();
  }
  std::array<int, kDropCauseCount> by_cause{};
  std::string last_where;
};

TEST(Fault, Corrupt_ReceiverDropsWithBadChecksum) {
  Pair p(fast_link(), 15);
  DropCounter drops;
  p.net.add_observer(drops);
  FaultParams f;
  f.corrupt = 0.1;
  p.ab().set_faults(f);
  const std::uint32_t n = 20000;
  blast(p, n);
  const auto corrupted = static_cast<double>(n - p.b->received.size());
  EXPECT_NEAR(corrupted, 2000, 5 * std::sqrt(n * 0.1 * 0.9));
  EXPECT_EQ(drops.by_cause[static_cast<std::size_t>(DropCause::BadChecksum)],
            static_cast<int>(corrupted));
  EXPECT_EQ(drops.by_cause[static_cast<std::size_t>(DropCause::Malformed)], 0);
  EXPECT_EQ(drops.last_where, "B");
  EXPECT_EQ(p.ab().stats().corrupted, static_cast<std::uint64_t>(corrupted));
}

TEST(Fault, Corrupt_IngressFrameDiffersByOneBitAndFailsChecksum) {
  Pair p(fast_link(), 16);
  FaultParams f;
  f.corrupt = 1.0;
  p.ab().set_faults(f);
  test::MemoryCapture sent;
  test::MemoryCapture arrived;
  Tap egress(sent);
  Tap ingress(arrived);
  egress.attach(p.ab(), TapPoint::Egress);
  ingress.attach(p.ab(), TapPoint::Ingress);
  for (std::uint32_t i = 0; i < 50; ++i) {
    p.a->send(test::segment("10.0.0.1", "10.0.0.2", wire::tcp_flag::kSyn, i, i % 3 == 0 ? 0 : 40));
  }
  p.sim.run();
  EXPECT_TRUE(p.b->received.empty());
  ASSERT_EQ(sent.frames.size(), 50u);
  ASSERT_EQ(arrived.frames.size(), 50u);
  for (std::size_t i = 0; i < 50; ++i) {
    const auto& a = sent.frames[i].bytes;
    const auto& b = arrived.frames[i].bytes;
    ASSERT_EQ(a.size(), b.size());
    int bits = 0;
    for (std::size_t k = 0; k < a.size(); ++k)
      bits += std::popcount(static_cast<unsigned>(a[k] ^ b[k]));
    EXPECT_EQ(bits, 1);
    EXPECT_TRUE(wire::parse_tcp_frame(a, true));
    auto parsed = wire::parse_tcp_frame(b, true);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, wire::Errc::BadChecksum);
  }
}

TEST(Fault, Streams_EnablingOneFaultDoesNotShiftAnother) {
  // Loss decisions with and without duplication turned on are the same packets.
  auto lost_seqs = [](bool with_duplicates) {
    Pair p(fast_link(), 17);
    FaultParams f;
    f.loss = 0.2;
    if (with_duplicates) f.duplicate = 0.3;
    p.ab().set_faults(f);
    blast(p, 2000);
    std::set<std::uint32_t> got;
    for (const auto& r : p.b->received) got.insert(r.seq);
    std::vector<std::uint32_t> lost;
    for (std::uint32_t i = 0; i < 2000; ++i) {
      if (!got.count(i)) lost.push_back(i);
    }
    return lost;
  };
  EXPECT_EQ(lost_seqs(false), lost_seqs(true));
}

}  // namespace
}  // namespace tcpsim::sim
