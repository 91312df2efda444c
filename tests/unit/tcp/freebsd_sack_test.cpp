// FreeBSD's receiver SACK list (tcp_sack.c): the blocks each update leaves, worked out by
// hand from the kernel's rules, relative to RCV.NXT = 1.
#include <gtest/gtest.h>

#include <string>

#include "stack/tcp/freebsd_sack.hpp"

namespace tcpsim::tcp {
namespace {

const SeqNum kNxt(1);

std::string blocks(const FreeBsdSackList& l) {
  std::string s;
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (!s.empty()) s += ' ';
    s += std::to_string(l[i].start.raw()) + ":" + std::to_string(l[i].end.raw());
  }
  return s;
}

void dsack(FreeBsdSackList& l, std::uint32_t s, std::uint32_t e, SeqNum nxt = kNxt) {
  l.update_dsack(SeqNum(s), SeqNum(e), nxt);
}

TEST(FreeBsdSack, NewRangesGoFirstOldOnesFollowInOrder) {
  FreeBsdSackList l;
  dsack(l, 2001, 3001);
  dsack(l, 4001, 5001);
  dsack(l, 6001, 7001);
  EXPECT_EQ(blocks(l), "6001:7001 4001:5001 2001:3001");
  dsack(l, 3001, 4001);  // joins the two around it: one block, first
  EXPECT_EQ(blocks(l), "2001:5001 6001:7001");
}

TEST(FreeBsdSack, ExactRepeatIsReportedTwiceAndTheCopyOutlivesTheAck) {
  FreeBsdSackList l;
  dsack(l, 2001, 3001);
  dsack(l, 2001, 3001);
  EXPECT_EQ(blocks(l), "2001:3001 2001:3001");
  l.clean(kNxt);  // above RCV.NXT: the D-SACK copy is not cleaned
  EXPECT_EQ(blocks(l), "2001:3001 2001:3001");
  dsack(l, 4001, 5001);
  EXPECT_EQ(blocks(l), "4001:5001 2001:3001 2001:3001");
}

TEST(FreeBsdSack, PartialOverlapReportsTheSharedPartThenTheUnion) {
  FreeBsdSackList l;
  dsack(l, 2001, 3001);
  dsack(l, 2501, 3501);
  EXPECT_EQ(blocks(l), "2501:3001 2001:3501");
  FreeBsdSackList two;
  dsack(two, 2001, 3001);
  dsack(two, 4001, 5001);
  dsack(two, 2501, 4501);  // the lowest block it meets gives the D-SACK
  EXPECT_EQ(blocks(two), "2501:3001 2001:5001");
  FreeBsdSackList covering;
  dsack(covering, 3001, 4001);
  dsack(covering, 2001, 5001);
  EXPECT_EQ(blocks(covering), "3001:4001 2001:5001");
}

TEST(FreeBsdSack, FillingTheHoleLeavesOnlyTheDuplicatePart) {
  FreeBsdSackList l;
  dsack(l, 2001, 3001);
  // 1:2501 arrived; RCV.NXT moved past the held block to 3001.
  dsack(l, 1, 2501, SeqNum(3001));
  EXPECT_EQ(blocks(l), "2001:2501");
  l.clean(SeqNum(3001));
  EXPECT_EQ(blocks(l), "");
}

TEST(FreeBsdSack, DuplicateBelowRcvNxtGoesFirstAndIsCleanedOnceSent) {
  FreeBsdSackList l;
  dsack(l, 2001, 3001, SeqNum(1001));
  l.update(SeqNum(1), SeqNum(501), SeqNum(1001));
  EXPECT_EQ(blocks(l), "1:501 2001:3001");
  l.clean(SeqNum(1001));
  EXPECT_EQ(blocks(l), "2001:3001");
}

TEST(FreeBsdSack, UpdateMergesAdjoiningAndKeepsSixAtMost) {
  FreeBsdSackList l;
  for (std::uint32_t s = 1001; s <= 13001; s += 2000) l.update(SeqNum(s), SeqNum(s + 1000), kNxt);
  ASSERT_EQ(l.size(), 6u);
  EXPECT_EQ(blocks(l), "13001:14001 11001:12001 9001:10001 7001:8001 5001:6001 3001:4001");
  l.update(SeqNum(12001), SeqNum(13001), kNxt);  // adjoins two: one block, first
  EXPECT_EQ(blocks(l), "11001:14001 9001:10001 7001:8001 5001:6001 3001:4001");
  std::array<wire::SackBlock, 4> out{};
  ASSERT_EQ(l.copy_out(out, 3), 3u);
  EXPECT_EQ(out[0].left, 11001u);
  EXPECT_EQ(out[2].right, 8001u);
}

TEST(FreeBsdSack, UpdateOverlapPutsTheSharedPartFirst) {
  FreeBsdSackList l;
  l.update(SeqNum(2001), SeqNum(3001), kNxt);
  l.update(SeqNum(2501), SeqNum(3501), kNxt);
  EXPECT_EQ(blocks(l), "2501:3001 2001:3501");
  l.clear();
  EXPECT_EQ(l.size(), 0u);
}

}  // namespace
}  // namespace tcpsim::tcp
