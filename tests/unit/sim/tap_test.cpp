// Capture taps: what frames they write, and when.
#include <gtest/gtest.h>

#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/tap.hpp"
#include "sim_test_util.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim {
namespace {

using test::frame_of_size;
using test::MemoryCapture;
using test::Pair;

LinkParams slow_link() {
  LinkParams p;
  p.rate_bps = 1'000'000;
  p.delay = 5 * kMillisecond;
  return p;
}

TEST(Tap, EgressTimestamps_AreTransmissionStartsAfterQueueing) {
  Pair p(slow_link());
  MemoryCapture capture;
  Tap tap(capture, 0);
  tap.attach(*p.link);
  for (std::uint32_t i = 0; i < 3; ++i) p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500, i));
  p.sim.run();
  ASSERT_EQ(capture.frames.size(), 3u);
  EXPECT_EQ(capture.frames[0].time, 0);
  EXPECT_EQ(capture.frames[1].time, 12 * kMillisecond);
  EXPECT_EQ(capture.frames[2].time, 24 * kMillisecond);
  EXPECT_EQ(tap.frames_written(), 3u);
}

TEST(Tap, InterfaceTap_SeesOwnSendsAtEgressAndArrivalsAtIngress) {
  Pair p(slow_link());
  MemoryCapture capture;
  Tap tap(capture);  // default base
  tap.attach(p.b->interface(0));
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 1500, 1));
  p.sim.schedule_at(kMillisecond,
                    [&] { p.b->send(frame_of_size("10.0.0.2", "10.0.0.1", 1500, 2)); });
  p.sim.run();
  ASSERT_EQ(capture.frames.size(), 2u);
  EXPECT_EQ(capture.frames[0].time, kDefaultCaptureBase + kMillisecond);       // B's send
  EXPECT_EQ(capture.frames[1].time, kDefaultCaptureBase + 17 * kMillisecond);  // A's arrives
}

TEST(Tap, Frame_ParsesBackWithLinkMacsAndSegment) {
  Pair p(slow_link());
  MemoryCapture capture;
  Tap tap(capture);
  tap.attach(p.ab(), TapPoint::Egress);
  tcp::IpSegment seg = test::segment("10.0.0.1", "10.0.0.2", wire::tcp_flag::kSyn, 1000, 0);
  seg.segment.header.options.add_mss(1460);
  p.a->send(std::move(seg));
  p.sim.run();
  ASSERT_EQ(capture.frames.size(), 1u);
  auto parsed = wire::parse_tcp_frame(capture.frames[0].bytes, true);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->eth.src.to_string(), "02:00:00:00:01:00");
  EXPECT_EQ(parsed->eth.dst.to_string(), "02:00:00:00:02:00");
  EXPECT_EQ(parsed->src_ip, test::ip("10.0.0.1"));
  EXPECT_EQ(parsed->tcp.seq, 1000u);
  EXPECT_EQ(parsed->tcp.options.mss(), 1460);
  ASSERT_TRUE(parsed->ipv4.has_value());
  EXPECT_EQ(parsed->ipv4->ttl, 64);
}

TEST(Tap, CommentProvider_CommentWrittenWithFrame) {
  Pair p(slow_link());
  MemoryCapture capture;
  Tap tap(capture);
  tap.attach(*p.link);
  tap.set_comment_provider([](const Packet& pk) {
    return pk.tcp().seq == 2 ? std::string("B: ESTABLISHED") : std::string();
  });
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100, 1));
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100, 2));
  p.sim.run();
  ASSERT_EQ(capture.frames.size(), 2u);
  EXPECT_EQ(capture.frames[0].comment, "");
  EXPECT_EQ(capture.frames[1].comment, "B: ESTABLISHED");
}

TEST(Tap, LostPackets_SeenAtEgressNotAtIngress) {
  Pair p(slow_link());
  FaultParams f;
  f.loss = 1;
  p.ab().set_faults(f);
  MemoryCapture out;
  MemoryCapture in;
  Tap egress(out);
  Tap ingress(in);
  egress.attach(p.ab(), TapPoint::Egress);
  ingress.attach(p.ab(), TapPoint::Ingress);
  p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100));
  p.sim.run();
  EXPECT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(in.frames.size(), 0u);
}

TEST(Tap, Detach_StopsCapturing_AndTapMayOutliveNetwork) {
  MemoryCapture capture;
  Tap tap(capture);
  {
    Pair p(slow_link());
    tap.attach(*p.link);
    tap.attach(*p.link);  // twice: still one frame per packet
    p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100));
    p.sim.run();
    EXPECT_EQ(capture.frames.size(), 1u);
    tap.detach_all();
    p.a->send(frame_of_size("10.0.0.1", "10.0.0.2", 100));
    p.sim.run();
    EXPECT_EQ(capture.frames.size(), 1u);
    tap.attach(*p.link);
  }
  // The network went first; the tap forgot its links and destroys cleanly.
  SUCCEED();
}

}  // namespace
}  // namespace tcpsim::sim
