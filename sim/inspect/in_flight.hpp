// The segments sent to one end that it has not yet shown to have (connection_follower.hpp,
// rule 2), in the order they were sent. An ACK from that end delivers every segment up to
// the last one whose sequence space it covers (rule 3). Amortized O(1) per segment: only
// segments that no later one's end undercuts can be that last one, and their ends rise.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

#include "sim/inspect/capture_decoder.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::sim::inspect {

class InFlight {
 public:
  void push(DecodedSegment s) {
    tcp::SeqNum end = tcp::SeqNum(s.tcp.seq) + s.seq_space();
    while (!candidates_.empty() && candidates_.back().second >= end) candidates_.pop_back();
    candidates_.emplace_back(front_ + queue_.size(), end);
    queue_.push_back(std::move(s));
  }

  // Calls f(segment) for each segment up to the last one ending at or before `ack`.
  template <class F>
  void take_covered(tcp::SeqNum ack, F&& f) {
    bool any = false;
    std::uint64_t last = 0;
    while (!candidates_.empty() && candidates_.front().second <= ack) {
      last = candidates_.front().first;
      any = true;
      candidates_.pop_front();
    }
    while (any && !queue_.empty() && front_ <= last) take_front(f);
  }

  // Calls f(segment) for every segment, in order.
  template <class F>
  void take_all(F&& f) {
    candidates_.clear();
    while (!queue_.empty()) take_front(f);
  }

  bool empty() const { return queue_.empty(); }

 private:
  template <class F>
  void take_front(F& f) {
    DecodedSegment s = std::move(queue_.front());
    queue_.pop_front();
    ++front_;
    f(s);
  }

  std::deque<DecodedSegment> queue_;
  std::uint64_t front_ = 0;  // the number of queue_.front() among all segments pushed
  std::deque<std::pair<std::uint64_t, tcp::SeqNum>> candidates_;
};

}  // namespace tcpsim::sim::inspect
