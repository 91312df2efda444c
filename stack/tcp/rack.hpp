// RACK loss detection (RFC 8985 §6) as Linux runs it on SACK connections
// (net.ipv4.tcp_recovery = 1, its default; tcp_recovery.c): a segment is lost when a
// segment sent after it has been delivered (ACKed or SACKed) and more than the latest
// RTT plus a reordering window has passed since it was sent. Until reordering is seen the
// window is zero in recovery and once as many segments as the reordering degree (3) are
// SACKed, else (and always once reordering was seen) a quarter of the minimum RTT, more
// after D-SACKs; a segment not yet past it is checked again when a timer
// for the time left fires (the reordering timer), so a tail of one or two SACKs still
// starts recovery without waiting for three duplicate ACKs or the RTO.
//
// This part keeps RACK's state (tp->rack) and marks segments lost on the connection's
// per-segment marks (SegmentMarks); loss recovery then resends what is marked.
#pragma once

#include <cstdint>
#include <optional>

#include "stack/base/time.hpp"
#include "stack/tcp/segment_marks.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Rack {
 public:
  // tcp_rack_advance: segment `e` was delivered at `now`; if it was ever retransmitted, a
  // sample under the minimum RTT is ambiguous and ignored.
  void on_delivered(Nanos now, const SegmentMarks::Entry& e, Nanos min_rtt);
  // tcp_rack_mark_lost / tcp_rack_detect_loss when a delivery moved RACK on (or the
  // reordering timer fired: `force`). Marks lost every segment neither SACKed nor lost
  // and not resent since, sent before the most recently sent delivered one, and older
  // than its RTT plus the reordering window. Returns the reordering timer's delay for
  // the others (0: none), as Linux arms it (usecs_to_jiffies + TCP_TIMEOUT_MIN).
  struct Window {
    bool in_recovery = false;  // in recovery or repairing a timeout (>= TCP_CA_Recovery)
    Nanos min_rtt = 0, srtt = 0;
    bool no_dupthresh = false;  // TCP_RACK_NO_DUPTHRESH
  };
  // tcp_rack_reo_wnd: before any reordering was seen (`marks.reord_seen`), 0 in recovery
  // or once as many segments as the reordering degree are SACKed; else a quarter of the
  // minimum RTT times the steps D-SACKs added, at most SRTT.
  Nanos reorder_window(const Window& w, const SegmentMarks& marks) const;
  Nanos detect_loss(Nanos now, SegmentMarks& marks, const Window& w, bool force = false);
  // End of the highest segment marked lost and not resent since (nothing when none);
  // every hole below it counts as lost for recovery.
  static std::optional<SeqNum> lost_end(const SegmentMarks& marks);

  // The reordering window's growth (tcp_rack_update_reo_wnd): a D-SACK once reordering
  // was seen (tcp_dsack_seen) may show that a repair was spurious because the window was
  // too short; on the next ACK that delivers a segment sent after the window last grew,
  // it grows by one step (a quarter of the minimum RTT), and keeps that size for 16
  // recoveries (TCP_RACK_RECOVERY_THRESH) before going back to one step.
  void on_dsack(const SegmentMarks& marks) {
    if (marks.reord_seen > 0) dsack_seen_ = true;
  }
  // After each ACK: `prior_delivered` of its rate sample (0: it delivered nothing), and
  // the count of segments delivered so far; nothing with a static window
  // (TCP_RACK_STATIC_REO_WND).
  void update_reo_wnd(std::uint64_t prior_delivered, std::uint64_t delivered,
                      bool static_window = false);
  // A recovery ended: +1 when undone by D-SACKs (tcp_try_undo_dsack), -1 when it ended at
  // high_seq without an undo (tcp_try_undo_recovery).
  void on_recovery_end(int persist);
  std::uint32_t reo_wnd_steps() const { return steps_; }

 private:
  // The most recently sent delivered segment's place in transmission order (0: none yet;
  // SegmentMarks counts from 1).
  std::uint64_t order_ = 0;
  Nanos rtt_ = 0;  // the RTT of the last delivery that advanced RACK
  bool advanced_ = false;
  std::uint32_t steps_ = 1;    // reo_wnd_steps
  std::uint32_t persist_ = 0;  // reo_wnd_persist
  bool dsack_seen_ = false;
  std::uint64_t last_delivered_ = 0;  // delivered when the window last grew
};

}  // namespace tcpsim::tcp
