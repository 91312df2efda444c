// A FIN meeting data held out of order: in every rule the stream ends at the FIN (what
// was held past it is dropped); FreeBSD's tcp_reass drops FINs that contradict held data.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "stack/tcp/receiver.hpp"

namespace tcpsim::tcp {
namespace {

constexpr std::uint32_t kMss = 1000;

Receiver ready(bool freebsd) {
  Receiver r(64 * 1024, false, freebsd);
  r.start(SeqNum(0));
  r.advertise(kMss, 0, freebsd ? WindowRule::FreeBsd : WindowRule::Rfc, kMss);
  r.on_ack_sent();
  return r;
}

Receiver::AckRule rule() {
  return {200 * kMillisecond, false, kMss, 0, kMss, true, false, false, 0};
}

// Text [seq, seq + kMss), with a FIN after it when `fin`; returns whether the FIN was taken.
bool segment(Receiver& r, std::uint32_t seq, bool fin = false) {
  std::vector<std::uint8_t> data(kMss, 7);
  Receiver::TextResult res = r.on_text(SeqNum(seq), data, fin, nullptr, rule());
  bool taken = res.fin_ready && r.on_fin(r.nxt());
  if (fin) taken = r.on_fin(SeqNum(seq + kMss)) || taken;
  return taken;
}

std::size_t held_blocks(const Receiver& r) {
  std::array<wire::SackBlock, 4> out{};
  return r.sack_blocks(out, 4);
}

TEST(ReceiverFin, EveryRule_TheStreamEndsAtAFinThatCameEarly) {
  for (bool freebsd : {false, true}) {
    Receiver r = ready(freebsd);
    EXPECT_FALSE(segment(r, 1001, true));  // FIN at 2001, ahead of a gap
    EXPECT_FALSE(segment(r, 2001));        // text past it
    EXPECT_TRUE(segment(r, 1));            // the gap fills: the FIN is reached
    EXPECT_EQ(r.nxt(), SeqNum(2002)) << "freebsd " << freebsd;
    EXPECT_EQ(r.queued(), 2000u);
    EXPECT_EQ(held_blocks(r), 0u);
  }
}

TEST(ReceiverFin, RfcRule_AFinBeforeHeldDataIsTakenAndTheHeldDataGoes) {
  Receiver r = ready(false);
  segment(r, 2001);
  EXPECT_TRUE(segment(r, 1, true));
  EXPECT_EQ(r.nxt(), SeqNum(1002));
  EXPECT_EQ(held_blocks(r), 0u);
}

TEST(ReceiverFin, FreeBsd_AFinBeforeHeldDataIsDroppedWhole) {
  Receiver r = ready(true);
  segment(r, 2001);
  r.on_ack_sent();
  EXPECT_FALSE(segment(r, 1, true));
  EXPECT_EQ(r.nxt(), SeqNum(1));  // its text went too
  EXPECT_TRUE(r.ack_owed());
  EXPECT_FALSE(r.on_fin(SeqNum(1)));  // a bare FIN at RCV.NXT likewise
  EXPECT_FALSE(r.fin_received());
}

TEST(ReceiverFin, FreeBsd_AFinOnTextAlreadyHeldIsLost) {
  Receiver r = ready(true);
  segment(r, 1001);
  EXPECT_FALSE(segment(r, 1001, true));
  EXPECT_FALSE(segment(r, 1));
  EXPECT_EQ(r.nxt(), SeqNum(2001));
  EXPECT_FALSE(r.fin_received());
  EXPECT_TRUE(segment(r, 2001, true));  // a FIN with new text is taken
  EXPECT_EQ(r.nxt(), SeqNum(3002));
}

}  // namespace
}  // namespace tcpsim::tcp
