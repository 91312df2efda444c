// What a connection sends: SYN and SYN,ACK with their options, data under the send,
// congestion and Nagle/SWS rules, ACKs (delayed or at once), RSTs.
#include <algorithm>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {
constexpr std::uint32_t kTimestampOptionSpace = 12;  // nop, nop, TS (RFC 7323 Appendix A)
}

std::uint32_t Connection::send_mss() const {
  // RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS + 20, MTU) - TCP header - IP header,
  // where the TCP header includes the options every segment carries (timestamps).
  std::uint32_t ip_header = local_.addr.is_v4() ? 20 : 40;
  std::uint32_t own = cfg_.mtu - ip_header - 20;
  std::uint32_t mss = std::min(peer_mss_, own);
  if (user_mss_ > 0) mss = std::min(mss, user_mss_);
  if (ts_ok_) mss -= kTimestampOptionSpace;
  return std::max<std::uint32_t>(mss, 64);
}

std::uint32_t Connection::receive_window_space() const {
  std::size_t used = recv_buf_.size() + reasm_.bytes();
  return used >= cfg_.recv_buffer ? 0 : static_cast<std::uint32_t>(cfg_.recv_buffer - used);
}

std::uint32_t Connection::in_flight() const {
  return static_cast<std::uint32_t>(snd_max_ - snd_una_);
}

bool Connection::fin_pending() const {
  // Our FIN still has to go out: CLOSE was called and the FIN is not sent, or a timeout
  // moved SND.NXT back to it.
  return fin_queued_ && (!fin_sent_ || snd_nxt_ == fin_seq_);
}

std::uint32_t Connection::advertised_window() {
  // RFC 9293 §3.8.6.2.2 receiver SWS avoidance: move the right edge only by at least
  // min(buffer/2, Eff.snd.MSS); never shrink it (§3.8.6.2.2, RFC 7323 §2.4).
  std::uint32_t space = receive_window_space();
  std::uint32_t current = rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
  std::uint32_t threshold = std::min<std::uint32_t>(cfg_.recv_buffer / 2, send_mss());
  std::uint32_t wnd = current;
  if (space > current && space - current >= threshold) wnd = space;
  if (space > current && space == cfg_.recv_buffer) wnd = space;
  // Say it in units of 2^Rcv.Wind.Shift, rounding up so the right edge never moves left
  // (RFC 7323 §2.4); the receive buffer keeps a little slack for the rounding.
  std::uint32_t unit = 1u << rcv_wscale_;
  std::uint32_t field = std::min<std::uint32_t>((wnd + unit - 1) >> rcv_wscale_, 65535);
  wnd = field << rcv_wscale_;
  rcv_adv_ = rcv_nxt_ + wnd;
  rcv_wnd_ = wnd;
  return wnd;
}

void Connection::add_options(Nanos now, Segment& seg, bool syn) const {
  wire::TcpOptions& o = seg.header.options;
  std::uint32_t ts_now = ts_offset_ + static_cast<std::uint32_t>(now / kMillisecond);
  bool active = !passive_ && state_ == State::SynSent;
  if (syn) {
    std::uint32_t ip_header = local_.addr.is_v4() ? 20 : 40;
    std::uint32_t our_mss = cfg_.mtu - ip_header - 20;
    if (user_mss_ > 0) our_mss = std::min(our_mss, user_mss_);
    // Which options go out: all we enable on a SYN; on a SYN,ACK only those the peer
    // offered (RFC 7323 §2.2, §3.2; RFC 2018 §2). A NOP goes only before an option that goes.
    auto wanted = [&](SynOption opt) {
      switch (opt) {
        case SynOption::Mss:
          return true;
        case SynOption::SackPermitted:
          return cfg_.sack && (active || sack_ok_);
        case SynOption::Timestamps:
          return cfg_.timestamps && (active || ts_ok_);
        case SynOption::WindowScale:
          return cfg_.window_scaling && (active || wscale_ok_);
        case SynOption::Nop:
          return true;
      }
      return false;
    };
    const auto& list = cfg_.syn_options;
    for (std::size_t i = 0; i < list.size(); ++i) {
      SynOption opt = list[i];
      if (!wanted(opt)) continue;
      if (opt == SynOption::Nop) {
        std::size_t j = i + 1;
        while (j < list.size() && list[j] == SynOption::Nop) ++j;
        if (j < list.size() && wanted(list[j])) o.add_nop();
        continue;
      }
      switch (opt) {
        case SynOption::Mss:
          o.add_mss(static_cast<std::uint16_t>(std::min<std::uint32_t>(our_mss, 65535)));
          break;
        case SynOption::SackPermitted:
          o.add_sack_permitted();
          break;
        case SynOption::Timestamps:
          o.add_timestamps(ts_now, active ? 0 : ts_recent_);
          break;
        case SynOption::WindowScale:
          o.add_window_scale(cfg_.window_shift);
          break;
        case SynOption::Nop:
          break;
      }
    }
    return;
  }
  if (ts_ok_) {
    o.add_nop();
    o.add_nop();
    o.add_timestamps(ts_now, ts_recent_);
  }
  if (sack_ok_ && !reasm_.empty()) {
    // RFC 2018 §3: as many blocks as fit (3 beside timestamps, else 4).
    std::array<wire::SackBlock, 4> blocks{};
    std::size_t n = reasm_.sack_blocks(blocks, ts_ok_ ? 3 : 4);
    if (n > 0) {
      o.add_nop();
      o.add_nop();
      o.add_sack(std::span<const wire::SackBlock>(blocks.data(), n));
    }
  }
}

