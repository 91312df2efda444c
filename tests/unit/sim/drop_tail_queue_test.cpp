// The drop-tail queue on its own: FIFO order, packet and byte limits, counters.
#include "sim/net/drop_tail_queue.hpp"

#include <gtest/gtest.h>

#include "sim_test_util.hpp"

namespace tcpsim::sim {
namespace {

Packet packet(std::uint64_t id) {
  return Packet(test::segment("10.0.0.1", "10.0.0.2", wire::tcp_flag::kAck), id);
}

TEST(DropTailQueue, Dequeue_GivesPacketsInArrivalOrder) {
  DropTailQueue q(10);
  for (std::uint64_t id = 1; id <= 3; ++id) ASSERT_TRUE(q.enqueue(packet(id), 100, id * 5));
  EXPECT_EQ(q.length(), 3u);
  EXPECT_EQ(q.bytes(), 300u);
  for (std::uint64_t id = 1; id <= 3; ++id) {
    QueuedPacket item = q.dequeue();
    EXPECT_EQ(item.packet.id, id);
    EXPECT_EQ(item.bytes, 100u);
    EXPECT_EQ(item.since, static_cast<Nanos>(id * 5));
  }
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(DropTailQueue, PacketLimitReached_RefusesAndLeavesPacketToCaller) {
  DropTailQueue q(2);
  ASSERT_TRUE(q.enqueue(packet(1), 100, 0));
  ASSERT_TRUE(q.enqueue(packet(2), 100, 0));
  Packet third = packet(3);
  EXPECT_FALSE(q.enqueue(std::move(third), 100, 0));
  EXPECT_EQ(third.id, 3u);  // refused: still the caller's, intact
  EXPECT_EQ(third.tcp().flags, wire::tcp_flag::kAck);
  EXPECT_EQ(q.stats().refused, 1u);
  (void)q.dequeue();
  EXPECT_TRUE(q.enqueue(std::move(third), 100, 0));  // room again
}

TEST(DropTailQueue, ByteLimit_RefusesWhatWouldPassIt) {
  DropTailQueue q(100, 250);
  ASSERT_TRUE(q.enqueue(packet(1), 100, 0));
  ASSERT_TRUE(q.enqueue(packet(2), 100, 0));
  EXPECT_FALSE(q.enqueue(packet(3), 100, 0));  // 300 > 250
  EXPECT_TRUE(q.enqueue(packet(4), 50, 0));    // exactly 250
  EXPECT_EQ(q.bytes(), 250u);
}

TEST(DropTailQueue, ShrunkLimits_KeepWhatWaitsAndApplyToArrivals) {
  DropTailQueue q(10);
  for (std::uint64_t id = 1; id <= 3; ++id) ASSERT_TRUE(q.enqueue(packet(id), 100, 0));
  q.set_limits(1, 0);
  EXPECT_EQ(q.length(), 3u);
  EXPECT_FALSE(q.enqueue(packet(4), 100, 0));
}

TEST(DropTailQueue, Stats_CountAndRecordHighWaterMarks) {
  DropTailQueue q(10);
  ASSERT_TRUE(q.enqueue(packet(1), 100, 0));
  ASSERT_TRUE(q.enqueue(packet(2), 200, 0));
  (void)q.dequeue();
  ASSERT_TRUE(q.enqueue(packet(3), 50, 0));
  const QueueStats& s = q.stats();
  EXPECT_EQ(s.enqueued, 3u);
  EXPECT_EQ(s.dequeued, 1u);
  EXPECT_EQ(s.refused, 0u);
  EXPECT_EQ(s.max_packets, 2u);
  EXPECT_EQ(s.max_bytes, 300u);
}

}  // namespace
}  // namespace tcpsim::sim
