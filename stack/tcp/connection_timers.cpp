// Timers: retransmission (RFC 6298), persist (RFC 9293 §3.8.6.1), delayed ACK
// (RFC 9293 §3.8.6.3), TIME-WAIT (§3.10.8) and keep-alive (§3.8.4).
#include <algorithm>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

void Connection::arm(Nanos now, TimerKind k, Nanos deadline) {
  timers_.set(k, deadline);
  if (observer_ != nullptr) observer_->on_timer(*this, now, k, TimerAction::Set, deadline);
}

void Connection::disarm(Nanos now, TimerKind k) {
  Nanos was = timers_.clear(k);
  if (was != kNever && observer_ != nullptr)
    observer_->on_timer(*this, now, k, TimerAction::Cancelled, was);
}

void Connection::restart_retransmission_timer(Nanos now) {
  Nanos deadline = now + rtt_.rto();
  // The user timeout (RFC 9293 §3.8.3 R2, §3.10.8) may end the wait sooner.
  if (cfg_.user_timeout > 0 && snd_.syn_acked()) {
    deadline = std::min(deadline, std::max(now, snd_.unacked_since() + cfg_.user_timeout));
  }
  // FreeBSD's TCP_KEEPINIT limits how long an active open may take.
  if (cfg_.connect_timeout > 0 && !passive_ && !snd_.syn_acked()) {
    deadline = std::min(deadline, std::max(now, opened_at_ + cfg_.connect_timeout));
  }
  arm(now, TimerKind::Retransmission, deadline);
}

void Connection::report_cwnd(Nanos now, std::optional<std::uint32_t> pipe) {
  if (observer_ == nullptr || !recovery_.started()) return;
  observer_->on_cwnd(*this, now, recovery_.cwnd(), recovery_.ssthresh(), snd_.in_flight(),
                     pipe ? *pipe : recovery_.pipe(snd_.space(), send_mss()));
}

void Connection::on_timer(Nanos now) {
  for (int i = 0; i < kTimerCount; ++i) {
    auto kind = static_cast<TimerKind>(i);
    Nanos deadline = timers_.deadline(kind);
    if (deadline == kNever || deadline > now) continue;
    timers_.clear(kind);
    if (observer_ != nullptr) observer_->on_timer(*this, now, kind, TimerAction::Fired, deadline);
    switch (kind) {
      case TimerKind::Retransmission:
        on_retransmission_timeout(now);
        break;
      case TimerKind::Persist:
        on_persist_timeout(now);
        break;
      case TimerKind::DelayedAck:
        if (is_synchronized(state_) || state_ == State::SynReceived) {
          quick_.on_delack_timer(rtt_.rto());
          rcv_.request_ack();
        }
        break;
      case TimerKind::TimeWait:
        // RFC 9293 §3.10.8: the time-wait timeout deletes the TCB.
        enter_closed(now, "RFC 9293 §3.10.8: TIME-WAIT timeout (2*MSL): delete the TCB", Errno::Ok);
        break;
      case TimerKind::Keepalive:
        on_keepalive_timeout(now);
        break;
    }
    if (state_ == State::Closed) return;
  }
}

