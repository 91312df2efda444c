// SEGMENT ARRIVES (RFC 9293 §3.10.7), with RFC 5961's defences and RFC 7323's PAWS.
// The steps run in the RFC's order: sequence, RST, SYN, ACK, (URG ignored), text, FIN.
#include <algorithm>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// RFC 7323 §5.2: TSval comparisons are modulo 2^32 like sequence numbers.
bool ts_before(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}

}  // namespace

void Connection::drop(Nanos now, const Segment& seg, DropReason why) {
  if (observer_ != nullptr) observer_->on_drop(*this, now, seg, why);
}

void Connection::on_segment(Nanos now, const Segment& seg,
                            std::vector<std::uint8_t>* payload_owner) {
  payload_owner_ = payload_owner;
  on_segment_in(now, seg);
  payload_owner_ = nullptr;
}

void Connection::on_segment_in(Nanos now, const Segment& seg) {
  ++segments_received_;
  last_activity_ = now;
  keepalive_sent_ = 0;
  if (cfg_.keepalive && is_synchronized(state_))
    arm(now, TimerKind::Keepalive, now + cfg_.keepalive_idle);
  switch (state_) {
    case State::Closed:
    case State::Listen:
      // A closed TCB answers nothing; the host's TCP layer handles closed ports and
      // listeners (RFC 9293 §3.10.7.1, §3.10.7.2).
      drop(now, seg, DropReason::NoConnection);
      return;
    case State::SynSent:
      segment_syn_sent(now, seg);
      return;
    default:
      segment_synchronized(now, seg);
      return;
  }
}

void Connection::take_syn_options(const Segment& seg) {
  const wire::TcpOptions& o = seg.header.options;
  // RFC 9293 §3.7.1: without an MSS option assume 536 (IPv4) or 1220 (IPv6, RFC 8200).
  peer_mss_ = o.mss().value_or(local_.addr.is_v4() ? 536 : 1220);
  if (cfg_.window_scaling && o.window_scale()) {
    // RFC 7323 §2.3: a shift above 14 is used as 14.
    wscale_ok_ = true;
    snd_wscale_ = std::min<std::uint8_t>(*o.window_scale(), 14);
    rcv_wscale_ = cfg_.window_shift;
  } else {
    wscale_ok_ = false;
    snd_wscale_ = 0;
    rcv_wscale_ = 0;
  }
  sack_ok_ = cfg_.sack && o.sack_permitted();
  ts_ok_ = cfg_.timestamps && o.timestamps().has_value();
}

void Connection::complete_handshake(Nanos now, const Segment& seg) {
  // Our SYN is acknowledged: take the peer's window (RFC 9293 §3.10.7.3 / §3.10.7.4:
  // SND.WND = SEG.WND, SND.WL1 = SEG.SEQ, SND.WL2 = SEG.ACK), stop the SYN timer and
  // start congestion control.
  syn_acked_ = true;
  // RFC 7323 §2.2: the window in a SYN is never scaled; in later segments it is.
  snd_wnd_ = static_cast<std::uint32_t>(seg.header.window) << (seg.has(kSyn) ? 0 : snd_wscale_);
  max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
  snd_wl1_ = SeqNum(seg.header.seq);
  snd_wl2_ = SeqNum(seg.header.ack);
  // Karn (RFC 6298 §3): time the SYN only when it was not retransmitted.
  if (rtt_timing_ && retries_ == 0) {
    rtt_.sample(now - rtt_start_);
    if (observer_ != nullptr)
      observer_->on_rtt(*this, now, rtt_.latest(), rtt_.srtt(), rtt_.rttvar(), rtt_.rto());
  }
  rtt_timing_ = false;
  disarm(now, TimerKind::Retransmission);
  // RFC 5681 §3.1: after a lost SYN or SYN,ACK the initial window is one segment.
  cc_ = make_congestion_control(
      cfg_.congestion, send_mss(),
      retries_ > 0 ? send_mss() : cfg_.initial_window_segments * send_mss());
  retries_ = 0;
  if (cfg_.keepalive) arm(now, TimerKind::Keepalive, now + cfg_.keepalive_idle);
}

