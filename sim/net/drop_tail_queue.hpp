// A first-in first-out packet queue that refuses arrivals once it is full (drop-tail).
//
// The limit is in packets and, optionally, in bytes (a packet that would take the waiting
// bytes past it is refused), as a link's LinkParams set it. The queue only holds and
// counts; deciding what to do with a refused packet (the link reports a queue-full drop)
// is the caller's business, so an active queue management scheme could sit beside this
// class with the same surface without links changing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "sim/net/packet.hpp"
#include "sim/net/ring_queue.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

struct QueuedPacket {
  Packet packet;
  std::uint32_t bytes = 0;  // wire bytes
  Nanos since = 0;          // when it was enqueued
};

struct QueueStats {
  std::uint64_t enqueued = 0;
  std::uint64_t dequeued = 0;
  std::uint64_t refused = 0;    // arrivals turned away because the queue was full
  std::size_t max_packets = 0;  // the longest the queue has been
  std::uint64_t max_bytes = 0;  // the most bytes it has held
};

class DropTailQueue {
 public:
  // `byte_limit` 0 means no byte limit.
  explicit DropTailQueue(std::uint32_t packet_limit = 1000, std::uint64_t byte_limit = 0)
      : packet_limit_(packet_limit), byte_limit_(byte_limit) {}

  // Applies to later arrivals; packets already waiting stay.
  void set_limits(std::uint32_t packet_limit, std::uint64_t byte_limit) {
    packet_limit_ = packet_limit;
    byte_limit_ = byte_limit;
  }

  // False when the queue is full; the packet is then left untouched for the caller.
  // (Defined here: once per packet on every hop.)
  [[nodiscard]] bool enqueue(Packet&& packet, std::uint32_t bytes, Nanos now) {
    if (items_.size() >= packet_limit_ || (byte_limit_ != 0 && bytes_ + bytes > byte_limit_)) {
      ++stats_.refused;
      return false;
    }
    items_.push_back(QueuedPacket{std::move(packet), bytes, now});
    bytes_ += bytes;
    ++stats_.enqueued;
    stats_.max_packets = std::max(stats_.max_packets, items_.size());
    stats_.max_bytes = std::max(stats_.max_bytes, bytes_);
    return true;
  }
  // Precondition: !empty().
  QueuedPacket dequeue() {
    QueuedPacket item = items_.pop_front();
    bytes_ -= item.bytes;
    ++stats_.dequeued;
    return item;
  }

  bool empty() const { return items_.empty(); }
  std::size_t length() const { return items_.size(); }
  std::uint64_t bytes() const { return bytes_; }
  const QueueStats& stats() const { return stats_; }

 private:
  RingQueue<QueuedPacket> items_;
  std::uint64_t bytes_ = 0;
  std::uint32_t packet_limit_;
  std::uint64_t byte_limit_;
  QueueStats stats_;
};

}  // namespace tcpsim::sim
