// The deterministic random streams: fixed outputs, forks, and distribution sanity.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "sim/core/rng.hpp"

namespace tcpsim::sim {
namespace {

TEST(Rng, Seed0_FirstOutputsMatchReference) {
  // State from splitmix64(0) (0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ...), outputs from
  // a separate reference implementation of xoshiro256**.
  Rng rng(0);
  EXPECT_EQ(rng.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng.next_u64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(rng.next_u64(), 0x1a5f849d4933e6e0ULL);
  EXPECT_EQ(rng.next_u64(), 0x6aa594f1262d2d2cULL);
}

TEST(Rng, Seed42_FirstOutputsMatchReference) {
  Rng rng(42);
  EXPECT_EQ(rng.next_u64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(rng.next_u64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(rng.next_u64(), 0xae17533239e499a1ULL);
}

TEST(Rng, Fork_DerivedFromKeyAndName_MatchesReference) {
  Rng child = Rng(42).fork("loss");
  EXPECT_EQ(child.key(), 0x077be57761010928ULL);
  EXPECT_EQ(child.next_u64(), 0x0c2b3597250c3bccULL);
  EXPECT_EQ(child.next_u64(), 0x848727807cd017b4ULL);
}

TEST(Rng, SameSeed_SameSequence) {
  Rng a(7);
  Rng b(7);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, Fork_IndependentOfParentDraws) {
  Rng parent(99);
  Rng early = parent.fork("reorder");
  for (int i = 0; i < 100; ++i) parent.next_u64();
  Rng late = parent.fork("reorder");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(early.next_u64(), late.next_u64());
}

TEST(Rng, Fork_DifferentNames_DifferentStreams) {
  Rng root(1);
  Rng a = root.fork("loss");
  Rng b = root.fork("duplicate");
  Rng c = root.fork("loss ");
  int same_ab = 0;
  int same_ac = 0;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t x = a.next_u64();
    same_ab += x == b.next_u64();
    same_ac += x == c.next_u64();
  }
  EXPECT_EQ(same_ab, 0);
  EXPECT_EQ(same_ac, 0);
  EXPECT_NE(Rng(1).fork("x").key(), Rng(2).fork("x").key());
}

TEST(Rng, Uniform01_InRangeWithMeanNearHalf) {
  Rng rng(5);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);  // sd of the mean ~0.0009
}

TEST(Rng, Uniform_CoversRangeEvenly) {
  Rng rng(6);
  std::vector<int> counts(7);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    std::uint64_t v = rng.uniform(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);  // sd ~93
  EXPECT_EQ(rng.uniform(0), 0u);
  EXPECT_EQ(rng.uniform(1), 0u);
}

TEST(Rng, Bernoulli_EdgeProbabilities) {
  Rng rng(8);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(rng.bernoulli(0.0));
    ASSERT_TRUE(rng.bernoulli(1.0));
  }
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += rng.bernoulli(0.25);
  EXPECT_NEAR(hits, 25000, 700);  // sd ~137
}

}  // namespace
}  // namespace tcpsim::sim