void Connection::update_ts_recent(const Segment& seg) {
  if (!ts_ok_) return;
  auto ts = seg.header.options.timestamps();
  if (!ts) return;
  if (seg.has(kSyn)) {
    ts_recent_ = ts->tsval;
    return;
  }
  // RFC 7323 §4.3 (2): TS.Recent follows the segment that covers Last.ACK.sent.
  if (!ts_before(ts->tsval, ts_recent_) && SeqNum(seg.header.seq) <= last_ack_sent_) {
    ts_recent_ = ts->tsval;
  }
}

// ---------------------------------------------------------------- SYN-SENT
void Connection::segment_syn_sent(Nanos now, const Segment& seg) {
  const wire::TcpRepr& h = seg.header;
  SeqNum ack(h.ack);
  bool ack_ok = false;
  // RFC 9293 §3.10.7.3 first: check the ACK bit.
  if (seg.has(kAck)) {
    if (ack <= iss_ || ack > snd_max_) {
      if (!seg.has(kRst)) queue_rst(now, ack);
      drop(now, seg, DropReason::SynSentBadAck);
      return;
    }
    ack_ok = snd_una_ < ack && ack <= snd_max_;
  }
  // Second: the RST bit (RFC 5961 §3.2: only with an ACK of our SYN).
  if (seg.has(kRst)) {
    if (ack_ok) {
      enter_closed(now, "RFC 9293 §3.10.7.3: SYN-SENT, RST with acceptable ACK: connection refused",
                   Errno::ConnRefused);
      snd_buf_.consume(snd_buf_.size());
      return;
    }
    drop(now, seg, DropReason::SynSentRstNoAck);
    return;
  }
  // Fourth: the SYN bit.
  if (!seg.has(kSyn)) {
    drop(now, seg, DropReason::SynSentNoSyn);
    return;
  }
  irs_ = SeqNum(h.seq);
  rcv_nxt_ = irs_ + 1;
  take_syn_options(seg);
  update_ts_recent(seg);
  rcv_adv_ = rcv_nxt_ + std::min<std::uint32_t>(receive_window_space(), 65535);
  // RFC 7323 §2.2: the window in a SYN is never scaled.
  if (ack_ok) snd_una_ = ack;
  if (snd_una_ > iss_) {
    complete_handshake(now, seg);
    set_state(now, State::Established,
              "RFC 9293 §3.10.7.3: SYN-SENT, SYN,ACK acknowledges our SYN: send ACK, enter "
              "ESTABLISHED");
    report_cwnd(now);
    ack_now_ = true;
    if (!seg.payload.empty() || seg.has(kFin)) {
      // Sixth and eighth steps for data or FIN carried on the SYN,ACK.
      Segment rest = seg;
      rest.header.seq = h.seq + 1;
      rest.header.flags = static_cast<std::uint8_t>(rest.header.flags & ~kSyn);
      process_text(now, rest);
      process_fin(now, rest);
    }
    return;
  }
  // Simultaneous open: a SYN without ACK of ours.
  set_state(now, State::SynReceived,
            "RFC 9293 §3.10.7.3: SYN-SENT, SYN without ACK (simultaneous open): send SYN,ACK, "
            "enter SYN-RECEIVED");
  queue_syn(now);
}

