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
  EXPECT_EQ(Rack::reorder_window(false, 1, 100 * kMs, 100 * kMs), 25 * kMs);
  EXPECT_EQ(Rack::reorder_window(false, 2, 100 * kMs, 10 * kMs), 10 * kMs);  // at most SRTT
  EXPECT_EQ(Rack::reorder_window(false, 3, 100 * kMs, 100 * kMs), 0);
  EXPECT_EQ(Rack::reorder_window(true, 0, 100 * kMs, 100 * kMs), 0);  // in recovery
}

TEST(Rack, AnEarlierSegmentWaitsOutTheWindowThenIsLost) {
  SegmentMarks m = four_sent_at(100 * kMs);
  Rack r;
  // The second segment is SACKed at 200 ms.
  m.queue[1].sacked = true;
  r.on_delivered(200 * kMs, 100 * kMs, SeqNum(2001), false, 100 * kMs);
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
  r.on_delivered(203 * kMs, 103 * kMs, SeqNum(4001), false, 100 * kMs);
  EXPECT_EQ(r.detect_loss(203 * kMs, m, {true, 100 * kMs, 100 * kMs}), 0);
  EXPECT_TRUE(m.queue[0].lost && m.queue[1].lost && m.queue[2].lost);
  EXPECT_EQ(*Rack::lost_end(m), SeqNum(3001));
}

TEST(Rack, AResentSegmentDeliveredTooSoonIsAmbiguousAndIgnored) {
  SegmentMarks m = four_sent_at(100 * kMs);
  Rack r;
  // Delivered 10 ms after being resent, under the 100 ms minimum RTT: it may be the
  // original; RACK does not move.
  r.on_delivered(210 * kMs, 200 * kMs, SeqNum(2001), true, 100 * kMs);
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
