// RACK loss detection (stack/tcp/rack.hpp) on hand-built segment marks: the reordering
// window of tcp_rack_reo_wnd, the ambiguity rule of tcp_rack_advance, and which segments
// tcp_rack_detect_loss marks lost or leaves to the reordering timer.
#include <gtest/gtest.h>

#include "stack/tcp/rack.hpp"

namespace tcpsim::tcp {
namespace {

constexpr Nanos kMs = kMillisecond;

// Four segments of 1000 bytes, all sent at `sent`.
SegmentMarks four_sent_at(Nanos sent) {
  SegmentMarks m;
  for (std::uint32_t i = 0; i < 4; ++i)
    m.on_sent(sent, SeqNum(1 + 1000 * i), SeqNum(1001 + 1000 * i), false);
  return m;
}

TEST(Rack, ReorderWindowIsAQuarterOfTheMinimumRttUntilThreeSacks) {
  Rack r;
  SegmentMarks m;
  m.sacked_out = 1;
  EXPECT_EQ(r.reorder_window({false, 100 * kMs, 100 * kMs}, m), 25 * kMs);
  m.sacked_out = 2;
  EXPECT_EQ(r.reorder_window({false, 100 * kMs, 10 * kMs}, m), 10 * kMs);  // at most SRTT
  m.sacked_out = 3;
  EXPECT_EQ(r.reorder_window({false, 100 * kMs, 100 * kMs}, m), 0);
  m.sacked_out = 0;
  EXPECT_EQ(r.reorder_window({true, 100 * kMs, 100 * kMs}, m), 0);  // in recovery
}

TEST(Rack, OnceReorderingWasSeenTheWindowStaysOpenAndDsacksWidenIt) {
  Rack r;
  SegmentMarks m;
  m.sacked_out = 5;
  m.reordering = 6;  // six SACKed are needed now for the duplicate-ACK shortcut
  EXPECT_EQ(r.reorder_window({false, 100 * kMs, 100 * kMs}, m), 25 * kMs);
  m.reord_seen = 1;
  m.sacked_out = 7;
  EXPECT_EQ(r.reorder_window({true, 100 * kMs, 100 * kMs}, m), 25 * kMs);  // even in recovery
  // A D-SACK, then an ACK delivering a segment sent after it: one more step.
  r.on_dsack(m);
  r.update_reo_wnd(10, 12);
  EXPECT_EQ(r.reo_wnd_steps(), 2u);
  EXPECT_EQ(r.reorder_window({true, 100 * kMs, 100 * kMs}, m), 50 * kMs);
  EXPECT_EQ(r.reorder_window({true, 100 * kMs, 40 * kMs}, m), 40 * kMs);  // at most SRTT
  // A second D-SACK on an ACK for data sent before the growth: the same episode.
  r.on_dsack(m);
  r.update_reo_wnd(11, 13);
  EXPECT_EQ(r.reo_wnd_steps(), 2u);
  // Sixteen recoveries kept without an undo wear it back to one step.
  for (int i = 0; i < 15; ++i) r.on_recovery_end(-1);
  r.update_reo_wnd(20, 21);
  EXPECT_EQ(r.reo_wnd_steps(), 2u);
  r.on_recovery_end(-1);
  r.update_reo_wnd(21, 22);
  EXPECT_EQ(r.reo_wnd_steps(), 1u);
}

TEST(Rack, StaticWindowAndNoDupthreshBits) {
  Rack r;
  SegmentMarks m;
  m.sacked_out = 3;
  // TCP_RACK_NO_DUPTHRESH: three SACKed no longer close the window.
  EXPECT_EQ(r.reorder_window({false, 100 * kMs, 100 * kMs, false}, m), 0);
  EXPECT_EQ(r.reorder_window({false, 100 * kMs, 100 * kMs, true}, m), 25 * kMs);
  // TCP_RACK_STATIC_REO_WND: D-SACKs do not widen it.
  m.reord_seen = 1;
  r.on_dsack(m);
  r.update_reo_wnd(10, 12, true);
  EXPECT_EQ(r.reo_wnd_steps(), 1u);
}

TEST(Rack, ADsackBeforeAnyReorderingLeavesTheWindowAlone) {
  Rack r;
  SegmentMarks m;
  r.on_dsack(m);
  r.update_reo_wnd(10, 12);
  EXPECT_EQ(r.reo_wnd_steps(), 1u);
}

TEST(Rack, AResendLostAgainIsMarkedAndRecorded) {
  SegmentMarks m = four_sent_at(100 * kMs);
  Rack r;
  m.mark_lost(m.queue[0]);
  m.on_sent(150 * kMs, SeqNum(1), SeqNum(1001), true);  // resent
  EXPECT_EQ(m.retrans_out, 1u);
  // The last segment, resent later still, is SACKed at 300 ms: the resend of the first,
  // older than RACK's RTT, is lost again.
  m.on_sent(160 * kMs, SeqNum(3001), SeqNum(4001), true);
  m.queue[3].sacked = true;
  r.on_delivered(300 * kMs, m.queue[3], 100 * kMs);
  EXPECT_EQ(r.detect_loss(300 * kMs, m, {true, 100 * kMs, 100 * kMs}), 0);
  EXPECT_TRUE(m.queue[0].lost);
  EXPECT_FALSE(m.queue[0].retransmitted);
  EXPECT_EQ(m.retrans_out, 1u);  // the last segment's resend was counted; the first's is lost
  ASSERT_EQ(m.relost.size(), 1u);
  EXPECT_EQ(m.relost[0].start, SeqNum(1));
  EXPECT_EQ(m.relost[0].end, SeqNum(1001));
}

TEST(Rack, AnEarlierSegmentWaitsOutTheWindowThenIsLost) {
  SegmentMarks m = four_sent_at(100 * kMs);
  Rack r;
  // The second segment is SACKed at 200 ms.
  m.queue[1].sacked = true;
  r.on_delivered(200 * kMs, m.queue[1], 100 * kMs);
  Rack::Window w{false, 100 * kMs, 100 * kMs};
  // 25 ms left for the first: the timer waits 25 ms + two jiffies; nothing lost yet.
  EXPECT_EQ(r.detect_loss(200 * kMs, m, w), 27 * kMs);
  EXPECT_FALSE(Rack::lost_end(m).has_value());
  // The timer: now it is lost; the later segments (not sent before the SACKed one) not.
  EXPECT_EQ(r.detect_loss(227 * kMs, m, w, true), 0);
  EXPECT_TRUE(m.queue[0].lost);
  EXPECT_FALSE(m.queue[2].lost);
  EXPECT_EQ(m.lost_out, 1u);
  ASSERT_TRUE(Rack::lost_end(m).has_value());
  EXPECT_EQ(*Rack::lost_end(m), SeqNum(1001));
}

TEST(Rack, InRecoveryEverythingSentBeforeTheDeliveredSegmentIsLostAtOnce) {
  SegmentMarks m;
  for (std::uint32_t i = 0; i < 4; ++i)
    m.on_sent((100 + i) * kMs, SeqNum(1 + 1000 * i), SeqNum(1001 + 1000 * i), false);
  Rack r;
  m.queue[3].sacked = true;
  r.on_delivered(203 * kMs, m.queue[3], 100 * kMs);
  EXPECT_EQ(r.detect_loss(203 * kMs, m, {true, 100 * kMs, 100 * kMs}), 0);
  EXPECT_TRUE(m.queue[0].lost && m.queue[1].lost && m.queue[2].lost);
  EXPECT_EQ(*Rack::lost_end(m), SeqNum(3001));
}

TEST(Rack, AResentSegmentDeliveredTooSoonIsAmbiguousAndIgnored) {
  SegmentMarks m = four_sent_at(100 * kMs);
  Rack r;
  // Delivered 10 ms after being resent, under the 100 ms minimum RTT: it may be the
  // original; RACK does not move.
  m.on_sent(200 * kMs, SeqNum(1001), SeqNum(2001), true);
  r.on_delivered(210 * kMs, m.queue[1], 100 * kMs);
  EXPECT_EQ(r.detect_loss(210 * kMs, m, {false, 100 * kMs, 100 * kMs}, true), 0);
  EXPECT_EQ(m.lost_out, 0u);
}

TEST(Rack, NothingToDoWithoutADelivery) {
  SegmentMarks m = four_sent_at(100 * kMs);
  Rack r;
  EXPECT_EQ(r.detect_loss(900 * kMs, m, {false, 100 * kMs, 100 * kMs}), 0);
  EXPECT_EQ(r.detect_loss(900 * kMs, m, {false, 100 * kMs, 100 * kMs}, true), 0);
  EXPECT_EQ(m.lost_out, 0u);
}

}  // namespace
}  // namespace tcpsim::tcp