// ------------------------------------------------ SYN-RECEIVED and later
void Connection::segment_synchronized(Nanos now, const Segment& seg) {
  if (state_ == State::SynReceived && !passive_ && seg.has(kSyn) && seg.has(kAck) &&
      SeqNum(seg.header.seq) == irs_) {
    // Simultaneous open (RFC 9293 Figure 8, line 6): the peer's SYN,ACK repeats the SYN we
    // hold and acknowledges ours. Take it as that ACK, so ESTABLISHED follows at once.
    Segment rest = seg;
    rest.header.seq = seg.header.seq + 1;
    rest.header.flags = static_cast<std::uint8_t>(rest.header.flags & ~kSyn);
    segment_synchronized(now, rest);
    return;
  }
  if (!check_sequence(now, seg)) return;
  if (!check_rst(now, seg)) return;
  if (!check_syn(now, seg)) return;
  if (!check_ack(now, seg)) return;
  // Sixth: URG is ignored (RFC 9293 §3.8.5 leaves urgent data to applications; RFC 6093).
  update_ts_recent(seg);
  process_text(now, seg);
  process_fin(now, seg);
}

bool Connection::check_sequence(Nanos now, const Segment& seg) {
  const wire::TcpRepr& h = seg.header;
  SeqNum seq(h.seq);

  // Deviation (as Linux and BSD): a retransmitted SYN in SYN-RECEIVED gets our SYN,ACK
  // again instead of a bare ACK, so the peer's handshake can finish.
  if (state_ == State::SynReceived && seg.has(kSyn) && !seg.has(kAck) && seq == irs_) {
    queue_syn(now);
    ++retransmissions_;
    return false;
  }

  // RFC 7323 §5.3: PAWS, before the acceptability test.
  if (ts_ok_ && !seg.has(kRst)) {
    if (auto ts = h.options.timestamps(); ts && ts_before(ts->tsval, ts_recent_)) {
      ack_now_ = true;
      drop(now, seg, DropReason::Paws);
      return false;
    }
  }

  std::uint32_t len = seg.seq_len();
  std::uint32_t wnd = rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
  bool ok;
  if (len == 0) {
    ok = wnd == 0 ? seq == rcv_nxt_ : seq_in_range(rcv_nxt_, seq, rcv_nxt_ + wnd);
  } else if (wnd == 0) {
    // RFC 9293 §3.10.7.4: with a zero window still process ACKs (zero-window probes
    // carry them); the text is not accepted.
    ok = false;
    if (seq == rcv_nxt_ && seg.has(kAck) && !seg.has(kRst) && !seg.has(kSyn)) {
      Segment ack_only = seg;
      ack_only.payload.clear();
      ack_only.header.flags = static_cast<std::uint8_t>(ack_only.header.flags & ~kFin);
      if (check_ack(now, ack_only)) ack_now_ = true;
      drop(now, seg, DropReason::Unacceptable);
      return false;
    }
  } else {
    ok = seq_in_range(rcv_nxt_, seq, rcv_nxt_ + wnd) ||
         seq_in_range(rcv_nxt_, seq + (len - 1), rcv_nxt_ + wnd);
  }
  if (!ok) {
    // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply
    // (unless the RST bit is set)".
    if (!seg.has(kRst)) ack_now_ = true;
    if (state_ == State::TimeWait && seg.has(kFin)) {
      // §3.10.7.4 eighth, TIME-WAIT: a retransmitted FIN restarts the 2 MSL timeout.
      arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
    }
    drop(now, seg, seg.has(kRst) ? DropReason::RstOutOfWindow : DropReason::Unacceptable);
    return false;
  }
  return true;
}

bool Connection::check_rst(Nanos now, const Segment& seg) {
  if (!seg.has(kRst)) return true;
  SeqNum seq(seg.header.seq);
  if (seq != rcv_nxt_) {
    // RFC 5961 §3.2: in the window but not exactly RCV.NXT: challenge ACK.
    send_challenge_ack(now, seg, DropReason::RstChallenged);
    return false;
  }
  switch (state_) {
    case State::SynReceived:
      if (passive_) {
        enter_closed(now, "RFC 9293 §3.10.7.4: SYN-RECEIVED (from LISTEN), RST: return to LISTEN",
                     Errno::ConnRefused);
      } else {
        enter_closed(now, "RFC 9293 §3.10.7.4: SYN-RECEIVED (active OPEN), RST: connection refused",
                     Errno::ConnRefused);
      }
      break;
    case State::Established:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait:
      enter_closed(now, "RFC 9293 §3.10.7.4: RST in a synchronized state: connection reset",
                   Errno::ConnReset);
      break;
    default:
      // CLOSING, LAST-ACK, TIME-WAIT.
      enter_closed(now, "RFC 9293 §3.10.7.4: RST in CLOSING/LAST-ACK/TIME-WAIT: enter CLOSED",
                   Errno::Ok);
      break;
  }
  control_out_.clear();
  snd_buf_.consume(snd_buf_.size());
  return false;
}

