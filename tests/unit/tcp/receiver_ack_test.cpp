// When the receiver's ACKs go, by Linux's rules: which ACKs count as scheduled (and so use
// up a quick ACK), and SACK compression for data beyond a hole.
#include <gtest/gtest.h>

#include <vector>

#include "stack/tcp/receiver.hpp"

namespace tcpsim::tcp {
namespace {

constexpr std::uint32_t kMss = 1000;

Receiver ready() {
  Receiver r(64 * 1024, true);
  r.start(SeqNum(0));
  r.advertise(kMss, 0, WindowRule::Linux, kMss);
  r.on_ack_sent();
  return r;
}

Receiver::AckRule linux_rule(bool quickack_mode, std::uint32_t comp_sack_nr = 44) {
  return {40 * kMillisecond, true, kMss, 0, kMss, true, false, quickack_mode, comp_sack_nr};
}

Receiver::TextResult text(Receiver& r, std::uint32_t seq, const Receiver::AckRule& a) {
  std::vector<std::uint8_t> data(kMss, 0);
  return r.on_text(SeqNum(seq), data, false, nullptr, a);
}

TEST(ReceiverAck, TextOrAFinIsScheduled_AWindowUpdateIsNot) {
  Receiver r = ready();
  text(r, 1, linux_rule(false));
  EXPECT_TRUE(r.on_ack_sent());
  r.request_ack();  // a read opened the window
  EXPECT_FALSE(r.on_ack_sent());
  r.on_fin(SeqNum(1 + kMss));
  EXPECT_TRUE(r.on_ack_sent());
}

TEST(ReceiverAck, SackCompression_ThreeDuplicateAcksThenTheTimer) {
  Receiver r = ready();
  auto a = linux_rule(false);
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto res = text(r, 1 + kMss * (2 + i), a);  // beyond the hole at 1
    EXPECT_FALSE(res.compress);
    EXPECT_TRUE(r.ack_owed());
    r.on_ack_sent();
  }
  auto res = text(r, 1 + kMss * 5, a);
  EXPECT_TRUE(res.compress);
  EXPECT_FALSE(r.ack_owed());
  EXPECT_TRUE(text(r, 1 + kMss * 6, a).compress);
  r.on_ack_sent();  // the timer's ACK
  // Still the same RCV.NXT: the duplicate ACKs are spent, so the next one waits too.
  EXPECT_TRUE(text(r, 1 + kMss * 7, a).compress);
}

TEST(ReceiverAck, SackCompression_NotInQuickAckModeNotPastTheLimit) {
  Receiver r = ready();
  for (std::uint32_t i = 0; i < 3; ++i) {
    text(r, 1 + kMss * (2 + i), linux_rule(false, 2));
    r.on_ack_sent();
  }
  EXPECT_FALSE(text(r, 1 + kMss * 5, linux_rule(true, 2)).compress);  // quick-ACK mode
  r.on_ack_sent();
  EXPECT_TRUE(text(r, 1 + kMss * 6, linux_rule(false, 2)).compress);
  EXPECT_TRUE(text(r, 1 + kMss * 7, linux_rule(false, 2)).compress);
  EXPECT_FALSE(text(r, 1 + kMss * 8, linux_rule(false, 2)).compress);  // two wait already
  EXPECT_TRUE(r.ack_owed());
}

}  // namespace
}  // namespace tcpsim::tcp

namespace tcpsim::tcp {
namespace {

TEST(ReceiverAck, LowSpaceEndsQuickAckModeBeforeTheAckIsDecided) {
  Receiver r(10000, true);
  r.note_peer_syn(SeqNum(0), 0, {kMss, 0});
  std::vector<std::uint8_t> data(kMss, 0);
  Receiver::AckRule quick{0, true, kMss, 0, kMss, true, true, true, 44};
  for (std::uint32_t i = 0; i < 6; ++i) {  // unread: 6000 of 10000 bytes
    r.advertise(kMss, 0, WindowRule::Linux, kMss);
    r.on_ack_sent();
    auto res = r.on_text(SeqNum(1 + i * kMss), data, false, nullptr, quick);
    EXPECT_FALSE(res.quick_ended) << i;
    EXPECT_TRUE(r.ack_owed()) << i;  // quick-ACK mode: at once
  }
  r.advertise(kMss, 0, WindowRule::Linux, kMss);
  r.on_ack_sent();
  // A segment larger than the peer's MSS estimate: more than one frame unacknowledged, so
  // the window is chosen; under half the buffer is free, which ends quick-ACK mode, and
  // the window would shrink, so the ACK waits.
  quick.rcv_mss = kMss / 2;
  auto res = r.on_text(SeqNum(1 + 6 * kMss), data, false, nullptr, quick);
  EXPECT_TRUE(res.quick_ended);
  EXPECT_TRUE(res.delayed_ack);
  EXPECT_FALSE(r.ack_owed());
}

}  // namespace
}  // namespace tcpsim::tcp

namespace tcpsim::tcp {
namespace {

// A segment that starts in the window but runs past its right edge: RFC 9293 keeps the
// part inside the window; Linux keeps it whole while memory lasts (tcp_data_queue).
TEST(ReceiverWindow, TextPastTheRightEdgeIsTrimmed_ButKeptWholeByLinux) {
  for (bool linux : {false, true}) {
    Receiver r(4000, true);
    r.start(SeqNum(0));
    r.advertise(kMss, 0, linux ? WindowRule::Linux : WindowRule::Rfc, kMss);
    std::uint32_t edge = r.offered();
    ASSERT_GT(edge, 0u);
    ASSERT_LT(edge, 4000u + Receiver::kWindowSlack);
    std::vector<std::uint8_t> data(edge + 500, 0);
    Receiver::AckRule rule = linux_rule(false);
    rule.linux_rule = linux;
    r.on_text(SeqNum(1), data, false, nullptr, rule);
    EXPECT_EQ(r.nxt(), SeqNum(1) + (linux ? edge + 500 : edge)) << (linux ? "linux" : "rfc");
  }
}

}  // namespace
}  // namespace tcpsim::tcp