Segment Connection::make_segment(Nanos now, SeqNum seq, std::uint8_t flags) const {
  Segment s;
  s.header.src_port = local_.port;
  s.header.dst_port = remote_.port;
  s.header.seq = seq.raw();
  s.header.flags = flags;
  if (flags & kAck) s.header.ack = rcv_nxt_.raw();
  (void)now;
  return s;
}

void Connection::queue_syn(Nanos now) {
  // <SEQ=ISS><CTL=SYN> in SYN-SENT, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> in SYN-RECEIVED.
  bool syn_ack = state_ != State::SynSent;  // the peer's SYN has been seen
  Segment s = make_segment(now, iss_, syn_ack ? (kSyn | kAck) : kSyn);
  add_options(now, s, true);
  // RFC 7323 §2.2: the window field of a SYN is not scaled.
  std::uint32_t wnd = std::min<std::uint32_t>(receive_window_space(), 65535);
  s.header.window = static_cast<std::uint16_t>(wnd);
  if (syn_ack) {
    rcv_adv_ = rcv_nxt_ + wnd;
    rcv_wnd_ = wnd;
    last_ack_sent_ = rcv_nxt_;
  }
  snd_nxt_ = iss_ + 1;
  snd_max_ = seq_max(snd_max_, snd_nxt_);
  if (retries_ == 0 && !rtt_timing_) {
    rtt_timing_ = true;
    rtt_seq_ = iss_;
    rtt_start_ = now;
  }
  ++segments_sent_;
  control_out_.push_back(std::move(s));
}

void Connection::finish_acking_segment(Nanos now, Segment& s) {
  // Every segment after the handshake carries options, our window and an ACK of RCV.NXT,
  // which settles any ACK we owed.
  add_options(now, s, false);
  s.header.window = static_cast<std::uint16_t>(advertised_window() >> rcv_wscale_);
  last_ack_sent_ = rcv_nxt_;
  ack_now_ = false;
  unacked_segments_ = 0;
  if (armed(TimerKind::DelayedAck)) disarm(now, TimerKind::DelayedAck);
}

void Connection::queue_ack(Nanos now) {
  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  Segment s = make_segment(now, snd_nxt_, kAck);
  finish_acking_segment(now, s);
  ++segments_sent_;
  control_out_.push_back(std::move(s));
}

void Connection::queue_rst(Nanos now, SeqNum seq) {
  // <SEQ=x><CTL=RST>: a reset carries no ACK unless answering one (RFC 9293 §3.10.7).
  Segment s = make_segment(now, seq, kRst);
  ++segments_sent_;
  control_out_.push_back(std::move(s));
}

void Connection::poll_transmit(Nanos now, std::vector<Segment>& out) {
  for (Segment& s : control_out_) out.push_back(std::move(s));
  control_out_.clear();
  switch (state_) {
    case State::Established:
    case State::FinWait1:
    case State::CloseWait:
    case State::Closing:
    case State::LastAck:
      while ((in_recovery_ && sack_ok_ && send_sack_recovery(now, out)) ||
             send_data_segment(now, out, false)) {
      }
      break;
    default:
      break;
  }
  if (ack_now_ && state_ != State::Closed && state_ != State::Listen && state_ != State::SynSent) {
    queue_ack(now);
    for (Segment& s : control_out_) out.push_back(std::move(s));
    control_out_.clear();
  }
}

