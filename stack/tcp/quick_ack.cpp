#include "stack/tcp/quick_ack.hpp"

#include <algorithm>

#include "stack/tcp/rack.hpp"

namespace tcpsim::tcp {

void QuickAck::start(Nanos now, std::uint32_t advmss, std::uint32_t send_mss,
                     std::uint32_t rcv_wnd) {
  // tcp_initialize_rcv_mss: min(advmss, mss_cache, rcv_wnd / 2, 536), at least 88.
  std::uint32_t hint = std::min({advmss, send_mss, rcv_wnd / 2, kDefaultMss});
  rcv_mss_ = std::max(hint, kMinMss);
  lrcvtime_ = now;
}

void QuickAck::incr_quickack(std::uint32_t rcv_wnd) {
  // tcp_incr_quickack: as many quick ACKs as half the window holds full segments (at
  // least 2), at most TCP_MAX_QUICKACKS.
  std::uint32_t n = rcv_wnd / (2 * rcv_mss_);
  if (n == 0) n = 2;
  n = std::min(n, max_);
  quick_ = std::max(quick_, n);
}

void QuickAck::on_data(Nanos now, std::uint32_t len, std::uint32_t advmss, std::uint32_t rcv_wnd,
                       Nanos rto) {
  // tcp_measure_rcv_mss (its first case: a segment at least as large as the estimate).
  if (len >= rcv_mss_) rcv_mss_ = std::min(len, advmss);
  if (max_ == 0) {
    lrcvtime_ = now;
    return;
  }
  // tcp_event_data_recv: the first data starts quick-ACK mode with the ATO at its floor;
  // later the ATO follows the gaps between arrivals, and a gap longer than the RTO (the
  // sender was idle) starts quick-ACK mode again.
  if (ato_ == 0) {
    incr_quickack(rcv_wnd);
    ato_ = kAtoMin;
  } else {
    Nanos m = now - lrcvtime_;
    if (m <= kAtoMin / 2) {
      ato_ = ato_ / 2 + kAtoMin / 2;
    } else if (m < ato_) {
      ato_ = std::min(ato_ / 2 + m, rto);
    } else if (m > rto) {
      incr_quickack(rcv_wnd);
    }
  }
  lrcvtime_ = now;
}

void QuickAck::on_ack_sent(bool owed) {
  // tcp_dec_quickack_mode: each ACK of new data uses one; leaving the mode resets the ATO.
  if (quick_ == 0 || !owed) return;
  if (--quick_ == 0) ato_ = kAtoMin;
}

void QuickAck::on_data_sent(Nanos now) {
  // tcp_event_data_sent: net.ipv4.tcp_pingpong_thresh = 1.
  if (max_ != 0 && now - lrcvtime_ < ato_) pingpong_ = true;
}

Nanos QuickAck::delack_timeout(Nanos srtt) const {
  // tcp_send_delayed_ack: an ATO above TCP_DELACK_MIN is bounded by the RTT (at least
  // 40 ms) and by 500 ms, or 200 ms when interactive; never past TCP_DELACK_MAX.
  Nanos ato = std::max(ato_, kAtoMin);
  if (ato > kAtoMin) {
    Nanos max_ato = pingpong_ ? kDelackMax : kMaxAto;
    if (srtt > 0) max_ato = std::min(max_ato, std::max(srtt, kAtoMin));
    ato = std::min(ato, max_ato);
  }
  return std::min(ato, kDelackMax);
}

void QuickAck::on_delack_timer(Nanos rto) {
  // tcp_delack_timer_handler: a missed delayed ACK doubles the ATO (up to the RTO), or
  // ends ping-pong mode with the ATO back at its floor.
  if (max_ == 0) return;
  if (!pingpong_) {
    ato_ = std::min(ato_ * 2, rto);
  } else {
    pingpong_ = false;
    ato_ = kAtoMin;
  }
}

void SegmentMarks::on_sent(Nanos now, SeqNum seq, SeqNum end, bool again) {
  SeqNum top = queue.empty() ? seq : seq_max(seq, queue.back().end);
  if (again) {
    // tcp_retransmit_skb: TCPCB_SACKED_RETRANS on each segment sent again.
    for (Entry& e : queue) {
      if (!(e.start < end)) break;
      if (!(seq < e.end)) continue;
      e.sent_at = now;
      e.ever_resent = true;
      if (!e.sacked && !e.retransmitted) {
        e.retransmitted = true;
        ++retrans_out;
      }
    }
  }
  if (top < end) queue.push_back(Entry{top, end, now});
}

void SegmentMarks::forget(const Entry& e) {
  if (e.retransmitted) --retrans_out;
  if (e.lost) --lost_out;
}

void SegmentMarks::mark_lost(Entry& e) {
  // tcp_mark_skb_lost: lost (once), and no longer counted as retransmitted.
  if (e.sacked || e.lost) return;
  e.lost = true;
  ++lost_out;
  if (e.retransmitted) --retrans_out;
  e.retransmitted = false;
}

void SegmentMarks::count_reno(std::uint32_t acked, bool duplicate) {
  std::uint32_t before = reno_sacked;
  if (acked > 0) {
    // tcp_remove_reno_sacks: one ACK filled a hole, the rest were counted as duplicates.
    delivered += std::max(acked - std::min(acked, reno_sacked), 1u);
    reno_sacked = acked - 1 >= reno_sacked ? 0 : reno_sacked - (acked - 1);
  }
  if (duplicate) ++reno_sacked;
  // tcp_limit_reno_sacked: room is left for the holes.
  auto packets = static_cast<std::uint32_t>(queue.size());
  std::uint32_t holes = std::min(std::max(lost_out, 1u), packets);
  if (reno_sacked + holes > packets) reno_sacked = packets - holes;
  if (duplicate && reno_sacked > before) delivered += reno_sacked - before;
}

void SegmentMarks::mark_sacked(const SackScoreboard& board, const Ack& a) {
  // tcp_sacktag_one: a segment wholly SACKed is delivered (and moves RACK on).
  SeqNum high = board.highest_sacked();
  for (Entry& e : queue) {
    if (board.empty() || !(e.start < high)) break;
    if (e.sacked || board.skip_sacked(e.start) < e.end) continue;
    if (a.rack != nullptr) a.rack->on_delivered(a.now, e.sent_at, e.end, e.ever_resent, a.min_rtt);
    forget(e);
    e.sacked = true;
    e.retransmitted = e.lost = false;
    ++delivered;
  }
}

void SegmentMarks::on_ack(const Ack& a, const SackScoreboard& board) {
  // tcp_clean_rtx_queue: each segment wholly acknowledged is delivered, unless SACKed before.
  if (a.rack != nullptr) mark_sacked(board, a);
  std::uint32_t acked = 0;
  while (!queue.empty() && queue.front().end <= a.una) {
    const Entry& e = queue.front();
    if (!e.sacked && a.sack) ++delivered;
    if (!e.sacked && a.rack != nullptr)
      a.rack->on_delivered(a.now, e.sent_at, e.end, e.ever_resent, a.min_rtt);
    ++acked;
    forget(e);
    queue.pop_front();
  }
  if (!queue.empty() && queue.front().start < a.una) queue.front().start = a.una;
  if (a.rack != nullptr) return;  // RACK marks the losses
  if (a.sack) {
    mark_sacked(board, a);
  } else {
    count_reno(acked, a.duplicate);
  }
  if (!a.in_recovery || queue.empty()) return;
  // tcp_newreno_mark_lost: the head; RFC 6675 IsLost with SACK.
  mark_lost(queue.front());
  if (!a.sack) return;
  SeqNum high = board.highest_sacked();
  for (Entry& e : queue) {
    if (board.empty() || !(e.start < high)) break;
    if (board.is_lost(e.start, a.mss)) mark_lost(e);
  }
}

void SegmentMarks::unmark_lost() {
  for (Entry& e : queue) e.lost = false;
  lost_out = 0;
}

void SegmentMarks::on_timeout() {
  // tcp_timeout_mark_lost: every segment not SACKed.
  for (Entry& e : queue) mark_lost(e);
  reno_sacked = 0;  // tcp_reset_reno_sack
}

}  // namespace tcpsim::tcp
