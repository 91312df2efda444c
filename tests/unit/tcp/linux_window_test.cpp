// Linux's receive window (LinuxWindow) on its own: the clamp set on establishment, how
// rcv_ssthresh grows per segment, and the window __tcp_select_window picks, scaled and
// unscaled, with a full and a tight buffer.
#include <gtest/gtest.h>

#include "stack/tcp/linux_window.hpp"
#include "stack/tcp/quick_ack.hpp"

namespace tcpsim::tcp {
namespace {

TEST(LinuxWindow, Established_ClampKeepsOneSegmentOfTheBufferBack) {
  LinuxWindow w;
  w.start(65535, 4 * 1024 * 1024, 1460, 8);
  EXPECT_EQ(w.clamp(), 4u * 1024 * 1024 - 1460);
  EXPECT_EQ(w.ssthresh(), 65535u);  // below the clamp: kept
}

TEST(LinuxWindow, Established_WithoutScalingTheClampIsTheField) {
  LinuxWindow w;
  w.start(65535, 4 * 1024 * 1024, 1460, 0);
  EXPECT_EQ(w.clamp(), 65535u);
  EXPECT_EQ(w.ssthresh(), 65535u);
  EXPECT_FALSE(w.grow(1460, 4 * 1024 * 1024, 1460, 1460));  // no room above the clamp
}

TEST(LinuxWindow, Established_SmallBufferLowersTheThreshold) {
  LinuxWindow w;
  w.start(8760, 10000, 1460, 0);
  EXPECT_EQ(w.clamp(), 8540u);
  EXPECT_EQ(w.ssthresh(), 8540u);
}

TEST(LinuxWindow, Grow_TwoOfOurSegmentsOrTwiceTheLength) {
  LinuxWindow w;
  w.start(65535, 1 << 22, 1460, 8);
  // A full-sized segment: two of our MSS.
  EXPECT_TRUE(w.grow(1460, 1 << 22, 1460, 1460));
  EXPECT_EQ(w.ssthresh(), 65535u + 2920);
  // Smaller than the peer's MSS: two of the peer's.
  EXPECT_TRUE(w.grow(500, 1 << 22, 1460, 1000));
  EXPECT_EQ(w.ssthresh(), 65535u + 2920 + 2000);
  // A super-segment larger than both: twice its length.
  EXPECT_TRUE(w.grow(4000, 1 << 22, 1460, 4000));
  EXPECT_EQ(w.ssthresh(), 65535u + 2920 + 2000 + 8000);
}

TEST(LinuxWindow, Grow_StopsAtTheFreeSpaceAndTheClamp) {
  LinuxWindow w;
  w.start(60000, 1 << 22, 1460, 8);
  // Only 61000 bytes free: the threshold rises to them and no further.
  EXPECT_TRUE(w.grow(1460, 61000, 1460, 1460));
  EXPECT_EQ(w.ssthresh(), 61000u);
  EXPECT_FALSE(w.grow(1460, 61000, 1460, 1460));
  EXPECT_EQ(w.ssthresh(), 61000u);
}

TEST(LinuxWindow, Select_ScaledIsTheThresholdRoundedUpToTheUnit) {
  LinuxWindow w;
  w.start(65535, 1 << 22, 1460, 8);
  LinuxWindow::Choice c = w.select(1 << 22, 1 << 22, 536, 8, 65535);
  EXPECT_EQ(c.window, 65536u);
  EXPECT_FALSE(c.low_space);
  // Less free than the threshold: the free space, rounded up.
  c = w.select(3000000, 1 << 22, 536, 8, 65535);
  EXPECT_EQ(c.window, 65536u);
  c = w.select(40000, 1 << 22, 1460, 8, 65535);
  EXPECT_EQ(c.window, 0u);  // under a sixteenth of the buffer: zero
  EXPECT_TRUE(c.low_space);
}

TEST(LinuxWindow, Select_UnscaledIsWholeSegmentsAndKeepsTheLastWithinOne) {
  LinuxWindow w;
  w.start(8760, 10000, 1460, 0);
  // 8540 (the clamp) rounded down to 1000-byte segments.
  EXPECT_EQ(w.select(9000, 10000, 1000, 0, 8760).window, 8000u);
  // Within one segment of the free space: the last window stays.
  EXPECT_EQ(w.select(8000, 10000, 1000, 0, 8000).window, 8000u);
  EXPECT_EQ(w.select(7500, 10000, 1000, 0, 7000).window, 7000u);
  // Further off: whole segments of what is free.
  EXPECT_EQ(w.select(7000, 10000, 1000, 0, 8000).window, 7000u);
  LinuxWindow::Choice c = w.select(4000, 10000, 1000, 0, 6000);
  EXPECT_EQ(c.window, 4000u);
  EXPECT_TRUE(c.low_space);                                   // under half of 8540
  EXPECT_EQ(w.select(900, 10000, 1000, 0, 4000).window, 0u);  // less than a segment
}

TEST(LinuxWindow, QuickAck_GrowingWindowKeepsQuickAcksGoing) {
  QuickAck q(16);
  q.start(0, 1460, 1460, 65535);
  q.on_data(kMillisecond, 1460, 1460, 65535, 300 * kMillisecond);
  EXPECT_EQ(q.quick(), 16u);
  // Sixteen ACKs would end the mode; a window that grows with each segment keeps it.
  for (int i = 0; i < 40; ++i) {
    q.on_window_grew();
    ASSERT_TRUE(q.active());
    q.on_ack_sent(true);
  }
  EXPECT_EQ(q.quick(), 16u);
  q.leave();
  EXPECT_FALSE(q.active());
  q.on_window_grew();
  EXPECT_EQ(q.quick(), 1u);
}

TEST(LinuxWindow, ReadWantsAck_MoreThanASegmentOwedOrTheWindowDoubled) {
  LinuxWindow w;
  w.start(8760, 10000, 1460, 0);
  LinuxWindow::AfterRead r{0, 4100, 10000, 10000, 6000, 1000, 0, true, false};
  // 4100 known, 8000 on offer now: not twice as wide.
  EXPECT_FALSE(w.read_wants_ack(r));
  // Two segments unacknowledged: the ACK goes with the read.
  r.unacked = 2000;
  EXPECT_TRUE(w.read_wants_ack(r));
  r.unacked = 1000;  // one segment is not more than one
  EXPECT_FALSE(w.read_wants_ack(r));
  // 2000 known, 8000 on offer: at least twice.
  r.offered = 2000;
  EXPECT_TRUE(w.read_wants_ack(r));
  r.may_widen = false;  // the peer's FIN is in: no more data to make room for
  EXPECT_FALSE(w.read_wants_ack(r));
  // A short pushed segment, now read to the last byte: the ACK goes.
  r.pushed_drained = true;
  EXPECT_TRUE(w.read_wants_ack(r));
}

}  // namespace
}  // namespace tcpsim::tcp
