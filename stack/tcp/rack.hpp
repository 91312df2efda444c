// RACK loss detection (RFC 8985 §6) as Linux runs it on SACK connections
// (net.ipv4.tcp_recovery = 1, its default; tcp_recovery.c): a segment is lost when a
// segment sent after it has been delivered (ACKed or SACKed) and more than the latest
// RTT plus a reordering window has passed since it was sent. The window is zero in
// recovery and once as many segments as the reordering degree (3) are SACKed, else a
// quarter of the minimum RTT; a segment not yet past it is checked again when a timer
// for the time left fires (the reordering timer), so a tail of one or two SACKs still
// starts recovery without waiting for three duplicate ACKs or the RTO.
//
// This part keeps RACK's state (tp->rack) and marks segments lost on the connection's
// per-segment marks (SegmentMarks); loss recovery then resends what is marked.
#pragma once

#include <cstdint>
#include <optional>

#include "stack/base/time.hpp"
#include "stack/tcp/quick_ack.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Rack {
 public:
  // tcp_rack_advance: a segment [.., end) sent at `sent_at` was delivered at `now`;
  // `resent`: it was ever retransmitted (then a sample under the minimum RTT is
  // ambiguous and ignored).
  void on_delivered(Nanos now, Nanos sent_at, SeqNum end, bool resent, Nanos min_rtt);
  // tcp_rack_reo_wnd with no reordering seen: 0 in recovery or with `sacked_out` >= 3
  // segments SACKed; else min(min_rtt / 4, SRTT).
  static Nanos reorder_window(bool in_recovery, std::uint32_t sacked_out, Nanos min_rtt,
                              Nanos srtt);
  // tcp_rack_mark_lost / tcp_rack_detect_loss when a delivery moved RACK on (or the
  // reordering timer fired: `force`). Marks lost every segment neither SACKed nor lost
  // and not resent since, sent before the most recently sent delivered one, and older
  // than its RTT plus the reordering window. Returns the reordering timer's delay for
  // the others (0: none), as Linux arms it (usecs_to_jiffies + TCP_TIMEOUT_MIN).
  struct Window {
    bool in_recovery = false;  // in recovery or repairing a timeout (>= TCP_CA_Recovery)
    Nanos min_rtt = 0, srtt = 0;
  };
  Nanos detect_loss(Nanos now, SegmentMarks& marks, const Window& w, bool force = false);
  // End of the highest segment marked lost and not resent since (nothing when none);
  // every hole below it counts as lost for recovery.
  static std::optional<SeqNum> lost_end(const SegmentMarks& marks);

 private:
  Nanos mstamp_ = -1;  // send time of the most recently sent delivered segment
  SeqNum end_seq_;     // and its end
  Nanos rtt_ = 0;      // the RTT of the last delivery that advanced RACK
  bool advanced_ = false;
};

}  // namespace tcpsim::tcp
