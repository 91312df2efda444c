// Timers: retransmission (RFC 6298), persist (RFC 9293 §3.8.6.1), delayed ACK
// (RFC 9293 §3.8.6.3), TIME-WAIT (§3.10.8) and keep-alive (§3.8.4).
#include <algorithm>
#include <optional>

#include "stack/tcp/connection.hpp"
#include "stack/tcp/fin_wait2.hpp"
#include "stack/tcp/jiffies.hpp"

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

namespace {

// tcp_timer.c tcp_orphan_retries: net.ipv4.tcp_orphan_retries; none once an ICMP error
// came and the RTO reached its ceiling; 8 (over 100 s of 200 ms RTOs) while the
// connection looks alive and the setting is 0.
int orphan_retries(int setting, bool soft_error, bool alive) {
  int retries = setting;
  if (soft_error && !alive) retries = 0;
  if (retries == 0 && alive) retries = 8;
  return retries;
}

// Linux's millisecond clock for retransmission timeouts (tcp_time_stamp_ts): the time
// from `since` to `now` in whole ticks.
Nanos elapsed_ms(Nanos since, Nanos now) {
  return static_cast<Nanos>(jiffies_at(now) - jiffies_at(since)) * kJiffy;
}

// Linux's retransmission timer with the peer's window closed on data in flight: the
// head goes again through the closed window (__tcp_retransmit_skb lets SND.UNA's segment
// take one MSS), the timer backs off as usual and the connection does not time out
// (tcp_retransmit_timer); an orphan is timed out as ever.
bool closed_window_resends(const TcpConfig& c, const Sender& snd, State s, bool orphan) {
  return c.probe_rule == ProbeRule::Linux && snd.wnd() == 0 && snd.syn_acked() && !orphan &&
         s != State::SynReceived && snd.data_end() > snd.una();
}

// What the retransmission timer's give-up checks look at, as it fires.
struct RetryFacts {
  int retries;  // this timeout included (Linux's icsk_retransmits is one less)
  bool handshake, passive, orphan;
  bool syn_sent;
  Errno soft_error;
  Nanos unacked_for;   // since the oldest unacknowledged data was sent or last acknowledged
  Nanos opened_at;     // when an active open sent its first SYN
  Nanos rexmit_since;  // Linux's retrans_stamp
  Nanos rto;           // as backed off so far (icsk_rto)
  // Linux: the peer's window is closed with data in flight (not an orphan), and how long
  // since an ACK came.
  bool closed_window = false;
  Nanos unheard_for = 0;
};
struct GiveUp {
  std::string_view rule;
  Errno err;
  bool rst;  // FreeBSD's abort sends one
};

// Whether the connection ends at this timeout instead of retransmitting (RFC 9293 §3.8.3
// R2, §3.10.8 USER TIMEOUT; RetryRule). An ICMP soft error explains a timeout better than
// ETIMEDOUT (Linux tcp_write_err, FreeBSD tcp_timer_rexmt: t_softerror, RFC 1122 4.2.3.9).
std::optional<GiveUp> retransmission_give_up(const TcpConfig& c, const RetryFacts& f, Nanos now) {
  Errno timed_out = f.soft_error != Errno::Ok ? f.soft_error : Errno::TimedOut;
  bool freebsd_rst = c.close_rules == CloseRules::FreeBsd;
  if (f.closed_window) {
    // tcp_retransmit_timer, "Receiver dastardly shrinks window": the retransmissions are
    // window probes and do not time the connection out (tcp_write_timeout is skipped);
    // tcp_rtx_probe0_timed_out ends it only after 2 * TCP_RTO_MAX (at most the user
    // timeout) both without an ACK and of retransmitting, or past the user timeout.
    Nanos retrying = elapsed_ms(f.rexmit_since, now), limit = 2 * c.max_rto;
    if (c.user_timeout > 0) limit = std::min(limit, c.user_timeout);
    bool over = (c.user_timeout > 0 && retrying > c.user_timeout) ||
                (f.unheard_for > limit && retrying > limit);
    if (!over) return std::nullopt;
    return GiveUp{"Linux tcp_rtx_probe0_timed_out: no answer to the closed window's probes",
                  timed_out, false};
  }
  if (c.retry_rule == RetryRule::Linux && !f.handshake) {
    // tcp_write_timeout (retransmits_timed_out): by time since the first retransmission,
    // never at the first timeout; tcp_write_err sends nothing.
    int until = c.data_retries;
    if (f.orphan)
      until = orphan_retries(c.orphan_retries, f.soft_error != Errno::Ok, f.rto < c.max_rto);
    Nanos limit = c.user_timeout > 0 ? c.user_timeout : linux_model_timeout(until, c.max_rto);
    if (f.retries - 1 == 0 || elapsed_ms(f.rexmit_since, now) < limit) return std::nullopt;
    return GiveUp{c.user_timeout > 0
                      ? "Linux tcp_write_timeout: TCP_USER_TIMEOUT since the first retransmission"
                      : "Linux tcp_write_timeout: retransmissions timed out (tcp_retries2)",
                  timed_out, false};
  }
  if (c.retry_rule == RetryRule::Linux && f.handshake && !f.passive && c.user_timeout > 0 &&
      f.retries > 1 && elapsed_ms(f.opened_at, now) >= c.user_timeout) {
    // SYN-SENT: tcp_write_timeout's time test, from the first SYN (tcp_connect stamps
    // retrans_stamp), with the user timeout in place of the modelled one.
    return GiveUp{"Linux tcp_write_timeout: TCP_USER_TIMEOUT since the first SYN", timed_out,
                  false};
  }
  if (c.user_timeout > 0 && !f.handshake && f.unacked_for >= c.user_timeout) {
    // RFC 9293 §3.10.8 USER TIMEOUT: flush the queues, tell the user, enter CLOSED.
    return GiveUp{"RFC 9293 §3.10.8: user timeout: connection aborted", Errno::TimedOut,
                  freebsd_rst};
  }
  if (f.handshake && !f.passive && c.connect_timeout > 0 &&
      now - f.opened_at >= c.connect_timeout) {
    // Deviation: FreeBSD's connection-establishment timer (TCP_KEEPINIT), not in RFC 9293.
    return GiveUp{"FreeBSD TCP_KEEPINIT: connection not established in time", Errno::TimedOut,
                  false};
  }
  int limit = !f.handshake                         ? c.data_retries
              : f.passive && c.synack_retries >= 0 ? c.synack_retries
                                                   : c.syn_retries;
  if (f.syn_sent) limit += c.syn_linear_timeouts;
  if (f.retries <= limit) return std::nullopt;
  // RFC 9293 §3.8.3 R2: give up and tell the user.
  return GiveUp{f.handshake
                    ? "RFC 9293 §3.8.3: SYN retransmissions exhausted: connection timed out"
                    : "RFC 9293 §3.8.3: retransmissions exhausted (R2): connection timed out",
                timed_out, !f.handshake && freebsd_rst};
}

// What is still unacknowledged on the marks (an ACK's own entries may not be removed
// yet: they are skipped from the front): the segments, when the oldest left, and whether
// Linux would be in TCP_CA_Disorder rather than Open: something SACKed, lost or resent
// outstanding, or the oldest segment ever resent (tcp_try_to_open, tcp_left_out,
// tcp_any_retrans_done).
struct Outstanding {
  std::uint32_t packets = 0;
  Nanos head_sent = 0;
  bool disorder = false;
};
Outstanding outstanding(const SegmentMarks& m, const SackScoreboard& board, SeqNum una, Nanos now) {
  std::size_t stale = 0;
  while (stale < m.queue.size() && !(una < m.queue[stale].end)) ++stale;
  if (stale == m.queue.size()) return {0, now, false};
  const SegmentMarks::Entry& head = m.queue[stale];
  return {static_cast<std::uint32_t>(m.queue.size() - stale), head.sent_at,
          head.ever_resent || board.sacked_bytes() > 0 || m.lost_out > 0 || m.retrans_out > 0};
}

}  // namespace

