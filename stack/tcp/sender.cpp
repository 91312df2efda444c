#include "stack/tcp/sender.hpp"

#include <algorithm>

namespace tcpsim::tcp {

namespace {

// Whether a small segment (len < MSS, no FIN, new data) waits. `small_in_flight`: an
// earlier small segment is unacknowledged (without Minshall's refinement: any data).
bool hold_runt(std::uint32_t len, std::uint32_t avail, std::uint32_t max_wnd, bool small_in_flight,
               bool& persist) {
  if (len < avail) {
    // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): a window-limited runt waits until it is
    // at least half the largest window the peer offered. With nothing in flight no ACK
    // will come to change that, so the persist timer doubles as the override timeout
    // that sends it anyway.
    persist = len < max_wnd / 2;
    return persist;
  }
  // Nagle (RFC 896, RFC 9293 §3.7.4) with Minshall's refinement, as Linux applies it:
  // hold a small segment while an earlier *small* segment is unacknowledged.
  return small_in_flight;
}

// Whether Nagle holds a small segment back: with Minshall's refinement while an earlier
// small segment (ending at `sml`) is unacknowledged, else unless the output began idle.
bool nagle_holds(const Sender::Rules& r, SeqNum una, SeqNum max, SeqNum sml) {
  return r.nagle && (r.minshall ? max > una && sml > una : !r.idle);
}

// TSO: a resend from `seq` carries what the buffers it comes from allow (Rules::resend_cap);
// a fast retransmit at most one MSS of it.
void resend_cap(const Sender::Rules& r, SeqNum seq, bool retransmit, std::uint32_t avail, bool& tso,
                std::uint32_t& len) {
  std::uint32_t cap = r.resend_cap ? r.resend_cap(seq) : 0;
  if (cap == 0) return;
  cap = retransmit ? std::min(cap, r.mss) : cap;
  tso = cap > r.mss;
  len = std::min(avail, cap);
}

// TSO: new data stays within its write-queue buffer. Returns whether that buffer is one
// in the middle of the queue.
bool cap_to_buffer(const Sender::Rules& r, bool new_data, std::uint32_t& len) {
  if (r.buffer_left == 0 || !new_data) return false;
  len = std::min(len, r.buffer_left);
  return !r.buffer_is_last;
}

// What a resend is called in traces (Transmission::why).
std::string_view reason(bool fast_retransmit, const Sender::Rules& r) {
  if (fast_retransmit) return "fast-retransmit";
  return r.probe ? "probe" : (r.force_runt ? "window-probe" : "timeout");
}

}  // namespace

void Sender::on_syn_sent(bool fin) {
  nxt_ = iss_ + 1;
  if (fin) {
    fin_sent_ = true;
    fin_seq_ = nxt_;
    nxt_ = nxt_ + 1;
  }
  max_ = seq_max(max_, nxt_);
}

void Sender::on_syn_acked(std::uint32_t wnd, SeqNum seg_seq, SeqNum seg_ack) {
  syn_acked_ = true;
  wnd_ = wnd;
  max_wnd_ = std::max(max_wnd_, wnd_);
  wl1_ = seg_seq;
  wl2_ = seg_ack;
}

std::uint32_t Sender::acknowledge(SeqNum ack, Nanos now) {
  auto acked = static_cast<std::uint32_t>(ack - una_);
  std::uint32_t data_acked = acked;
  if (fin_sent_ && ack > fin_seq_) data_acked -= 1;  // the FIN is not in the buffer
  data_acked = std::min<std::uint32_t>(data_acked, static_cast<std::uint32_t>(buf_.size()));
  buf_.consume(data_acked);
  una_ = ack;
  if (nxt_ < una_) nxt_ = una_;
  unacked_since_ = now;
  return acked;
}

bool Sender::update_window(SeqNum seg_seq, SeqNum seg_ack, std::uint32_t wnd, WindowRule rule) {
  // RFC 9293 §3.10.7.4 fifth, ESTABLISHED: SND.WL1/SND.WL2 guard against old segments.
  // With the SEG.SEQ and SEG.ACK of the last update the kernels take only a larger window
  // (FreeBSD's tcp_do_segment), or a zero one (Linux's tcp_may_update_window).
  bool same = wl1_ == seg_seq && wl2_ == seg_ack;
  if (!(wl1_ < seg_seq || (wl1_ == seg_seq && wl2_ <= seg_ack))) return false;
  if (same && rule != WindowRule::Rfc && wnd <= wnd_ && (rule != WindowRule::Linux || wnd != 0))
    return false;
  std::uint32_t old = wnd_;
  wnd_ = wnd;
  wl1_ = seg_seq;
  wl2_ = seg_ack;
  max_wnd_ = std::max(max_wnd_, wnd_);
  return old == 0 && wnd_ > 0;
}

std::optional<Transmission> Sender::next(LossRecovery& recovery, const Rules& r, bool& persist) {
  persist = false;
  SeqNum end = data_end();
  // Fast retransmit / NewReno partial ACK: resend the segment at SND.UNA.
  bool retransmit = recovery.take_retransmit_due();
  SeqNum seq = retransmit ? data_start() : nxt_;
  if (seq < data_start()) seq = data_start();
  const SackScoreboard& board = recovery.scoreboard();
  if (!retransmit && r.sack && seq < max_) {
    // Going back after a timeout: skip what the receiver has SACKed (RFC 6675 §5.1).
    SeqNum skipped = board.skip_sacked(seq);
    if (skipped != seq) {
      seq = seq_min(skipped, max_);
      nxt_ = seq;
    }
  }
  if (seq > end) return std::nullopt;  // only the (sent) FIN lies beyond
  auto avail = static_cast<std::uint32_t>(end - seq);
  if (!retransmit && r.sack && seq < max_) {
    avail = std::min(avail, static_cast<std::uint32_t>(board.next_sacked(seq, end) - seq));
  }
  bool tso = r.max_len > r.mss && !retransmit && !r.probe;
  std::uint32_t len = std::min(avail, tso ? r.max_len : r.mss);
  if (seq < max_ && !r.probe) resend_cap(r, seq, retransmit, avail, tso, len);
  // TSO: a super-segment is resent data or new data, never both (and see cap_to_buffer).
  if (tso && seq < max_) len = std::min(len, static_cast<std::uint32_t>(max_ - seq));
  bool middle = cap_to_buffer(r, !retransmit && !r.probe && seq >= max_, len);
  bool window_cut = false;
  if (!retransmit && !r.probe) {
    auto flight = static_cast<std::uint32_t>(nxt_ - una_);
    std::uint32_t rwnd_left = wnd_ > flight ? wnd_ - flight : 0;
    if (r.resend_into_closed_window && wnd_ == 0 && seq == data_start() && seq < max_)
      rwnd_left = r.mss;
    std::uint32_t cwnd_left = recovery.allowance(space(), flight, r.mss);
    // Linux's cwnd quota is in whole segments (tcp_cwnd_test).
    if (tso && cwnd_left > r.mss) cwnd_left -= cwnd_left % r.mss;
    window_cut = rwnd_left < len;
    len = std::min({len, cwnd_left, rwnd_left});
  }
  bool push = middle && !window_cut;  // no more data can join it: it goes, runt or not
  if (tso && len > r.mss && len % r.mss != 0 && seq >= max_ && !push &&
      (r.cork || nagle_holds(r, una_, max_, sml_))) {
    len -= len % r.mss;  // the short tail waits, as a small segment would
  }
  if (r.probe) len = std::min<std::uint32_t>(avail, 1);
  bool fin = fin_queued_ && seq + len == end && (!fin_sent_ || seq + len == fin_seq_);
  if (len == 0 && !fin) {
    // RFC 9293 §3.8.6.1: probe a zero window.
    persist = wnd_ == 0 &&
              (avail > 0 || (!r.resend_into_closed_window && nxt_ > data_start() && !buf_.empty()));
    return std::nullopt;
  }
  if (!retransmit && !r.probe && !r.force_runt && !push && len < r.mss && !fin && seq >= max_ &&
      (r.cork || hold_runt(len, avail, max_wnd_, nagle_holds(r, una_, max_, sml_), persist))) {
    persist = persist || (r.cork && r.cork_timer && max_ == una_);  // see Rules::cork
    return std::nullopt;
  }
  return Transmission{seq, len, fin, !retransmit, reason(retransmit, r)};
}

bool Sender::on_sent(Nanos now, const Transmission& t, std::uint32_t mss, bool time_it) {
  SeqNum end = t.seq + t.len + (t.fin ? 1u : 0u);
  bool rexmit = t.seq < max_;
  if (max_ == una_ && !rexmit) unacked_since_ = now;
  if (t.advance) nxt_ = end;
  if (end > max_) max_ = end;
  // tcp_minshall_update: a segment (or super-segment) whose last MSS is short.
  if ((t.len < mss || t.len % mss != 0) && t.advance) sml_ = end;
  if (t.fin) {
    fin_sent_ = true;
    fin_seq_ = t.seq + t.len;
  }
  if (rexmit) {
    karn_.stop();  // Karn: never time a retransmitted segment
  } else if (time_it && !karn_.running() && t.len > 0) {
    karn_.start(t.seq, now);
  }
  bytes_sent_ += t.len;
  return rexmit;
}

}  // namespace tcpsim::tcp
