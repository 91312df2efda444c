// Whether the sender is using its congestion window, as Linux tracks it (tcp_output.c
// tcp_cwnd_validate; include/net/tcp.h tcp_is_cwnd_limited): an application-limited
// sender does not grow cwnd. Counts are in segments, as Linux's.
#pragma once

#include <cstdint>

#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class CwndUsage {
 public:
  // A data segment left: `packets_out` segments are now in flight; `limited` when that
  // flight fills the window. Within one window of data (until SND.UNA passes what was
  // sent when the window was last judged) a "limited" sticks and the largest flight is
  // kept.
  void on_sent(SeqNum una, SeqNum nxt, std::uint32_t packets_out, bool limited) {
    if (!seen_ || una >= usage_seq_ || limited || (!limited_ && packets_out > max_packets_out_)) {
      seen_ = true;
      limited_ = limited;
      max_packets_out_ = packets_out;
      usage_seq_ = nxt;
    }
  }
  // tcp_is_cwnd_limited: the window was full, or, in slow start, it is less than twice the
  // largest flight (so slow start can double what was in flight).
  bool cwnd_limited(std::uint32_t cwnd_packets, bool slow_start) const {
    if (limited_) return true;
    return slow_start && cwnd_packets < 2 * max_packets_out_;
  }
  std::uint32_t max_packets_out() const { return max_packets_out_; }

 private:
  bool seen_ = false;
  bool limited_ = false;
  std::uint32_t max_packets_out_ = 0;
  SeqNum usage_seq_;
};

}  // namespace tcpsim::tcp
