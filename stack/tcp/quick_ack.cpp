#include "stack/tcp/quick_ack.hpp"

#include <algorithm>

namespace tcpsim::tcp {

void QuickAck::start(Nanos now, std::uint32_t advmss, std::uint32_t send_mss,
                     std::uint32_t rcv_wnd) {
  // tcp_initialize_rcv_mss: min(advmss, mss_cache, rcv_wnd / 2, 536), at least 88.
  std::uint32_t hint = std::min({advmss, send_mss, rcv_wnd / 2, kDefaultMss});
  rcv_mss_ = std::max(hint, kMinMss);
  lrcvtime_ = now;
}

void QuickAck::incr_quickack(std::uint32_t rcv_wnd, std::uint32_t most) {
  // tcp_incr_quickack: as many quick ACKs as half the window holds full segments (at
  // least 2), at most TCP_MAX_QUICKACKS (or the caller's limit).
  std::uint32_t n = rcv_wnd / (2 * rcv_mss_);
  if (n == 0) n = 2;
  n = std::min({n, max_, most});
  quick_ = std::max(quick_, n);
}

void QuickAck::enter(std::uint32_t rcv_wnd, std::uint32_t most) {
  if (max_ == 0) return;
  incr_quickack(rcv_wnd, most);
  pingpong_ = false;
  ato_ = kAtoMin;
}

void QuickAck::on_data(Nanos now, std::uint32_t len, std::uint32_t advmss, std::uint32_t rcv_wnd,
                       Nanos rto, SegmentShape shape) {
  // tcp_measure_rcv_mss: a segment at least as large as the estimate sets it. A smaller
  // one sets it when two in a row have the same size and look full-sized (at least
  // TCP_MSS_DEFAULT with its header, or TCP_MIN_MSS without PSH, URG, FIN or SYN), options
  // past ours aside; else it marks a short segment pushed. A full-sized one with PSH is
  // marked pushed too (commit 4720852ed9af, "fix delayed ACKs for MSS boundary condition").
  std::uint32_t lss = last_seg_size_;
  last_seg_size_ = 0;
  if (len >= rcv_mss_) {
    rcv_mss_ = std::min(len, advmss);
    if (shape.push && pushed_ == 0) pushed_ = 1;
  } else {
    std::uint32_t whole = len + shape.header_len;
    bool sized = false;
    if (whole >= kDefaultMss + 20 || (whole >= kMinMss + 20 && !shape.remnant)) {
      last_seg_size_ = whole > shape.our_header_len ? whole - shape.our_header_len : 0;
      sized = last_seg_size_ == lss;
      if (sized) rcv_mss_ = last_seg_size_;
    }
    if (!sized) pushed_ = pushed_ > 0 ? 2 : 1;
  }
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
  pushed_ = 0;  // inet_csk_clear_xmit_timer(ICSK_TIME_DACK) clears icsk_ack.pending
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

}  // namespace tcpsim::tcp
