// HyStart (Linux's tcp_cubic.c) on its own: a round's ACK train that lasts half the
// minimum RTT, or a round whose smallest RTT grew by min_rtt/8 (4..16 ms), ends slow start;
// nothing happens below a window of 16 segments.
#include <gtest/gtest.h>

#include "stack/tcp/congestion/cubic.hpp"
#include "stack/tcp/congestion/hystart.hpp"

namespace tcpsim::tcp {
namespace {

constexpr Nanos kMs = kMillisecond;

TEST(HyStart, SmallWindow_NeverExits) {
  HyStart h;
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(h.on_sample(i * kMs, 100 * kMs + i * kMs, SeqNum(1), SeqNum(100), 15, kMs));
  }
  EXPECT_EQ(h.delay_min(), 100 * kMs);  // the minimum is kept all the same
}

TEST(HyStart, AckTrain_LongerThanHalfTheMinimumRtt_Exits) {
  HyStart h;
  // RTT 20 ms; ACKs 1 ms apart: the train passes 10 ms (half of 20 ms, plus half of the
  // 1 ms pacing allowance) on the 11th ACK after the round starts.
  Nanos t = 0;
  ASSERT_FALSE(h.on_sample(t, 20 * kMs, SeqNum(1), SeqNum(40001), 16, kMs));
  int acks = 0;
  while (!h.on_sample(t += kMs, 20 * kMs, SeqNum(1001), SeqNum(40001), 16, kMs)) ++acks;
  EXPECT_EQ(acks, 10);
  EXPECT_TRUE(h.found());
}

TEST(HyStart, SpacedAcks_AreNoTrain) {
  HyStart h;
  Nanos t = 0;
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(h.on_sample(t += 3 * kMs, 20 * kMs, SeqNum(1001), SeqNum(40001), 16, kMs));
  }
}

TEST(HyStart, DelayIncrease_AfterEightSamples_Exits) {
  HyStart h;
  Nanos t = 0;
  // Round 1 sets the minimum, 40 ms (threshold 40/8 = 5 ms).
  ASSERT_FALSE(h.on_sample(t, 40 * kMs, SeqNum(1), SeqNum(10001), 16, kMs));
  // Round 2 (SND.UNA passed 10001): ACKs 3 ms apart (no train), RTT 46 ms.
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(h.on_sample(t += 3 * kMs, 46 * kMs, SeqNum(10002), SeqNum(30001), 20, kMs));
  }
  EXPECT_TRUE(h.on_sample(t += 3 * kMs, 46 * kMs, SeqNum(10002), SeqNum(30001), 20, kMs));
}

TEST(HyStart, SmallDelayIncrease_BelowFourMs_DoesNotExit) {
  HyStart h;
  Nanos t = 0;
  ASSERT_FALSE(h.on_sample(t, 10 * kMs, SeqNum(1), SeqNum(10001), 16, kMs));
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(h.on_sample(t += 3 * kMs, 13 * kMs, SeqNum(10002), SeqNum(30001), 20, kMs));
  }
}

TEST(HyStart, Reset_ForgetsTheMinimumAndTheExit) {
  HyStart h;
  Nanos t = 0;
  h.on_sample(t, 20 * kMs, SeqNum(1), SeqNum(40001), 16, kMs);
  while (!h.on_sample(t += kMs, 20 * kMs, SeqNum(1001), SeqNum(40001), 16, kMs)) {
  }
  h.reset();
  EXPECT_FALSE(h.found());
  EXPECT_EQ(h.delay_min(), 0);
}

// CUBIC with HyStart: slow start to 16 segments, then an ACK train of 1 ms spacing on a
// 20 ms path ends it with ssthresh at cwnd; without HyStart slow start goes on.
std::uint32_t ssthresh_after_train(bool hystart) {
  constexpr std::uint32_t kMss = 1000;
  Cubic c(kMss, 16 * kMss, hystart);
  Nanos t = 0;
  std::uint32_t una = 1;
  for (int i = 0; i < 16; ++i) {
    c.on_rtt_sample(t, 20 * kMs, SeqNum(una += kMss), SeqNum(100001));
    c.on_ack(t, kMss, 16 * kMss, 20 * kMs);
    t += kMs;
  }
  return c.ssthresh();
}

TEST(CubicHyStart, AckTrain_EndsSlowStartAtCwnd) {
  std::uint32_t ssthresh = ssthresh_after_train(true);
  EXPECT_LT(ssthresh, 0x7fffffffu);
  EXPECT_GE(ssthresh, 16u * 1000);
  EXPECT_EQ(ssthresh_after_train(false), 0x7fffffffu);
}

TEST(CubicHyStart, Rto_ForgetsTheExit) {
  Cubic c(1000, 16 * 1000, true);
  Nanos t = 0;
  for (int i = 0; i < 16; ++i) {
    c.on_rtt_sample(t, 20 * kMs, SeqNum(1001 + 1000 * i), SeqNum(100001));
    c.on_ack(t, 1000, 16000, 20 * kMs);
    t += kMs;
  }
  ASSERT_TRUE(c.hystart().found());
  c.on_rto(t, 16000);
  EXPECT_FALSE(c.hystart().found());
  EXPECT_EQ(c.hystart().delay_min(), 0);
}

}  // namespace
}  // namespace tcpsim::tcp
