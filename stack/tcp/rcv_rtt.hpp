// Linux's receiver-side RTT estimate (tcp_input.c tcp_rcv_rtt_measure,
// tcp_rcv_rtt_measure_ts, tcp_rcv_rtt_update; tcp.c tcp_get_info's tcpi_rcv_rtt), as
// current kernels keep it. A receiver has two ways to time a round trip:
//  - without timestamps, once per window: arm at RCV.NXT + the window last offered, and
//    take the time until RCV.NXT gets there (the sender needs about one RTT to fill the
//    window it was offered);
//  - with timestamps, from each new echo on a full-sized segment: our clock now less the
//    TSval the peer echoes.
// A smaller sample always replaces the estimate. A larger one is ignored when it comes
// from the window measure, or when unread data waits in the receive queue; otherwise it
// is averaged in with gain 1/8. The estimate is kept times 8, in microseconds.
//
// It changes nothing on the wire here (Linux uses it to tune the receive buffer, which
// tcpsim does not model); tcp_info shows it.
#pragma once

#include <cstdint>

#include "stack/base/time.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class RcvRtt {
 public:
  // What tcp_rcv_rtt_measure_ts reads from a segment that arrives in ESTABLISHED, before
  // its data is queued.
  struct TsSegment {
    std::uint32_t tsecr = 0;    // the echo (0: no timestamps)
    std::uint32_t ts_now = 0;   // our TSval clock now (1 ms ticks)
    std::uint32_t len = 0;      // the segment's data
    std::uint32_t rcv_mss = 0;  // the receiver's estimate of the peer's MSS
    bool unread = false;        // data waits in the receive queue (RCV.NXT != copied_seq)
  };
  void on_segment(const TsSegment& s);
  // tcp_rcv_rtt_measure, from tcp_event_data_recv: in-order data was queued, RCV.NXT is
  // now `rcv_nxt`, and the window last offered is `rcv_wnd`.
  void on_data(SeqNum rcv_nxt, std::uint32_t rcv_wnd, Nanos now);
  // tcpi_rcv_rtt (µs; 0 before any sample).
  std::uint32_t rtt_us() const { return est_ >> 3; }
  std::uint32_t scaled_us() const { return est_; }  // rcv_rtt_est.rtt_us: 8 x RTT

 private:
  void update(std::uint32_t sample_us, bool win_dep, bool unread);

  std::uint32_t est_ = 0;  // rcv_rtt_est.rtt_us: 8 x RTT in µs
  SeqNum seq_;             // rcv_rtt_est.seq
  Nanos time_ = -1;        // rcv_rtt_est.time (-1: not armed)
  std::uint32_t last_tsecr_ = 0;
};

}  // namespace tcpsim::tcp