const Connection::LostHoles& Connection::lost_holes() const {
  LostHoles& c = lost_holes_;
  std::uint32_t mss = send_mss();
  if (c.version == sack_board_.version() && c.snd_una == snd_una_ && c.mss == mss) return c;
  c.version = sack_board_.version();
  c.snd_una = snd_una_;
  c.mss = mss;
  c.holes.clear();
  // RFC 6675 IsLost(): a hole is lost when at least DupThresh segments' worth of bytes
  // are SACKed above it. One pass from the highest SACKed range down.
  const auto& ranges = sack_board_.ranges();
  std::uint32_t lost_threshold = 3 * mss;
  std::uint32_t sacked_above = 0;
  for (std::size_t i = ranges.size(); i-- > 0;) {
    sacked_above += static_cast<std::uint32_t>(ranges[i].end - ranges[i].start);
    // The hole below range i: [previous range's end (or SND.UNA), range i's start).
    SeqNum hole_start = i == 0 ? snd_una_ : ranges[i - 1].end;
    SeqNum hole_end = ranges[i].start;
    if (hole_start < hole_end && sacked_above >= lost_threshold)
      c.holes.push_back({hole_start, hole_end});
  }
  std::reverse(c.holes.begin(), c.holes.end());
  c.bytes_from.assign(c.holes.size() + 1, 0);
  for (std::size_t i = c.holes.size(); i-- > 0;) {
    c.bytes_from[i] =
        c.bytes_from[i + 1] + static_cast<std::uint32_t>(c.holes[i].end - c.holes[i].start);
  }
  return c;
}

std::uint32_t Connection::pipe() const {
  // RFC 6675 §4 SetPipe(): bytes outstanding, less those SACKed, less the holes deemed
  // lost that have not been sent again (the parts above HighRxt).
  std::uint32_t total = static_cast<std::uint32_t>(snd_max_ - snd_una_);
  std::uint32_t p = total > sack_board_.sacked_bytes() ? total - sack_board_.sacked_bytes() : 0;
  if (!in_recovery_ || sack_board_.empty()) return p;
  const LostHoles& c = lost_holes();
  // The first lost hole that ends above HighRxt; it and every hole after it count.
  auto it = std::partition_point(c.holes.begin(), c.holes.end(),
                                 [&](const auto& h) { return h.end <= rexmit_high_; });
  if (it == c.holes.end()) return p;
  std::size_t i = static_cast<std::size_t>(it - c.holes.begin());
  std::uint32_t lost = c.bytes_from[i + 1];
  lost += static_cast<std::uint32_t>(it->end - seq_max(it->start, rexmit_high_));
  return p > lost ? p - lost : 0;
}

bool Connection::send_sack_recovery(Nanos now, std::vector<Segment>& out) {
  // RFC 6675 §5 (NextSeg): during recovery with SACK, resend the holes deemed lost while
  // the pipe has room, then new data (in send_data_segment).
  std::uint32_t mss = send_mss();
  SeqNum data_end = data_start() + static_cast<std::uint32_t>(snd_buf_.size());
  SeqNum limit = seq_min(sack_board_.empty() ? snd_max_ : sack_board_.highest_sacked(), data_end);
  auto resend = [&](SeqNum seq, std::string_view why) {
    SeqNum hole_end = seq_min(sack_board_.next_sacked(seq, snd_max_), data_end);
    std::uint32_t len = std::min<std::uint32_t>(mss, static_cast<std::uint32_t>(hole_end - seq));
    bool fin = fin_sent_ && seq + len == fin_seq_;
    emit_data(now, out, seq, len, fin, false, why);
    rexmit_high_ = seq_max(rexmit_high_, seq + len);
    return true;
  };
  if (retransmit_next_) {
    // RFC 6675 §5 (4.3): on entering recovery, resend the first unacknowledged segment.
    retransmit_next_ = false;
    SeqNum seq = data_start();
    if (seq < data_end) return resend(seq, "fast-retransmit");
  }
  if (pipe() >= cc_->cwnd()) return false;
  SeqNum h = sack_board_.skip_sacked(seq_max(rexmit_high_, data_start()));
  if (h < limit && sack_board_.is_lost(h, mss)) return resend(h, "sack-recovery");
  return false;
}

