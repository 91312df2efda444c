// The receiver's RTT estimate (RcvRtt): the timestamp samples, the once-per-window measure,
// and tcp_rcv_rtt_update's rules for which sample is taken.
#include <gtest/gtest.h>

#include "stack/tcp/rcv_rtt.hpp"

namespace tcpsim::tcp {
namespace {

TEST(RcvRtt, Timestamps_SmallerReplacesLargerAveragesUnlessDataIsUnread) {
  RcvRtt r;
  r.on_segment({100, 300, 1000, 536, false});  // 200 ms
  EXPECT_EQ(r.rtt_us(), 200000u);
  r.on_segment({300, 350, 1000, 536, false});  // 50 ms: replaces
  EXPECT_EQ(r.rtt_us(), 50000u);
  r.on_segment({350, 450, 1000, 536, true});  // 100 ms, unread data: ignored
  EXPECT_EQ(r.rtt_us(), 50000u);
  r.on_segment({450, 550, 1000, 536, false});  // 100 ms: 7/8 of 50 ms + 1/8 of 100 ms
  EXPECT_EQ(r.rtt_us(), 56250u);
}

TEST(RcvRtt, Timestamps_EachEchoOnceOnlyFullSegmentsAndNoZeroDelta) {
  RcvRtt r;
  r.on_segment({0, 300, 1000, 536, false});  // an echo of 0 as the first: nothing new
  EXPECT_EQ(r.rtt_us(), 0u);
  r.on_segment({100, 300, 100, 536, false});  // short: the echo is used up
  r.on_segment({100, 300, 1000, 536, false});
  EXPECT_EQ(r.rtt_us(), 0u);
  r.on_segment({300, 300, 1000, 536, false});  // a 0 ms delta is no sample
  EXPECT_EQ(r.rtt_us(), 0u);
}

TEST(RcvRtt, Window_ArmsAtTheOfferedEdgeAndKeepsOnlySmallerSamples) {
  RcvRtt r;
  r.on_data(SeqNum(1001), 2920, 200 * kMillisecond);  // armed for 3921
  r.on_data(SeqNum(3001), 2920, 300 * kMillisecond);
  EXPECT_EQ(r.rtt_us(), 0u);
  r.on_data(SeqNum(4001), 2920, 350 * kMillisecond);  // reached: 150 ms; armed for 6921
  EXPECT_EQ(r.rtt_us(), 150000u);
  r.on_data(SeqNum(7001), 2920, 380 * kMillisecond);  // 30 ms: smaller, taken
  EXPECT_EQ(r.rtt_us(), 30000u);
  r.on_data(SeqNum(10001), 2920, 680 * kMillisecond);  // 300 ms: larger, ignored
  EXPECT_EQ(r.rtt_us(), 30000u);
}

TEST(RcvRtt, Window_ASampleInTheSameInstantCountsAsOneMicrosecond) {
  RcvRtt r;
  r.on_data(SeqNum(1), 100, 0);
  r.on_data(SeqNum(200), 100, 0);
  EXPECT_EQ(r.rtt_us(), 1u);
}

}  // namespace
}  // namespace tcpsim::tcp