bool Connection::check_syn(Nanos now, const Segment& seg) {
  if (!seg.has(kSyn)) return true;
  if (state_ == State::SynReceived && passive_) {
    // RFC 9293 §3.10.7.4 fourth: "return this connection to the LISTEN state".
    enter_closed(now,
                 "RFC 9293 §3.10.7.4: SYN-RECEIVED (from LISTEN), SYN in window: return to LISTEN",
                 Errno::ConnReset);
    return false;
  }
  // RFC 5961 §4.2: any SYN in a synchronized state draws a challenge ACK.
  send_challenge_ack(now, seg, DropReason::SynChallenged);
  return false;
}

bool Connection::check_ack(Nanos now, const Segment& seg) {
  if (!seg.has(kAck)) {
    drop(now, seg, DropReason::NoAckFlag);
    return false;
  }
  SeqNum ack(seg.header.ack);
  if (!syn_acked_) {
    // SYN-RECEIVED (or FIN-WAIT-1 entered from it by CLOSE): the ACK must cover our SYN.
    if (!(snd_una_ < ack && ack <= snd_max_)) {
      // §3.10.7.4 fifth, SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST>.
      queue_rst(now, ack);
      drop(now, seg, DropReason::SynReceivedBadAck);
      return false;
    }
    complete_handshake(now, seg);
    snd_una_ = iss_ + 1;  // the rest of the ACK (a FIN, say) is processed below
    if (state_ == State::SynReceived) {
      set_state(now, State::Established,
                "RFC 9293 §3.10.7.4: SYN-RECEIVED, ACK of our SYN: enter ESTABLISHED");
    }
    report_cwnd(now);
  }
  // RFC 5961 §5.2: acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.NXT].
  if (ack > snd_max_) {
    send_challenge_ack(now, seg, DropReason::AckAhead);
    return false;
  }
  if (ack < snd_una_ - max_snd_wnd_) {
    send_challenge_ack(now, seg, DropReason::AckChallenged);
    return false;
  }
  process_ack_of_data(now, seg);

  bool fin_acked = fin_sent_ && snd_una_ > fin_seq_;
  switch (state_) {
    case State::FinWait1:
      if (fin_acked) {
        set_state(now, State::FinWait2,
                  "RFC 9293 §3.10.7.4: FIN-WAIT-1, our FIN acknowledged: enter FIN-WAIT-2");
      }
      break;
    case State::Closing:
      if (fin_acked) {
        enter_time_wait(now, "RFC 9293 §3.10.7.4: CLOSING, our FIN acknowledged: enter TIME-WAIT");
      }
      break;
    case State::LastAck:
      if (fin_acked) {
        enter_closed(now, "RFC 9293 §3.10.7.4: LAST-ACK, our FIN acknowledged: enter CLOSED",
                     Errno::Ok);
        return false;
      }
      break;
    default:
      break;
  }
  return true;
}