void Connection::restart_retransmission_timer(Nanos now, Rearm why) {
  if (why == Rearm::Acked && snd_.una() == snd_.max()) {
    for (TimerKind k : {TimerKind::Retransmission, TimerKind::LossProbe, TimerKind::Reorder})
      disarm(now, k);
    return;
  }
  // Not while the persist timer probes a window closed on data in flight (FreeBSD's
  // tcp_do_segment arms TT_REXMT only when TT_PERSIST is not active; start_persist).
  if (why == Rearm::Acked && timers_.armed(TimerKind::Persist)) return;
  Nanos rto = rtt_.rto();
  if (why == Rearm::Reneged) {
    // tcp_check_sack_reneging: SND.UNA moved onto a SACKed segment, so the receiver dropped
    // what it SACKed; the timeout comes in half an SRTT (at least 10 ms) to resend it.
    rto = std::max(round_up_to_jiffy(rtt_.srtt() / 2), 10 * kMillisecond);
    why = Rearm::Restart;
  }
  Outstanding out;
  out.head_sent = counters_.marks.queue.empty() ? now : counters_.marks.queue.front().sent_at;
  if (cfg_.tail_loss_probe || cfg_.rack)
    out = outstanding(counters_.marks, recovery_.scoreboard(), snd_.una(), now);
  Nanos head_sent = out.head_sent;
  if (why != Rearm::Restart && why != Rearm::NoProbe && cfg_.tail_loss_probe && neg_.sack_ok &&
      snd_.syn_acked() && out.packets > 0 && !out.disorder && recovery_.may_probe()) {
    // tcp_schedule_loss_probe: the probe timer takes the retransmission timer's place.
    ProbeTimerInput in{rtt_.srtt(), out.packets, cfg_.min_rto,
                       why == Rearm::Acked ? rto : head_sent + rto - now};
    if (timers_.armed(TimerKind::Retransmission)) disarm(now, TimerKind::Retransmission);
    if (timers_.armed(TimerKind::Reorder)) disarm(now, TimerKind::Reorder);
    arm(now, TimerKind::LossProbe, now + probe_timeout(in));
    return;
  }
  // New data leaves the running timer alone (tcp_event_new_data_sent), RACK's too.
  if (why == Rearm::DataSent &&
      (timers_.armed(TimerKind::Retransmission) || timers_.armed(TimerKind::Reorder)))
    return;
  Nanos deadline = now + rto;
  if (why == Rearm::NoProbe || (why != Rearm::Restart && (timers_.armed(TimerKind::LossProbe) ||
                                                          timers_.armed(TimerKind::Reorder)))) {
    // tcp_rearm_rto in place of a loss-probe or reordering timer: what is left of the
    // oldest segment's RTO, at least a jiffy.
    deadline = std::max(round_up_to_jiffy(head_sent + rto), now + kJiffy);
  }
  // One timer in Linux (icsk_pending): the RTO takes the place of the others.
  if (timers_.armed(TimerKind::LossProbe)) disarm(now, TimerKind::LossProbe);
  if (timers_.armed(TimerKind::Reorder)) disarm(now, TimerKind::Reorder);
  // The user timeout (RFC 9293 §3.8.3 R2, §3.10.8) may end the wait sooner.
  if (cfg_.user_timeout > 0 && snd_.syn_acked() && cfg_.retry_rule != RetryRule::Linux) {
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
      case TimerKind::LossProbe:
        send_loss_probe(now);
        break;
      case TimerKind::Reorder:
        rack_detect(now, true);
        break;
      case TimerKind::CompressedAck:  // tcp_compressed_ack_kick
        if (is_synchronized(state_)) rcv_.request_ack();
        break;
      case TimerKind::FinWait2:
        if (state_ != State::FinWait2) break;
        if (FinWait2Step st =
                fin_wait2_timeout(cfg_, now - last_activity_, orphan_ || rcv_.read_shut());
            st.kind == FinWait2Step::Kind::Arm) {
          arm(now, TimerKind::FinWait2, now + st.after);
        } else {
          enter_closed(now, st.rule, Errno::Ok);
        }
        break;
    }
    if (state_ == State::Closed) return;
  }
}

