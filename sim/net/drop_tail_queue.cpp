#include "sim/net/drop_tail_queue.hpp"

#include <algorithm>

namespace tcpsim::sim {

bool DropTailQueue::enqueue(Packet&& packet, std::uint32_t bytes, Nanos now) {
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

QueuedPacket DropTailQueue::dequeue() {
  QueuedPacket item = items_.pop_front();
  bytes_ -= item.bytes;
  ++stats_.dequeued;
  return item;
}

}  // namespace tcpsim::sim