void Connection::on_retransmission_timeout(Nanos now) {
  ++retries_;
  bool handshake = !snd_.syn_acked();
  if (cfg_.user_timeout > 0 && !handshake && now - snd_.unacked_since() >= cfg_.user_timeout) {
    // RFC 9293 §3.10.8 USER TIMEOUT: flush the queues, tell the user, enter CLOSED.
    control_out_.clear();
    if (cfg_.close_rules == CloseRules::FreeBsd) queue_rst(now, snd_.nxt(), true);
    enter_closed(now, "RFC 9293 §3.10.8: user timeout: connection aborted", Errno::TimedOut);
    return;
  }
  if (handshake && !passive_ && cfg_.connect_timeout > 0 &&
      now - opened_at_ >= cfg_.connect_timeout) {
    // Deviation: FreeBSD's connection-establishment timer (TCP_KEEPINIT), not in RFC 9293.
    control_out_.clear();
    enter_closed(now, "FreeBSD TCP_KEEPINIT: connection not established in time", Errno::TimedOut);
    return;
  }
  int limit = !handshake                            ? cfg_.data_retries
              : passive_ && cfg_.synack_retries > 0 ? cfg_.synack_retries
                                                    : cfg_.syn_retries;
  if (retries_ > limit) {
    // RFC 9293 §3.8.3 R2: give up and tell the user.
    control_out_.clear();
    if (!handshake && cfg_.close_rules == CloseRules::FreeBsd) queue_rst(now, snd_.nxt(), true);
    enter_closed(now,
                 handshake
                     ? "RFC 9293 §3.8.3: SYN retransmissions exhausted: connection timed out"
                     : "RFC 9293 §3.8.3: retransmissions exhausted (R2): connection timed out",
                 // An ICMP soft error explains the timeout better (Linux tcp_write_err,
                 // FreeBSD tcp_timer_rexmt: t_softerror, RFC 1122 4.2.3.9).
                 soft_error_ != Errno::Ok ? soft_error_ : Errno::TimedOut);
    return;
  }
  rtt_.back_off();  // RFC 6298 (5.5)
  snd_.karn().stop();
  if (handshake) {
    if (cfg_.rexmit_drop_options && state_ == State::SynSent && retries_ == 3) {
      // FreeBSD tcp_timer.c tcp_timer_rexmt: from the third retransmission the SYN asks
      // for no window scale, timestamps or SACK (net.inet.tcp.rexmit_drop_options).
      cfg_.window_scaling = cfg_.timestamps = cfg_.sack = false;
    }
    queue_syn(now);
    ++retransmissions_;
    if (observer_ != nullptr) observer_->on_retransmit(*this, now, snd_.iss().raw(), 0, "timeout");
    restart_retransmission_timer(now);
    return;
  }
  // RFC 6298 (5.4) retransmit the earliest unacknowledged segment; RFC 5681 §3.1 (4)
  // collapse cwnd to one segment; go back to SND.UNA (the rest follows as ACKs return).
  std::uint32_t pipe = recovery_.on_timeout(now, snd_.space(), snd_.in_flight(), send_mss());
  counters_.marks.on_timeout();
  ecn_.on_window_reduced(snd_.max(), false);  // RFC 3168 §6.1.2: CWR follows
  report_cwnd(now, pipe);
  snd_.rewind();
  restart_retransmission_timer(now);  // RFC 6298 (5.6)
}

void Connection::start_persist(Nanos now) {
  // Only with nothing in flight: otherwise the retransmission timer or an ACK moves things.
  if (snd_.max() != snd_.una() || timers_.armed(TimerKind::Persist)) return;
  persist_backoff_ = std::max(rtt_.rto(), cfg_.persist_min);
  arm(now, TimerKind::Persist, now + persist_backoff_);
}

void Connection::on_persist_timeout(Nanos now) {
  if (snd_.buffer().empty() || !is_synchronized(state_)) return;
  std::vector<Segment> probe;
  if (snd_.wnd() > 0) {
    // The SWS override timeout (RFC 9293 §3.8.6.2.1): send what the window allows.
    if (snd_.max() != snd_.una()) return;
    send_data_segment(now, probe, false, true);
    for (Segment& s : probe) control_out_.push_back(std::move(s));
    return;
  }
  // A zero-window probe: one byte beyond the closed window; the answer carries the
  // current window (RFC 9293 §3.8.6.1).
  snd_.rewind();
  send_data_segment(now, probe, true);
  for (Segment& s : probe) control_out_.push_back(std::move(s));
  persist_backoff_ = std::min(persist_backoff_ * 2, cfg_.persist_max);
  arm(now, TimerKind::Persist, now + persist_backoff_);
}

void Connection::on_keepalive_timeout(Nanos now) {
  if (!cfg_.keepalive || !is_synchronized(state_)) return;
  if (keepalive_sent_ >= cfg_.keepalive_probes) {
    control_out_.clear();
    if (cfg_.close_rules != CloseRules::Rfc) queue_rst(now, snd_.nxt(), true);
    enter_closed(now, "RFC 9293 §3.8.4: keep-alive probes unanswered: connection timed out",
                 Errno::TimedOut);
    return;
  }
  // <SEQ=SND.UNA-1><ACK=RCV.NXT>: an old sequence number that forces an ACK. It carries
  // options and our window but settles no ACK we owe.
  ++keepalive_sent_;
  Segment s = make_segment(snd_.una() - 1, wire::tcp_flag::kAck);
  stamp(now, s);
  ++segments_sent_;
  control_out_.push_back(std::move(s));
  arm(now, TimerKind::Keepalive, now + cfg_.keepalive_interval);
}

}  // namespace tcpsim::tcp