namespace {

// Linux's tcp_enter_loss, for a timeout in Open or Disorder (not during recovery, a
// timeout's repair or ECN's CWR): the reordering degree it may fall back to (0: none).
std::uint32_t base_reordering(const TcpConfig& cfg, const LossRecovery& recovery) {
  bool open = recovery.may_probe() && !recovery.prr().active();
  return open && cfg.congestion_rule == CongestionRule::Linux ? cfg.reordering : 0;
}

}  // namespace

void Connection::on_retransmission_timeout(Nanos now) {
  ++retries_;
  bool handshake = !snd_.syn_acked();
  bool syn_sent = state_ == State::SynSent;
  RetryFacts facts{retries_,
                   handshake,
                   passive_,
                   orphan_,
                   syn_sent,
                   soft_error_,
                   now - snd_.unacked_since(),
                   opened_at_,
                   recovery_.undo().retrans_stamp().value_or(snd_.unacked_since()),
                   rtt_.rto(),
                   closed_window_resends(cfg_, snd_, state_, orphan_),
                   now - counters_.last_ack_received};
  if (std::optional<GiveUp> g = retransmission_give_up(cfg_, facts, now)) {
    control_out_.clear();
    if (g->rst) queue_rst(now, snd_.nxt(), true);
    enter_closed(now, g->rule, g->err);
    return;
  }
  counters_.count_rto(now, retries_ == 1);  // tcp_update_rto_stats
  // RFC 6298 (5.5); Linux 6.5+ tcp_retransmit_timer keeps the RTO over the first
  // tcp_syn_linear_timeouts SYN timeouts.
  rtt_.back_off(syn_sent && retries_ <= cfg_.syn_linear_timeouts);
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
  } else {
    // RFC 6298 (5.4) retransmit the earliest unacknowledged segment; RFC 5681 §3.1 (4)
    // collapse cwnd to one segment; go back to SND.UNA (the rest follows as ACKs return).
    std::uint32_t base = base_reordering(cfg_, recovery_);
    std::uint32_t pipe =
        recovery_.on_timeout(now, snd_.space(), snd_.in_flight(), send_mss(), retries_ == 1);
    loss_probe_.reset();  // tcp_retransmit_timer: tlp_high_seq = 0
    counters_.marks.on_timeout(base);
    ecn_.on_window_reduced(snd_.max(), false);  // RFC 3168 §6.1.2: CWR follows
    report_cwnd(now, pipe);
    snd_.rewind();
  }
  restart_retransmission_timer(now);  // RFC 6298 (5.6)
  if (cfg_.retry_rule == RetryRule::Linux && cfg_.user_timeout > 0 && !(handshake && passive_)) {
    // tcp_clamp_rto_to_user_timeout: not past the user timeout (a jiffy once it passed),
    // counted from retrans_stamp: the first SYN in SYN-SENT (tcp_connect).
    Nanos since = handshake ? opened_at_ : recovery_.undo().retrans_stamp().value_or(now);
    Nanos remaining = cfg_.user_timeout - elapsed_ms(since, now);
    Nanos deadline = now + (remaining <= 0 ? kJiffy : remaining);
    if (timers_.armed(TimerKind::Retransmission) &&
        deadline < timers_.deadline(TimerKind::Retransmission))
      arm(now, TimerKind::Retransmission, deadline);
  }
}