void Connection::process_ack_of_data(Nanos now, const Segment& seg) {
  SeqNum ack(seg.header.ack);
  std::uint32_t seg_wnd = static_cast<std::uint32_t>(seg.header.window) << snd_wscale_;
  std::uint32_t mss = send_mss();
  bool advanced = snd_una_ < ack;
  std::uint32_t acked = advanced ? static_cast<std::uint32_t>(ack - snd_una_) : 0;
  if (advanced) {
    std::uint32_t data_acked = acked;
    if (fin_sent_ && ack > fin_seq_) data_acked -= 1;  // the FIN is not in the buffer
    data_acked = std::min<std::uint32_t>(data_acked, static_cast<std::uint32_t>(snd_buf_.size()));
    snd_buf_.consume(data_acked);
    snd_una_ = ack;
    if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
    if (rexmit_high_ < snd_una_) rexmit_high_ = snd_una_;
    sack_board_.advance(snd_una_);
    retries_ = 0;
    unacked_since_ = now;

    // RTT sample: timestamps (RFC 7323 §4) or the one timed segment (Karn, RFC 6298 §3).
    bool sampled = false;
    if (ts_ok_) {
      auto ts = seg.header.options.timestamps();
      if (ts && ts->tsecr != 0) {
        std::uint32_t ts_now = ts_offset_ + static_cast<std::uint32_t>(now / kMillisecond);
        std::int32_t ms = static_cast<std::int32_t>(ts_now - ts->tsecr);
        if (ms >= 0) {
          rtt_.sample(static_cast<Nanos>(ms) * kMillisecond);
          sampled = true;
        }
      }
    } else if (rtt_timing_ && ack > rtt_seq_) {
      rtt_.sample(now - rtt_start_);
      rtt_timing_ = false;
      sampled = true;
    }
    if (sampled && observer_ != nullptr)
      observer_->on_rtt(*this, now, rtt_.latest(), rtt_.srtt(), rtt_.rttvar(), rtt_.rto());
  }
  // SACK blocks (RFC 2018) update the scoreboard; new SACK information makes an ACK a
  // duplicate for loss detection even when the window changed (RFC 6675 §2).
  bool new_sack = false;
  if (sack_ok_) {
    std::array<wire::SackBlock, 4> blocks{};
    std::size_t n = seg.header.options.sack_blocks(blocks);
    if (n > 0) {
      new_sack = sack_board_.update(snd_una_, snd_max_,
                                    std::span<const wire::SackBlock>(blocks.data(), n));
    }
  }
  if (advanced) {
    if (cc_) {
      if (in_recovery_) {
        if (ack >= recover_) {
          // RFC 6582 §3.2 (3) / RFC 6675 §5: full acknowledgment: leave recovery with
          // cwnd = ssthresh (never more than the flight plus one segment).
          in_recovery_ = false;
          sack_board_.clear();
          cc_->set_cwnd(std::min(cc_->ssthresh(), std::max(in_flight(), mss) + mss));
        } else if (!sack_ok_ && cfg_.congestion == CongestionAlgorithm::Reno) {
          // Plain Reno (RFC 5681 §3.2 (6)): any new ACK ends recovery; further holes wait
          // for three more duplicate ACKs or the timer.
          in_recovery_ = false;
          cc_->set_cwnd(std::max(cc_->ssthresh(), mss));
        } else if (!sack_ok_) {
          // RFC 6582 §3.2 (5): partial acknowledgment: retransmit the next hole, deflate.
          retransmit_next_ = true;
          std::uint32_t cw = cc_->cwnd();
          cw = cw > acked ? cw - acked : 0;
          if (acked >= mss) cw += mss;
          cc_->set_cwnd(std::max(cw, mss));
        }
      } else {
        cc_->on_ack(now, acked, in_flight(), rtt_.srtt());
      }
      report_cwnd(now);
    }
    dupacks_ = 0;
    // RFC 6298 (5.2)/(5.3): stop the timer when all is acknowledged, else restart it.
    if (snd_una_ == snd_max_) {
      disarm(now, TimerKind::Retransmission);
    } else {
      restart_retransmission_timer(now);
    }
  } else if (ack == snd_una_ && seg.payload.empty() && !seg.has(kSyn) && !seg.has(kFin) &&
             snd_max_ > snd_una_ && cc_ && (new_sack || (seg_wnd == snd_wnd_ && snd_wnd_ > 0))) {
    // RFC 5681 §2 duplicate ACK; §3.2 fast retransmit on the third, or sooner when the
    // SACK scoreboard already shows the first segment lost (RFC 6675 §5 IsLost).
    ++dupacks_;
    bool lost = dupacks_ >= 3 || (sack_ok_ && sack_board_.is_lost(snd_una_, mss));
    if (lost && !in_recovery_ && !(snd_una_ < recover_ && recover_valid_)) {
      cc_->on_congestion_event(now, in_flight());
      recover_ = snd_max_;
      recover_valid_ = true;
      in_recovery_ = true;
      retransmit_next_ = true;
      rexmit_high_ = snd_una_;
      rtt_timing_ = false;
      if (!sack_ok_) cc_->set_cwnd(cc_->ssthresh() + 3 * mss);  // RFC 6582 §3.2 (2)
      report_cwnd(now);
    } else if (in_recovery_ && !sack_ok_) {
      cc_->set_cwnd(cc_->cwnd() + mss);  // RFC 6582 §3.2 (4): every further dup ACK inflates
      report_cwnd(now);
    }
  }
  update_send_window(seg);
}

