// Recycled payload buffers. Every data segment needs a buffer of its own (it may sit in a
// queue or on a wire while the send buffer moves on), and at a gigabit that is one
// allocation and one free per segment. Buffers of delivered segments come back here and
// the next segment's bytes are copied into one that already has room, so a steady transfer
// allocates nothing. Sender and receiver must share a pool for this to work: the receiver
// frees what the sender took.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tcpsim::tcp {

class PayloadPool {
 public:
  // More than this many idle buffers are let go of (bounds the pool after a burst).
  static constexpr std::size_t kMaxIdle = 4096;

  // An empty buffer, with capacity when a recycled one is at hand.
  std::vector<std::uint8_t> take() {
    if (idle_.empty()) return {};
    std::vector<std::uint8_t> v = std::move(idle_.back());
    idle_.pop_back();
    return v;
  }
  void give(std::vector<std::uint8_t>&& v) {
    if (v.capacity() == 0 || idle_.size() >= kMaxIdle) return;
    v.clear();
    idle_.push_back(std::move(v));
  }
  std::size_t idle() const { return idle_.size(); }

 private:
  std::vector<std::vector<std::uint8_t>> idle_;
};

}  // namespace tcpsim::tcp
