// The per-segment marks (stack/tcp/segment_marks.hpp) as ACKs arrive: the reordering the
// sender sees (tcp_check_sack_reordering with SACK, tcp_check_reno_reordering without),
// the rate sample's prior_delivered, and a resend lost again.
#include <gtest/gtest.h>

#include <array>

#include "stack/tcp/segment_marks.hpp"

namespace tcpsim::tcp {
namespace {

constexpr Nanos kMs = kMillisecond;
constexpr std::uint32_t kMss = 1000;

// `n` segments of 1000 bytes from sequence number 1, one per millisecond from 100 ms.
SegmentMarks sent(std::uint32_t n) {
  SegmentMarks m;
  for (std::uint32_t i = 0; i < n; ++i)
    m.on_sent((100 + i) * kMs, SeqNum(1 + kMss * i), SeqNum(1 + kMss * (i + 1)), false);
  return m;
}

// An ACK of `una` with SACK blocks, applied to the scoreboard first (as LossRecovery does)
// and then to the marks.
void ack(SegmentMarks& m, SackScoreboard& board, std::uint32_t una,
         std::initializer_list<wire::SackBlock> blocks, bool reordering = true) {
  std::array<wire::SackBlock, 4> b{};
  std::size_t n = 0;
  for (const auto& blk : blocks) b[n++] = blk;
  board.advance(SeqNum(una));
  board.update(SeqNum(una), m.queue.empty() ? SeqNum(una) : m.queue.back().end, {b.data(), n});
  SegmentMarks::Ack a{SeqNum(una), false, false, true, kMss};
  a.sack_reordering = reordering;
  m.on_ack(a, board);
}

TEST(SegmentMarks, ASegmentSackedBelowOneSackedBeforeIsReordering) {
  SegmentMarks m = sent(8);
  SackScoreboard board;
  ack(m, board, 1, {{6001, 7001}});  // the seventh first: nothing to compare with yet
  EXPECT_EQ(m.reord_seen, 0u);
  EXPECT_EQ(m.sacked_out, 1u);
  // The third: 5000 bytes (five segments) from its start to where the seventh ends
  // (tcp_highest_sack_seq), more than 3.
  ack(m, board, 1, {{2001, 3001}, {6001, 7001}});
  EXPECT_EQ(m.reord_seen, 1u);
  EXPECT_EQ(m.reordering, 5u);
  // The sixth, two segments: seen again, the degree stays.
  ack(m, board, 1, {{2001, 3001}, {5001, 7001}});
  EXPECT_EQ(m.reord_seen, 2u);
  EXPECT_EQ(m.reordering, 5u);
}

TEST(SegmentMarks, AHoleFilledByTheOriginalBelowTheHighestSackIsReordering) {
  SegmentMarks m = sent(8);
  SackScoreboard board;
  ack(m, board, 1, {{5001, 8001}});
  EXPECT_EQ(m.reord_seen, 0u);
  // Everything up to the SACKed block arrives, never resent, below the highest SACKed
  // segment (which ends at 8001); with nothing SACKed left the distance is measured to
  // SND.UNA: 8000 bytes, 8 segments.
  ack(m, board, 8001, {});
  EXPECT_EQ(m.reord_seen, 1u);
  EXPECT_EQ(m.reordering, 8u);
  EXPECT_EQ(m.sacked_out, 0u);
}

TEST(SegmentMarks, ResentSegmentsAreNotReordering) {
  SegmentMarks m = sent(8);
  SackScoreboard board;
  ack(m, board, 1, {{6001, 8001}});
  m.on_sent(200 * kMs, SeqNum(1), SeqNum(1001), true);  // the first is resent
  ack(m, board, 1001, {{6001, 8001}});
  EXPECT_EQ(m.reord_seen, 0u);
  EXPECT_EQ(m.reordering, 3u);
}

TEST(SegmentMarks, NoSackReorderingWhileATimeoutRepairCannotBeUndone) {
  SegmentMarks m = sent(8);
  SackScoreboard board;
  ack(m, board, 1, {{6001, 7001}});
  ack(m, board, 1, {{1001, 2001}, {6001, 7001}}, false);
  EXPECT_EQ(m.reord_seen, 0u);
}

TEST(SegmentMarks, TheDegreeStopsAtTheMaximum) {
  SegmentMarks m = sent(20);
  m.max_reordering = 6;
  SackScoreboard board;
  ack(m, board, 1, {{19001, 20001}});
  ack(m, board, 1, {{1001, 2001}, {19001, 20001}});
  EXPECT_EQ(m.reordering, 6u);
}

TEST(SegmentMarks, WithoutSackMoreDuplicatesThanSegmentsOutIsReordering) {
  SegmentMarks m = sent(3);
  SackScoreboard board;
  SegmentMarks::Ack dup{SeqNum(1), true, false, false, kMss};
  // Three segments out: two duplicate ACKs leave room for the hole; the third cannot be.
  m.on_ack(dup, board);
  m.on_ack(dup, board);
  EXPECT_EQ(m.reord_seen, 0u);
  m.on_ack(dup, board);
  EXPECT_EQ(m.reord_seen, 1u);
  EXPECT_EQ(m.reordering, 3u);  // packets out, as tcp_check_reno_reordering sets it
  EXPECT_EQ(m.reno_sacked, 2u);
}

TEST(SegmentMarks, WithoutSackDuplicatesWhileRepairingATimeoutStandForNothing) {
  SegmentMarks m = sent(3);
  SackScoreboard board;
  m.on_timeout();  // all three lost
  SegmentMarks::Ack dup{SeqNum(1), true, false, false, kMss};
  dup.repairing = true;
  m.on_ack(dup, board);
  m.on_ack(dup, board);
  EXPECT_EQ(m.reno_sacked, 0u);
  EXPECT_EQ(m.reord_seen, 0u);
  EXPECT_EQ(m.delivered, 0u);
}

TEST(SegmentMarks, PriorDeliveredComesFromTheLastSentOfTheDelivered) {
  SegmentMarks m = sent(4);
  SackScoreboard board;
  ack(m, board, 2001, {});  // two delivered; both were sent with 0 delivered (+1)
  EXPECT_EQ(m.prior_delivered, 1u);
  EXPECT_EQ(m.delivered, 2u);
  m.on_sent(300 * kMs, SeqNum(4001), SeqNum(5001), false);  // sent with 2 delivered
  ack(m, board, 2001, {{4001, 5001}});
  EXPECT_EQ(m.prior_delivered, 3u);
  // An ACK that delivers nothing has no sample.
  ack(m, board, 2001, {{4001, 5001}});
  EXPECT_EQ(m.prior_delivered, 0u);
}

TEST(SegmentMarks, AResendLostAgainLeavesFlightAndIsRecorded) {
  SegmentMarks m = sent(3);
  m.mark_lost(m.queue[0]);
  m.mark_lost(m.queue[0]);  // once only
  EXPECT_EQ(m.lost_out, 1u);
  m.on_sent(200 * kMs, SeqNum(1), SeqNum(1001), true);
  EXPECT_EQ(m.retrans_out, 1u);
  m.mark_lost(m.queue[0]);  // the plain marking leaves a resend alone
  EXPECT_EQ(m.retrans_out, 1u);
  EXPECT_TRUE(m.relost.empty());
  m.mark_lost_again(m.queue[0]);
  EXPECT_EQ(m.retrans_out, 0u);
  EXPECT_EQ(m.lost_out, 1u);
  ASSERT_EQ(m.relost.size(), 1u);
  EXPECT_EQ(m.relost[0].end, SeqNum(1001));
  // A timeout marks every resend lost, and the repair after it resends from SND.UNA.
  m.on_sent(300 * kMs, SeqNum(1), SeqNum(1001), true);
  m.on_timeout();
  EXPECT_EQ(m.retrans_out, 0u);
  EXPECT_EQ(m.lost_out, 3u);
  EXPECT_TRUE(m.relost.empty());
}

}  // namespace
}  // namespace tcpsim::tcp