void Connection::update_send_window(const Segment& seg) {
  SeqNum seq(seg.header.seq);
  SeqNum ack(seg.header.ack);
  // RFC 9293 §3.10.7.4 fifth, ESTABLISHED: SND.WL1/SND.WL2 guard against old segments.
  if (snd_wl1_ < seq || (snd_wl1_ == seq && snd_wl2_ <= ack)) {
    std::uint32_t old = snd_wnd_;
    snd_wnd_ = static_cast<std::uint32_t>(seg.header.window) << snd_wscale_;
    snd_wl1_ = seq;
    snd_wl2_ = ack;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
    if (old == 0 && snd_wnd_ > 0 && armed(TimerKind::Persist)) {
      // The window opened: stop probing and resend from SND.UNA (a probe byte may have
      // been discarded).
      disarm(0, TimerKind::Persist);
      snd_nxt_ = snd_una_;
    }
  }
}

void Connection::process_text(Nanos now, const Segment& seg) {
  if (seg.payload.empty()) return;
  if (state_ != State::Established && state_ != State::FinWait1 && state_ != State::FinWait2) {
    // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer sent FIN already; ignore.
    return;
  }
  SeqNum seq(seg.header.seq);
  std::span<const std::uint8_t> data(seg.payload);
  // Keep only what lies inside the window we advertised.
  SeqNum right = rcv_adv_;
  SeqNum end = seq + static_cast<std::uint32_t>(data.size());
  if (end > right) data = data.first(data.size() - static_cast<std::size_t>(end - right));
  if (seq <= rcv_nxt_) {
    std::uint32_t skip = static_cast<std::uint32_t>(rcv_nxt_ - seq);
    if (skip >= data.size()) {
      ack_now_ = true;  // a duplicate: tell the sender where we are
      return;
    }
    data = data.subspan(skip);
    bool had_gap = !reasm_.empty();
    if (!had_gap) {
      // Fast path: in order with nothing held. The whole payload of a segment without FIN
      // (process_fin still reads its length) is taken over rather than copied.
      std::size_t n = 0;
      if (read_shutdown_) {
        n = data.size();
      } else if (payload_owner_ != nullptr && !seg.has(kFin) &&
                 data.data() == payload_owner_->data() && data.size() == payload_owner_->size() &&
                 data.size() <= recv_buf_.free_space()) {
        n = recv_buf_.adopt(std::move(*payload_owner_));
        payload_owner_ = nullptr;
      } else {
        n = recv_buf_.write(data);
      }
      rcv_nxt_ += static_cast<std::uint32_t>(n);
      bytes_received_ += n;
    } else {
      // Merge with held data first, so overlaps with held blocks are delivered once.
      reasm_.insert(rcv_nxt_, rcv_nxt_, data);
    }
    deliver_in_order(now);
    if (had_gap) ack_now_ = true;  // RFC 5681 §4.2: ACK at once when a gap fills
    ++unacked_segments_;
    if (cfg_.delayed_ack_timeout == 0 || unacked_segments_ >= 2) {
      ack_now_ = true;
    } else if (!armed(TimerKind::DelayedAck)) {
      arm(now, TimerKind::DelayedAck, now + cfg_.delayed_ack_timeout);
    }
    return;
  }
  // Out of order: hold it and send a duplicate ACK at once (RFC 5681 §4.2, RFC 2018).
  reasm_.insert(rcv_nxt_, seq, data);
  ack_now_ = true;
}