namespace {

// tcp_send_loss_probe's segment: one MSS of new data when the send window takes it
// (tcp_snd_wnd_test; cwnd and Nagle do not count), else the last MSS of the last
// segment sent, again; nothing when neither exists.
std::optional<Transmission> loss_probe_segment(const Sender& snd, const SegmentMarks& marks,
                                               std::uint32_t mss) {
  SeqNum end = snd.data_end();
  if (snd.nxt() == snd.max() && snd.max() == end && snd.fin_queued()) {
    // Only the FIN is left to send: it is the new segment (tcp_write_xmit, push_one 2).
    return Transmission{end, 0, true, true, "loss-probe"};
  }
  if (snd.nxt() == snd.max() && snd.max() < end) {
    std::uint32_t len = std::min(mss, static_cast<std::uint32_t>(end - snd.max()));
    if (!(snd.una() + snd.wnd() < snd.max() + len))
      return Transmission{snd.max(), len, snd.fin_queued() && snd.max() + len == end, true,
                          "loss-probe"};
  }
  if (marks.queue.empty()) return std::nullopt;
  const SegmentMarks::Entry& last = marks.queue.back();
  bool fin = snd.fin_ends_at(last.end - 1);
  auto len = static_cast<std::uint32_t>(last.end - last.start) - (fin ? 1u : 0u);
  // tcp_fragment at (pcount - 1) * MSS: a super-segment's last piece only.
  std::uint32_t skip = len > mss ? (len - 1) / mss * mss : 0;
  SeqNum seq = seq_max(last.start + skip, snd.data_start());
  if (end < seq) return std::nullopt;
  len = std::min(len - skip, static_cast<std::uint32_t>(end - seq));
  return Transmission{seq, len, fin, false, "loss-probe"};
}

}  // namespace

