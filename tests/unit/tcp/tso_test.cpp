// Linux's TSO sizing on its own (stack/tcp/tso.hpp): the pacing rate, tcp_tso_autosize,
// the size goal, the write queue's buffers, tcp_tso_should_defer, and the device's
// segmentation of a super-segment. Expected values are worked from the kernel's formulas.
#include <gtest/gtest.h>

#include "stack/tcp/tso.hpp"

namespace tcpsim::tcp {
namespace {

TsoView slow_start_view(Nanos srtt) {
  TsoView v;
  v.mss = 1000;
  v.cwnd = 10 * 1000;
  v.ssthresh = 0x7fffffff;
  v.in_flight = 0;
  v.max_wnd = 65792;
  v.srtt = srtt;
  v.min_rtt = srtt;
  return v;
}

TEST(Tso, PacingRate_TwiceCwndPerSrttInSlowStart_OneAndAFifthAfter) {
  TcpConfig c;
  TsoView v = slow_start_view(100 * kMillisecond);
  // 200 % x 10 x 1000 B / 0.1 s.
  EXPECT_EQ(tso_pacing_rate(c, v), 200'000u);
  // cwnd no longer under half ssthresh: 120 %.
  v.ssthresh = 20 * 1000;
  EXPECT_EQ(tso_pacing_rate(c, v), 120'000u);
  // packets_out above cwnd counts instead.
  v.in_flight = 15 * 1000;
  EXPECT_EQ(tso_pacing_rate(c, v), 180'000u);
  // No RTT sample: not set (unlimited).
  EXPECT_EQ(tso_pacing_rate(c, slow_start_view(0)), 0u);
}

TEST(Tso, Autosize_FloorAtLongRtt_GsoMaxAtZeroRtt_RttAllowanceInBetween) {
  TcpConfig c;
  // 200 kB/s >> 10 = 195 bytes: under one MSS, so min_tso_segs.
  EXPECT_EQ(tso_segs(c, slow_start_view(100 * kMillisecond)), 2u);
  c.min_tso_segs = 10;
  EXPECT_EQ(tso_segs(c, slow_start_view(100 * kMillisecond)), 10u);
  c.min_tso_segs = 2;
  // No sample: the whole of gso_max_size, 65215 / 1000.
  EXPECT_EQ(tso_segs(c, slow_start_view(0)), 65u);
  // min RTT 1 ms: 1000 µs >> 9 = 1, so gso_max_size / 2 = 32607 bytes join the 195.
  TsoView v = slow_start_view(100 * kMillisecond);
  v.min_rtt = kMillisecond;
  EXPECT_EQ(tso_segs(c, v), 32u);
  // tcp_tso_rtt_log = 0: 1000 µs >> 0 is far beyond 32 halvings: nothing joins.
  c.tso_rtt_log = 0;
  EXPECT_EQ(tso_segs(c, v), 2u);
}

TEST(Tso, SizeGoal_HalfThePeersLargestWindow_WholeSegments) {
  EXPECT_EQ(tso_size_goal(1000, 65792), 32000u);  // 65792 / 2 = 32896
  EXPECT_EQ(tso_size_goal(1000, 0), 65000u);      // no window yet: gso_max_size
  // Under TCP_MSS_DEFAULT: the whole window, still one MSS at least.
  EXPECT_EQ(tso_size_goal(1000, 500), 1000u);
}

TEST(Tso, MaxLen_HalfCwndBoundsEvenAnUnlimitedRate) {
  TcpConfig c;
  EXPECT_EQ(tso_max_len(c, slow_start_view(0)), 5000u);
  EXPECT_EQ(tso_max_len(c, slow_start_view(100 * kMillisecond)), 2000u);
  TsoView v = slow_start_view(0);
  v.cwnd = 1000;  // half of one segment is still one
  EXPECT_EQ(tso_max_len(c, v), 1000u);
}

TEST(TsoQueue, ResendsKeepTheBuffersDataLeftIn) {
  TsoQueue q;
  // Three super-segments of 2000 bytes left.
  q.on_sent(SeqNum(2001), SeqNum(1));
  q.on_sent(SeqNum(4001), SeqNum(1));
  q.on_sent(SeqNum(6001), SeqNum(1));
  EXPECT_EQ(q.left_in_sent(SeqNum(1)), 2000u);
  EXPECT_EQ(q.left_in_sent(SeqNum(2001)), 2000u);
  // A resend of the first segment alone splits the first buffer.
  q.on_sent(SeqNum(1001), SeqNum(1));
  EXPECT_EQ(q.left_in_sent(SeqNum(1)), 1000u);
  EXPECT_EQ(q.left_in_sent(SeqNum(1001)), 1000u);
  // Sending the same end again changes nothing; an ACK drops what lies below it.
  q.on_sent(SeqNum(4001), SeqNum(3001));
  EXPECT_EQ(q.left_in_sent(SeqNum(3001)), 1000u);
  EXPECT_EQ(q.left_in_sent(SeqNum(4001)), 2000u);
  EXPECT_EQ(q.left_in_sent(SeqNum(6001)), 0u);  // nothing sent beyond
}

TEST(TsoQueue, WritesFillTheLastBufferToTheGoal_SendsSplitIt) {
  TsoQueue q;
  SeqNum base(1);
  q.on_write({base, base + 500, 500, 3000, 1u << 20, false});
  q.on_write(
      {base, base + 4000, 3500, 3000, 1u << 20, false});  // 2500 join the first, 1000 start another
  EXPECT_EQ(q.left_in_buffer(base), 3000u);
  EXPECT_EQ(q.left_in_buffer(base + 2000), 1000u);  // 2000 of it left
  EXPECT_EQ(q.left_in_buffer(base + 3000), 1000u);
  // The second buffer is partly sent: a new write fills it up to the goal from there.
  q.on_write({base + 3500, base + 9000, 5000, 3000, 1u << 20, false});
  EXPECT_EQ(q.left_in_buffer(base + 3500), 3000u);
  EXPECT_EQ(q.left_in_buffer(base + 6500), 2500u);
  EXPECT_EQ(q.left_in_buffer(base + 9000), 0u);
}

TEST(TsoQueue, AWriteWithEorEndsItsBuffer_TheNextStartsAnother) {
  TsoQueue q;
  SeqNum base(1);
  q.on_write({base, base + 300, 300, 3000, 1u << 20, true});
  q.on_write({base, base + 600, 300, 3000, 1u << 20, true});  // may not join the first
  q.on_write({base, base + 900, 300, 3000, 1u << 20, false});
  q.on_write(
      {base, base + 1200, 300, 3000, 1u << 20, false});  // joins the third: that write had no eor
  EXPECT_EQ(q.left_in_buffer(base), 300u);
  EXPECT_EQ(q.left_in_buffer(base + 300), 300u);
  EXPECT_EQ(q.left_in_buffer(base + 600), 600u);
  EXPECT_TRUE(q.ends_record(base + 300));
  EXPECT_TRUE(q.ends_record(base + 600));
  EXPECT_FALSE(q.ends_record(base + 900));
  // Acknowledged records are forgotten.
  q.on_sent(base + 1200, base + 600);
  EXPECT_FALSE(q.ends_record(base + 300));
}

TEST(TsoQueue, EachWriteMarksItsEndWithPsh_AJoiningWriteMovesTheMark) {
  TsoQueue q;
  SeqNum base(1);
  q.on_write({base, base + 500, 500, 3000, 1u << 20, false});
  EXPECT_TRUE(q.pushed(base, base + 500));
  // The next write joins the unsent buffer: its old end loses the mark, its new end has it.
  q.on_write({base, base + 800, 300, 3000, 1u << 20, false});
  EXPECT_FALSE(q.pushed(base, base + 500));
  EXPECT_TRUE(q.pushed(base + 500, base + 800));
  // Sent, the buffer keeps its mark whatever is written after it.
  q.on_sent(base + 800, base);
  q.on_write({base + 800, base + 1800, 1000, 3000, 1u << 20, false});
  EXPECT_TRUE(q.pushed(base, base + 800));
  EXPECT_FALSE(q.pushed(base + 800, base + 1700));  // a piece short of the end
  EXPECT_TRUE(q.pushed(base + 1700, base + 1800));
  // MSG_MORE leaves the end unmarked.
  q.on_write({base + 800, base + 2100, 300, 3000, 1u << 20, false, false});
  EXPECT_FALSE(q.pushed(base + 1800, base + 2100));
  // Acknowledged marks are forgotten.
  q.on_sent(base + 2100, base + 1800);
  EXPECT_FALSE(q.pushed(base, base + 1800));
  // A blocking write that goes on after waiting keeps the mark it left before waiting.
  q.on_write({base + 2100, base + 2400, 300, 3000, 1u << 20, false, true});
  q.on_write({base + 2100, base + 2600, 200, 3000, 1u << 20, false, true, true});
  EXPECT_TRUE(q.pushed(base + 2100, base + 2400));
  EXPECT_TRUE(q.pushed(base + 2400, base + 2600));
}

TEST(TsoQueue, ALongWriteIsPushedWhereMoreThanHalfTheLargestWindowWasWritten) {
  TsoQueue q;
  SeqNum base(1);
  // Goal 2000, window 4000, MSG_MORE: buffers end at 2001, 4001, 6001; a mark needs more
  // than 2000 bytes written since the last one (forced_push).
  q.on_write({base, base + 6000, 6000, 2000, 4000, false, false});
  EXPECT_FALSE(q.pushed(base, base + 2000));
  EXPECT_TRUE(q.pushed(base + 2000, base + 4000));
  EXPECT_FALSE(q.pushed(base + 4000, base + 6000));  // only 2000 since the mark at 4001
  // The next write's end is forced, MSG_MORE or not: 2500 bytes since that mark.
  q.on_write({base, base + 6500, 500, 2000, 4000, false, false});
  EXPECT_TRUE(q.pushed(base + 6000, base + 6500));
}

TEST(TsoQueue, AShortResendJoinsWholeBuffersThatFit_NotPastARecordsEnd) {
  TsoQueue q;
  SeqNum base(1);
  for (std::uint32_t i = 1; i <= 5; ++i) {
    q.on_write({base + (i - 1) * 300, base + i * 300, 300, 3000, 1u << 20, i == 3});
    q.on_sent(base + i * 300, base);
  }
  EXPECT_EQ(q.resend_span(base, 1000), 900u);  // stops at the record's end
  EXPECT_EQ(q.resend_span(base + 900, 1000), 600u);
  EXPECT_EQ(q.resend_span(base + 900, 500), 300u);  // the next one does not fit whole
  EXPECT_EQ(q.resend_span(base + 300, 200), 300u);  // a buffer is never cut here
  EXPECT_EQ(q.resend_span(base + 1500, 1000), 0u);  // nothing sent there
}

TEST(TsoQueue, WithoutTsoOnlyABuffersLastSegmentMarksWhereItEnds) {
  TsoQueue q;
  SeqNum base(1);
  q.on_write({base, base + 2920, 2920, 32000, 65535, false});
  q.on_sent(base + 1460, base, true);  // GSO's first piece: not a buffer end
  q.on_sent(base + 2920, base, true);
  EXPECT_EQ(q.left_in_sent(base), 2920u);
  EXPECT_EQ(q.left_in_sent(base + 1160), 1760u);
  q.on_sent(base + 1160, base, false);  // with TSO every segment sent ends a piece
  EXPECT_EQ(q.left_in_sent(base), 1160u);
}

TsoDeferCheck deferrable() {
  TsoDeferCheck d;
  d.now = 200 * kMillisecond;
  d.last_sent = d.now;
  d.head_sent = 100 * kMillisecond;
  d.send_win = 1096;
  d.cong_win = 8000;
  d.snd_wnd = 4096;
  d.skb_len = 6000;
  return d;
}

TEST(Tso, ShouldDefer_EachRuleThatSendsNow) {
  TcpConfig c;
  TsoView v = slow_start_view(100 * kMillisecond);
  v.cwnd = 20'000;
  TsoDeferCheck d = deferrable();
  EXPECT_TRUE(tso_should_defer(c, v, d));  // rwnd-limited

  auto sends = [&](auto change) {
    TsoDeferCheck x = deferrable();
    change(x);
    return !tso_should_defer(c, v, x);
  };
  EXPECT_TRUE(sends([](TsoDeferCheck& x) { x.in_recovery = true; }));
  EXPECT_TRUE(sends([](TsoDeferCheck& x) { x.last_sent = x.now - kMillisecond - 1; }));
  EXPECT_FALSE(sends([](TsoDeferCheck& x) { x.last_sent = x.now - kMillisecond; }));
  // A full super-segment (2 MSS at this pacing rate) fits.
  EXPECT_TRUE(sends([](TsoDeferCheck& x) { x.send_win = 2000; }));
  // All of a buffer in the middle of the queue fits.
  EXPECT_TRUE(sends([](TsoDeferCheck& x) {
    x.tail = false;
    x.skb_len = 1000;
  }));
  // A third of min(snd_wnd, cwnd) is open.
  EXPECT_TRUE(sends([](TsoDeferCheck& x) { x.snd_wnd = 3000; }));
  // Nothing in flight, or the oldest segment left less than SRTT/2 ago: no ACK to wait for.
  EXPECT_TRUE(sends([](TsoDeferCheck& x) { x.head_sent = -1; }));
  EXPECT_TRUE(sends([](TsoDeferCheck& x) { x.head_sent = x.now - 49 * kMillisecond; }));
  // cwnd-limited: waits.
  EXPECT_FALSE(sends([](TsoDeferCheck& x) { x.cong_win = 1000; }));
  // Application-limited: waits for more data, unless the buffer carries the FIN.
  EXPECT_FALSE(sends([](TsoDeferCheck& x) { x.skb_len = 800; }));
  EXPECT_TRUE(sends([](TsoDeferCheck& x) {
    x.skb_len = 800;
    x.fin = true;
  }));
}

TEST(Tso, ShouldDefer_WithoutAWindowDivisor_ThreeSegmentsOpenSendNow) {
  TcpConfig c;
  c.tso_win_divisor = 0;
  c.min_tso_segs = 10;
  TsoView v = slow_start_view(100 * kMillisecond);
  TsoDeferCheck d = deferrable();
  d.send_win = 3500;
  EXPECT_FALSE(tso_should_defer(c, v, d));
  d.send_win = 2500;
  EXPECT_TRUE(tso_should_defer(c, v, d));
}

TEST(Gso, SuperSegmentIsCutIntoMssPieces_FlagsOnTheRightPieces) {
  IpSegment s;
  s.tos = 2;
  s.segment.header.seq = 1000;
  s.segment.header.flags =
      wire::tcp_flag::kAck | wire::tcp_flag::kPsh | wire::tcp_flag::kFin | wire::tcp_flag::kCwr;
  s.segment.payload.resize(2500);
  for (std::size_t i = 0; i < s.segment.payload.size(); ++i) {
    s.segment.payload[i] = static_cast<std::uint8_t>(i);
  }
  s.segment.gso_size = 1000;
  std::vector<IpSegment> out;
  gso_segment(s, out);
  ASSERT_EQ(out.size(), 3u);
  using namespace wire::tcp_flag;
  EXPECT_EQ(out[0].segment.header.seq, 1000u);
  EXPECT_EQ(out[1].segment.header.seq, 2000u);
  EXPECT_EQ(out[2].segment.header.seq, 3000u);
  EXPECT_EQ(out[2].segment.payload.size(), 500u);
  EXPECT_EQ(out[1].segment.payload[0], static_cast<std::uint8_t>(1000));
  EXPECT_EQ(out[0].segment.header.flags, kAck | kCwr);
  EXPECT_EQ(out[1].segment.header.flags, kAck);
  EXPECT_EQ(out[2].segment.header.flags, kAck | kPsh | kFin);
  for (const IpSegment& p : out) {
    EXPECT_EQ(p.tos, 2);
    EXPECT_EQ(p.segment.gso_size, 0);
  }
  // An ordinary segment passes as it is.
  out.clear();
  s.segment.gso_size = 0;
  gso_segment(s, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].segment.payload.size(), 2500u);
}

}  // namespace
}  // namespace tcpsim::tcp
