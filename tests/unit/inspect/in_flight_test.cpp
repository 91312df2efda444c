// Segments in flight to one end: an ACK delivers, in the order sent, everything up to the
// last segment it covers (a resend it covers brings the segments sent before it).
#include "sim/inspect/in_flight.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tcpsim::sim::inspect {
namespace {

DecodedSegment data(std::uint64_t frame, std::uint32_t seq, std::uint32_t len) {
  DecodedSegment s;
  s.frame = frame;
  s.tcp.seq = seq;
  s.len = len;
  return s;
}

std::vector<std::uint64_t> take(InFlight& f, std::uint32_t ack) {
  std::vector<std::uint64_t> out;
  f.take_covered(tcp::SeqNum(ack), [&](const DecodedSegment& s) { out.push_back(s.frame); });
  return out;
}

TEST(InspectInFlight, AckCoveringAPrefix_DeliversItInOrder) {
  InFlight f;
  f.push(data(1, 100, 10));
  f.push(data(2, 110, 10));
  f.push(data(3, 120, 10));
  EXPECT_EQ(take(f, 105), std::vector<std::uint64_t>{});
  EXPECT_EQ(take(f, 120), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(take(f, 130), (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(f.empty());
}

TEST(InspectInFlight, ResendCovered_BringsWhatWasSentBeforeIt) {
  InFlight f;
  f.push(data(1, 100, 10));  // lost on the path
  f.push(data(2, 110, 10));
  f.push(data(3, 100, 10));  // the resend
  EXPECT_EQ(take(f, 110), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(InspectInFlight, TakeAll_EmptiesInOrder) {
  InFlight f;
  f.push(data(1, 100, 10));
  f.push(data(2, 110, 10));
  std::vector<std::uint64_t> out;
  f.take_all([&](const DecodedSegment& s) { out.push_back(s.frame); });
  EXPECT_EQ(out, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(take(f, 1000), std::vector<std::uint64_t>{});
}

}  // namespace
}  // namespace tcpsim::sim::inspect