void Connection::send_loss_probe(Nanos now) {
  if (!is_synchronized(state_) || snd_.max() == snd_.una()) return;
  // At most one probe per tail: until its ACK, the timer arms the RTO instead.
  auto t = loss_probe_.outstanding() ? std::nullopt
                                     : loss_probe_segment(snd_, counters_.marks, send_mss());
  if (!t) {
    restart_retransmission_timer(now, Rearm::NoProbe);
    return;
  }
  std::vector<Segment> probe;
  emit_data(now, probe, *t);  // arms the RTO from now (tcp_send_loss_probe: probe_sent)
  for (Segment& s : probe) control_out_.push_back(std::move(s));
  loss_probe_.on_probe_sent(snd_.nxt(), !t->advance);
}

void Connection::start_persist(Nanos now) {
  if (snd_.wnd() == 0 && snd_.nxt() != snd_.una() && cfg_.probe_rule != ProbeRule::Linux &&
      !timers_.armed(TimerKind::Persist)) {
    // Data in flight into a window the peer closed: FreeBSD's tcp_output ("window shrank
    // after we sent into it") stops the retransmission timer, goes back to SND.UNA and
    // probes with t_rxtshift 0, as RFC 1122 4.2.2.16 asks ("the TCP MUST probe it in the
    // standard way"); Linux keeps its retransmission timer (closed_window_resends).
    for (TimerKind k : {TimerKind::Retransmission, TimerKind::LossProbe, TimerKind::Reorder})
      if (timers_.armed(k)) disarm(now, k);
    retries_ = 0;
    rtt_.reset_backoff();
    snd_.rewind();
  }
  // Only with nothing in flight: otherwise the retransmission timer or an ACK moves things.
  if (snd_.nxt() != snd_.una() || timers_.armed(TimerKind::Persist)) return;
  arm(now, TimerKind::Persist, now + persist_.start(cfg_, persist_inputs(rtt_)));
}