void Connection::deliver_in_order(Nanos now) {
  while (reasm_.ready(rcv_nxt_)) {
    std::vector<std::uint8_t> block = reasm_.pop_front();
    std::size_t n = read_shutdown_ ? block.size() : recv_buf_.adopt(std::move(block));
    rcv_nxt_ += static_cast<std::uint32_t>(n);
    bytes_received_ += n;
  }
  if (peer_fin_seen_ && !fin_received_ && peer_fin_seq_ == rcv_nxt_) {
    Segment fin;
    fin.header.seq = rcv_nxt_.raw();
    fin.header.flags = kFin | kAck;
    process_fin(now, fin);
  }
}

void Connection::process_fin(Nanos now, const Segment& seg) {
  if (!seg.has(kFin) || fin_received_) return;
  if (state_ == State::Closed || state_ == State::Listen || state_ == State::SynSent) return;
  SeqNum fin_at = SeqNum(seg.header.seq) + static_cast<std::uint32_t>(seg.payload.size());
  if (fin_at != rcv_nxt_) {
    // The FIN came ahead of missing data: act on it once the gap fills.
    if (fin_at > rcv_nxt_) {
      peer_fin_seen_ = true;
      peer_fin_seq_ = fin_at;
    }
    return;
  }
  // RFC 9293 §3.10.7.4 eighth: advance RCV.NXT over the FIN and acknowledge it.
  rcv_nxt_ += 1;
  fin_received_ = true;
  ack_now_ = true;
  bool our_fin_acked = fin_sent_ && snd_una_ > fin_seq_;
  switch (state_) {
    case State::SynReceived:
    case State::Established:
      set_state(now, State::CloseWait,
                "RFC 9293 §3.10.7.4: FIN arrives in ESTABLISHED: enter CLOSE-WAIT");
      break;
    case State::FinWait1:
      if (our_fin_acked) {
        enter_time_wait(now,
                        "RFC 9293 §3.10.7.4: FIN-WAIT-1, FIN arrives and our FIN is acknowledged: "
                        "enter TIME-WAIT");
      } else {
        set_state(now, State::Closing,
                  "RFC 9293 §3.10.7.4: FIN-WAIT-1, FIN arrives (simultaneous close): enter "
                  "CLOSING");
      }
      break;
    case State::FinWait2:
      enter_time_wait(now, "RFC 9293 §3.10.7.4: FIN-WAIT-2, FIN arrives: enter TIME-WAIT");
      break;
    case State::TimeWait:
      arm(now, TimerKind::TimeWait, now + 2 * cfg_.msl);
      break;
    default:
      break;  // CLOSE-WAIT, CLOSING, LAST-ACK: remain
  }
}

void Connection::send_challenge_ack(Nanos now, const Segment& seg, DropReason why) {
  // RFC 5961 §7: limit challenge ACKs per second.
  if (cfg_.challenge_ack_limit > 0) {
    if (now - challenge_window_start_ >= kSecond) {
      challenge_window_start_ = now;
      challenges_in_window_ = 0;
    }
    if (challenges_in_window_ >= cfg_.challenge_ack_limit) {
      drop(now, seg, DropReason::ChallengeRateLimited);
      return;
    }
    ++challenges_in_window_;
  }
  queue_ack(now);
  drop(now, seg, why);
}

}  // namespace tcpsim::tcp
