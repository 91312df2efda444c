// The SACK scoreboard (RFC 2018 blocks kept for RFC 6675 recovery).
#include <gtest/gtest.h>

#include "stack/tcp/sack_scoreboard.hpp"

namespace tcpsim::tcp {
namespace {

std::vector<wire::SackBlock> blocks(
    std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> b) {
  std::vector<wire::SackBlock> v;
  for (auto [l, r] : b) v.push_back({l, r});
  return v;
}

TEST(SackScoreboard, Update_MergesOverlappingAndAdjacentBlocks) {
  SackScoreboard sb;
  EXPECT_TRUE(sb.update(SeqNum(100), SeqNum(1000), blocks({{200, 300}, {400, 500}})));
  EXPECT_EQ(sb.sacked_bytes(), 200u);
  EXPECT_TRUE(sb.update(SeqNum(100), SeqNum(1000), blocks({{300, 400}})));
  ASSERT_EQ(sb.ranges().size(), 1u);
  EXPECT_EQ(sb.sacked_bytes(), 300u);
  EXPECT_FALSE(sb.update(SeqNum(100), SeqNum(1000), blocks({{250, 450}})));  // nothing new
}

TEST(SackScoreboard, Update_IgnoresBlocksOutsideTheWindow) {
  SackScoreboard sb;
  EXPECT_FALSE(sb.update(SeqNum(100), SeqNum(1000), blocks({{50, 90}, {900, 1100}, {300, 200}})));
  EXPECT_TRUE(sb.empty());
}

TEST(SackScoreboard, Advance_DropsWhatTheCumulativeAckCovers) {
  SackScoreboard sb;
  sb.update(SeqNum(100), SeqNum(1000), blocks({{200, 300}, {400, 500}}));
  sb.advance(SeqNum(250));
  EXPECT_EQ(sb.sacked_bytes(), 150u);
  sb.advance(SeqNum(600));
  EXPECT_TRUE(sb.empty());
  EXPECT_EQ(sb.sacked_bytes(), 0u);
}

TEST(SackScoreboard, IsLost_ThreeSegmentsSackedAbove) {
  SackScoreboard sb;
  sb.update(SeqNum(0), SeqNum(10000), blocks({{1000, 3000}}));
  EXPECT_FALSE(sb.is_lost(SeqNum(0), 1000));  // 2000 bytes above: two segments
  sb.update(SeqNum(0), SeqNum(10000), blocks({{4000, 5000}}));
  EXPECT_TRUE(sb.is_lost(SeqNum(0), 1000));  // RFC 6675 IsLost: DupThresh segments
  EXPECT_FALSE(sb.is_lost(SeqNum(3000), 1000));
}

TEST(SackScoreboard, LostLimit_AgreesWithIsLostEverywhere) {
  SackScoreboard sb;
  EXPECT_FALSE(sb.lost_limit(1000).has_value());  // nothing SACKed
  sb.update(SeqNum(0), SeqNum(20000), blocks({{1000, 2500}, {4000, 4500}}));
  EXPECT_FALSE(sb.lost_limit(1000).has_value());  // 2000 bytes: under three segments
  sb.update(SeqNum(0), SeqNum(20000), blocks({{6000, 7000}, {9000, 9200}}));
  ASSERT_TRUE(sb.lost_limit(1000).has_value());
  // 3000 bytes lie above 1200: 1300 of [1000, 2500) with 500 + 1000 + 200 above it.
  EXPECT_EQ(*sb.lost_limit(1000), SeqNum(1200));
  for (std::uint32_t s = 0; s < 10000; s += 50) {
    EXPECT_EQ(sb.is_lost(SeqNum(s), 1000), SeqNum(s) <= *sb.lost_limit(1000)) << "at " << s;
  }
  // At the bottom of a range (1200 bytes from 6000 up), or inside a higher one.
  EXPECT_EQ(*sb.lost_limit(400), SeqNum(6000));
  EXPECT_EQ(*sb.lost_limit(500), SeqNum(4200));
}

TEST(SackScoreboard, SkipAndNext_WalkTheHoles) {
  SackScoreboard sb;
  sb.update(SeqNum(0), SeqNum(10000), blocks({{1000, 2000}, {3000, 4000}}));
  EXPECT_EQ(sb.skip_sacked(SeqNum(500)), SeqNum(500));
  EXPECT_EQ(sb.skip_sacked(SeqNum(1500)), SeqNum(2000));
  EXPECT_EQ(sb.next_sacked(SeqNum(2000), SeqNum(9999)), SeqNum(3000));
  EXPECT_EQ(sb.next_sacked(SeqNum(3500), SeqNum(9999)), SeqNum(9999));
  EXPECT_EQ(sb.highest_sacked(), SeqNum(4000));
  EXPECT_EQ(sb.sacked_above(SeqNum(1500)), 1500u);
}

TEST(SackScoreboard, Wraparound_CompareModulo2To32) {
  SackScoreboard sb;
  std::uint32_t base = 0xFFFFFF00u;
  sb.update(SeqNum(base), SeqNum(base + 5000), blocks({{base + 0x200, base + 0x300}}));
  EXPECT_EQ(sb.sacked_bytes(), 0x100u);
  EXPECT_EQ(sb.skip_sacked(SeqNum(base + 0x250)), SeqNum(base + 0x300));
}

}  // namespace
}  // namespace tcpsim::tcp