void Connection::on_persist_timeout(Nanos now) {
  if (snd_.buffer().empty() || !is_synchronized(state_)) return;
  std::vector<Segment> probe;
  if (snd_.wnd() > 0) {
    // The window is open but something holds the data with nothing in flight: sender SWS
    // avoidance (this is its override timeout, RFC 9293 §3.8.6.2.1) or TCP_CORK /
    // TCP_NOPUSH (Linux's tcp_write_wakeup, FreeBSD's TF_FORCEDATA). Send what the
    // window allows.
    if (snd_.max() != snd_.una()) return;
    persist_.stop();
    send_data_segment(now, probe, false, true);
    for (Segment& s : probe) control_out_.push_back(std::move(s));
    return;
  }
  int max_probes = cfg_.data_retries;
  bool dead_end = false;
  if (cfg_.probe_rule == ProbeRule::Linux && orphan_) {
    // An orphan's probes (tcp_probe_timer): tcp_orphan_retries, alive while the backed-off
    // RTO is under its ceiling (inet_csk_rto_backoff).
    int backoff = persist_.backoff(cfg_.data_retries);
    bool alive = std::min(rtt_.rto() << backoff, cfg_.max_rto) < cfg_.max_rto;
    max_probes = orphan_retries(cfg_.orphan_retries, soft_error_ != Errno::Ok, alive);
    dead_end = !alive && backoff >= max_probes;
  }
  if (cfg_.probe_rule == ProbeRule::Linux &&
      (persist_.gives_up(now, cfg_.user_timeout, max_probes) || dead_end)) {
    // tcp_probe_timer -> tcp_write_err: past TCP_USER_TIMEOUT since the first probe, or
    // tcp_retries2 probes unanswered (an orphan's: above). Nothing is sent to the peer.
    control_out_.clear();
    enter_closed(now, "Linux tcp_probe_timer: window probes timed out",
                 soft_error_ != Errno::Ok ? soft_error_ : Errno::TimedOut);
    return;
  }
  bool closed = state_ != State::Established && state_ != State::CloseWait;
  if (cfg_.probe_rule == ProbeRule::FreeBsd &&
      persist_.freebsd_gives_up(cfg_, persist_inputs(rtt_), now - last_received_, closed)) {
    control_out_.clear();
    queue_rst(now, snd_.max(), true);
    enter_closed(now, "FreeBSD tcp_timer_persist: window probes unanswered too long",
                 Errno::TimedOut);
    return;
  }
  if (cfg_.probe_rule == ProbeRule::Linux) {
    // tcp_write_wakeup -> tcp_xmit_probe_skb: <SEQ=SND.UNA-1><ACK=RCV.NXT> without data,
    // an old sequence number that draws an ACK with the current window.
    // It leaves as any ACK does (tcp_event_ack_sent).
    Segment s = make_segment(snd_.una() - 1, wire::tcp_flag::kAck);
    finish_acking_segment(now, s);
    ++segments_sent_;
    control_out_.push_back(std::move(s));
  } else {
    // One byte beyond the closed window; the answer carries the current window.
    snd_.rewind();
    send_data_segment(now, probe, true);
    for (Segment& s : probe) control_out_.push_back(std::move(s));
  }
  Nanos next = persist_.after_probe(cfg_, persist_inputs(rtt_), now);
  arm(now, TimerKind::Persist, now + next);
}

void Connection::on_keepalive_timeout(Nanos now) {
  if (!cfg_.keepalive_runs() || !is_synchronized(state_)) return;
  // The kernels probe only a connection that waits for nothing else: Linux one with
  // nothing in flight or queued (tcp_timer.c tcp_keepalive_timer: "It is alive without
  // keepalive"), FreeBSD one up to CLOSING (tcp_timer_keep); else the idle time begins
  // again, no probe sent and none counted.
  bool busy = cfg_.close_rules == CloseRules::Linux &&
              (snd_.in_flight() > 0 || snd_.data_end() > snd_.max() ||
               (snd_.fin_queued() && !snd_.fin_acked()));
  bool past_closing = cfg_.close_rules == CloseRules::FreeBsd &&
                      (state_ == State::LastAck || state_ == State::FinWait2);
  if (busy || past_closing) {
    arm(now, TimerKind::Keepalive, now + cfg_.keepalive_idle);
    return;
  }
  // FreeBSD's tcp_timer_keep goes by the silence: a timer that fires before keepidle of
  // it waits out the rest, and keepidle + keepcnt * keepintvl of it drops the connection.
  Nanos idle = now - last_received_;
  bool freebsd = cfg_.close_rules == CloseRules::FreeBsd;
  if (freebsd && idle < cfg_.keepalive_idle) {
    arm(now, TimerKind::Keepalive, last_received_ + cfg_.keepalive_idle);
    return;
  }
  Nanos max_idle = cfg_.keepalive_idle + cfg_.keepalive_max_idle();
  // Linux with TCP_USER_TIMEOUT: the time since the peer was last heard decides, once a
  // probe went (tcp_keepalive_timer); otherwise the count of probes unanswered.
  bool by_time = cfg_.close_rules == CloseRules::Linux && cfg_.user_timeout > 0;
  if (freebsd   ? idle >= max_idle
      : by_time ? keepalive_sent_ > 0 && idle >= cfg_.user_timeout
                : keepalive_sent_ >= cfg_.keepalive_probes) {
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
  if (cfg_.window_rule == WindowRule::FreeBsd)
    s.header.window = respond_window(rcv_, neg_.rcv_wscale);
  ++segments_sent_;
  control_out_.push_back(std::move(s));
  arm(now, TimerKind::Keepalive, now + cfg_.keepalive_interval);
}

}  // namespace tcpsim::tcp