bool Connection::send_data_segment(Nanos now, std::vector<Segment>& out, bool probe) {
  std::uint32_t mss = send_mss();
  SeqNum data_end = data_start() + static_cast<std::uint32_t>(snd_buf_.size());
  bool retransmit = false;
  SeqNum seq = snd_nxt_;
  if (retransmit_next_) {
    // Fast retransmit / NewReno partial ACK: resend the segment at SND.UNA.
    retransmit_next_ = false;
    seq = data_start();
    retransmit = true;
  }
  if (seq < data_start()) seq = data_start();
  if (!retransmit && sack_ok_ && seq < snd_max_) {
    // Going back after a timeout: skip what the receiver has SACKed (RFC 6675 §5.1).
    SeqNum skipped = sack_board_.skip_sacked(seq);
    if (skipped != seq) {
      seq = seq_min(skipped, snd_max_);
      snd_nxt_ = seq;
    }
  }
  if (seq > data_end) return false;  // only the (sent) FIN lies beyond
  std::uint32_t avail = static_cast<std::uint32_t>(data_end - seq);
  if (!retransmit && sack_ok_ && seq < snd_max_) {
    SeqNum next = sack_board_.next_sacked(seq, data_end);
    avail = std::min(avail, static_cast<std::uint32_t>(next - seq));
  }
  std::uint32_t len = std::min(avail, mss);
  if (!retransmit && !probe) {
    std::uint32_t cwnd = cc_ ? cc_->cwnd() : mss;
    std::uint32_t flight = static_cast<std::uint32_t>(snd_nxt_ - snd_una_);
    std::uint32_t usable;
    if (in_recovery_ && sack_ok_) {
      // RFC 6675: new data goes out while pipe < cwnd.
      std::uint32_t p = pipe();
      usable = cwnd > p ? cwnd - p : 0;
    } else {
      // RFC 3042 limited transmit: one new segment on each of the first two dup ACKs.
      if (!in_recovery_) cwnd += std::min<std::uint32_t>(dupacks_, 2) * mss;
      usable = cwnd > flight ? cwnd - flight : 0;
    }
    std::uint32_t rwnd_left = snd_wnd_ > flight ? snd_wnd_ - flight : 0;
    len = std::min({len, usable, rwnd_left});
  }
  if (probe) len = std::min<std::uint32_t>(avail, 1);
  bool fin = fin_queued_ && seq + len == data_end && (!fin_sent_ || seq + len == fin_seq_);
  if (len == 0 && !fin) {
    // RFC 9293 §3.8.6.1: probe a zero window.
    if (avail > 0 && snd_wnd_ == 0) start_persist(now);
    return false;
  }
  if (!retransmit && !probe && !force_runt_ && len < mss && !fin && seq >= snd_max_) {
    if (len < avail) {
      // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): a window-limited runt waits until it
      // is at least half the largest window the peer offered. With nothing in flight no
      // ACK will come to change that, so the persist timer doubles as the override
      // timeout that sends it anyway.
      if (len < max_snd_wnd_ / 2) {
        start_persist(now);
        return false;
      }
    } else if (cfg_.nagle && snd_max_ > snd_una_ && snd_sml_ > snd_una_) {
      // Nagle (RFC 896, RFC 9293 §3.7.4) with Minshall's refinement, as Linux applies it:
      // hold a small segment while an earlier *small* segment is unacknowledged.
      return false;
    }
  }
  emit_data(now, out, seq, len, fin, !retransmit,
            retransmit ? "fast-retransmit" : (probe ? "probe" : "timeout"));
  return !probe;
}

void Connection::emit_data(Nanos now, std::vector<Segment>& out, SeqNum seq, std::uint32_t len,
                           bool fin, bool advance, std::string_view why) {
  bool probe = why == "probe";
  SeqNum data_end = data_start() + static_cast<std::uint32_t>(snd_buf_.size());
  std::uint8_t flags = kAck;
  if (len > 0 && seq + len == data_end) flags |= kPsh;
  if (fin) flags |= kFin;
  Segment s = make_segment(now, seq, flags);
  if (pool_ != nullptr && len > 0) s.payload = pool_->take();
  snd_buf_.append_to(static_cast<std::size_t>(seq - data_start()), len, s.payload);
  finish_acking_segment(now, s);

  SeqNum end = seq + len + (fin ? 1u : 0u);
  bool is_rexmit = seq < snd_max_;
  if (snd_max_ == snd_una_ && !is_rexmit) unacked_since_ = now;
  if (advance) snd_nxt_ = end;
  if (end > snd_max_) snd_max_ = end;
  if (len < send_mss() && advance) snd_sml_ = end;
  if (fin) {
    fin_sent_ = true;
    fin_seq_ = seq + len;
  }
  if (is_rexmit) {
    ++retransmissions_;
    rtt_timing_ = false;  // Karn: never time a retransmitted segment
    if (observer_ != nullptr) observer_->on_retransmit(*this, now, seq.raw(), len, why);
  } else if (!ts_ok_ && !rtt_timing_ && len > 0) {
    rtt_timing_ = true;
    rtt_seq_ = seq;
    rtt_start_ = now;
  }
  bytes_sent_ += len;
  ++segments_sent_;
  if (cc_) cc_->on_packet_sent(now, len, in_flight());
  if (!armed(TimerKind::Retransmission) && !probe) restart_retransmission_timer(now);
  if (armed(TimerKind::Persist) && !probe) disarm(now, TimerKind::Persist);
  out.push_back(std::move(s));
}

}  // namespace tcpsim::tcp
