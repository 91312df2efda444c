#include "stack/tcp/loss_recovery.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace tcpsim::tcp {

namespace {

// Bytes as whole segments, rounding up: a short segment is still a packet.
std::uint32_t segments(std::uint32_t bytes, std::uint32_t mss) {
  mss = std::max(mss, 1u);
  return (bytes + mss - 1) / mss;
}

// The inflation (or deflation) that puts the window in force at `cwnd`, on top of the
// controller's.
std::int64_t window_offset(const CongestionControl& cc, std::uint32_t cwnd) {
  return static_cast<std::int64_t>(cwnd) - static_cast<std::int64_t>(cc.cwnd());
}

// Linux's packets in flight (in bytes) after F-RTO sent new data beyond high_seq, with
// SND.NXT at `s.una + flight`: sending new data, that data alone (the segments before it
// wait, marked lost); going back to resend, what was resent since plus the new data not
// yet reached again; SACKed bytes do not count.
std::uint32_t frto_in_flight(const SackScoreboard& board, const SendSpace& s, const Frto& frto,
                             std::uint32_t flight, std::uint32_t dup_acked) {
  SeqNum nxt = s.una + flight;
  SeqNum high = seq_max(frto.high(), s.una);
  if (frto.sending_new()) {
    if (!(high < nxt)) return 0;
    auto bytes = static_cast<std::uint32_t>(nxt - high);
    std::uint32_t sacked = board.sacked_above(high);
    return bytes > sacked ? bytes - sacked : 0;
  }
  SeqNum resent_to = seq_min(nxt, high);
  SeqNum ahead = seq_max(nxt, high);
  auto bytes = static_cast<std::uint32_t>(resent_to - s.una);
  std::uint32_t fresh = s.max > ahead ? static_cast<std::uint32_t>(s.max - ahead) : 0;
  // Without SACK each duplicate ACK after the new data stands for one of its segments
  // (tcp_process_loss: tcp_add_reno_sack).
  std::uint32_t sacked = board.sacked_above(ahead) + dup_acked;
  return bytes + (fresh > sacked ? fresh - sacked : 0);
}

// tcp_process_loss after the undo by timestamps or D-SACKs (`undone`): F-RTO's step, and
// where sending goes on after it.
Frto::Step loss_step(bool undone, Frto& frto, const Frto::Ack& a, LossRecovery::AckDone& done) {
  if (undone) return Frto::Step::None;
  Frto::Step step = frto.on_ack(a);
  if (step == Frto::Step::SendNew) done.resume = LossRecovery::Resume::FromMax;
  if (step == Frto::Step::Real && frto.went_new()) done.resume = LossRecovery::Resume::FromUna;
  done.push = step == Frto::Step::SendNew;
  return step;
}

// tcp_current_ssthresh outside a reduction: max(ssthresh, 3/4 of cwnd in segments).
std::uint32_t current_ssthresh(std::uint32_t ssthresh, std::uint32_t cwnd, std::uint32_t mss) {
  std::uint32_t c = cwnd / std::max(mss, 1u);
  return std::max(ssthresh, ((c >> 1) + (c >> 2)) * mss);
}

// tcp_undo_cwnd_reduction: cwnd = max(cwnd, prior_cwnd) (tcp_reno_undo_cwnd, which CUBIC
// uses too), ssthresh = max(ssthresh, prior_ssthresh), when prior_ssthresh is set. Returns
// whether ssthresh rose (tcp_ecn_withdraw_cwr then takes back a queued CWR).
bool undo_reduction(CongestionControl& cc, Undo& undo, std::uint32_t cwnd) {
  Undo::Prior prior = undo.take();
  bool raised = prior.ssthresh > cc.ssthresh();
  if (prior.ssthresh != 0) cc.on_undo(std::max(cwnd, prior.cwnd), prior.ssthresh);
  return raised;
}

// RFC 6582 §3.2 (5): the window after a partial acknowledgment, deflated by what was
// acknowledged, a segment added back when that was at least one.
std::uint32_t partial_ack_window(std::uint32_t cw, std::uint32_t acked, std::uint32_t mss) {
  cw = cw > acked ? cw - acked : 0;
  if (acked >= mss) cw += mss;
  return std::max(cw, mss);
}

// FLAG_ORIG_SACK_ACKED (tcp_clean_rtx_queue), for F-RTO: the ACK from `prior` to `una`
// covers data below high_seq that was never resent nor SACKed before; without SACK, not
// together with resent data.
bool original_delivered(SeqNum high, SeqNum prior, SeqNum una, SeqNum loss_resent_end,
                        std::uint32_t original_sacked, bool sack) {
  SeqNum from = seq_max(prior, loss_resent_end);
  SeqNum to = seq_min(una, high);
  std::uint32_t span = from < to ? static_cast<std::uint32_t>(to - from) : 0;
  return span > original_sacked && (sack || !(prior < loss_resent_end));
}

}  // namespace

void LossRecovery::start(const Setup& setup) {
  cc_ = make_congestion_control(setup.algo, setup.mss, setup.initial_window, setup.hystart,
                                setup.congestion_rule);
  linux_ = setup.congestion_rule == CongestionRule::Linux;
  freebsd_ = setup.congestion_rule == CongestionRule::FreeBsd;
  decay_window_ = linux_ ? setup.decay_window : 0;
  cwnd_limited_growth_ = setup.cwnd_limited_growth;
  sack_ = setup.sack;
  plain_reno_ = setup.algo == CongestionAlgorithm::Reno;
  inflation_ = 0;
  abc_l_var_ = std::max(setup.abc_l_var, 1u);
  mss_ = std::max(setup.mss, 1u);
  rack_ = setup.rack && sack_;
  frto_enabled_ = setup.frto && linux_;
  if (linux_ && !sack_ && setup.syn_loss_at) {
    after_timeout_ = recover_valid_ = true;
    recover_ = loss_resent_end_ = *setup.syn_loss_at;
  }
}

void LossRecovery::replace_controller(CongestionAlgorithm algo, bool hystart, CongestionRule rule) {
  auto next = make_congestion_control(algo, mss_, cc_->cwnd(), hystart, rule);
  next->take_over(cc_->cwnd(), cc_->ssthresh());
  cc_ = std::move(next);
  plain_reno_ = algo == CongestionAlgorithm::Reno;
  undo_.forget_prior();  // tcp_init_congestion_control: prior_ssthresh = 0
}

bool LossRecovery::on_loss_marked(Nanos now, const SendSpace& s, std::uint32_t in_flight,
                                  std::uint32_t mss, std::optional<SeqNum> lost_end, bool timer,
                                  std::span<const SackScoreboard::Range> relost) {
  rack_lost_end_ = lost_end;
  bool start = cc_ && rack_ && !in_recovery_ && rack_lost_end_ && s.una < *rack_lost_end_ &&
               !(s.una < recover_ && recover_valid_);
  // Linux: a resend found lost while repairing a timeout (FLAG_LOST_RETRANS in
  // TCP_CA_Loss) falls through to tcp_time_to_recover and tcp_enter_recovery, a new
  // reduction from the window as it stands; the lost resend goes again first.
  bool relost_in_loss = cc_ && linux_ && rack_ && after_timeout_ && !relost.empty();
  if (start || relost_in_loss) {
    enter_recovery(now, s, in_flight, mss);
    retransmit_due_ = retransmit_due_ && !relost_in_loss;
    if (timer && linux_ && prr_.active()) {
      // tcp_rack_reo_timeout: no ACK follows, so one step of tcp_cwnd_reduction at once,
      // as for one segment delivered.
      if (auto w = prr_.on_ack(PrrAck{1, true, false}, packets_in_flight(s, mss)))
        inflation_ = window_offset(*cc_, *w * mss_);
    }
  }
  if (in_recovery_ && rack_ && !relost.empty()) {
    relost_.insert(relost_.end(), relost.begin(), relost.end());
    std::sort(relost_.begin(), relost_.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    std::vector<SackScoreboard::Range> merged;  // overlapping ranges resent once
    for (const SackScoreboard::Range& r : relost_) {
      if (!merged.empty() && !(merged.back().end < r.start)) {
        merged.back().end = seq_max(merged.back().end, r.end);
      } else {
        merged.push_back(r);
      }
    }
    relost_ = std::move(merged);
  }
  return start;
}

std::uint32_t LossRecovery::cwnd() const {
  return static_cast<std::uint32_t>(static_cast<std::int64_t>(cc_->cwnd()) + inflation_);
}

std::uint32_t LossRecovery::ssthresh() const {
  return cc_->ssthresh();
}

void LossRecovery::on_advance(SeqNum una) {
  if (rexmit_high_ < una) rexmit_high_ = una;
  if (frto_.running() && loss_resent_end_ < seq_min(una, frto_.high())) {
    // F-RTO: how much of the never-resent data this advance covers was SACKed before.
    note_.original_sacked =
        board_.sacked_above(loss_resent_end_) - board_.sacked_above(seq_min(una, frto_.high()));
  }
  std::uint32_t sacked = board_.sacked_bytes();
  board_.advance(una);
  sacked_below_una_ = sacked - board_.sacked_bytes();
}

bool LossRecovery::on_sack(const SendSpace& s, std::span<const wire::SackBlock> blocks) {
  if (!linux_) {
    std::uint32_t before = board_.sacked_bytes();
    bool fresh = !blocks.empty() && board_.update(s.una, s.max, blocks);
    if (board_.sacked_bytes() > before) note_.sacked_bytes += board_.sacked_bytes() - before;
    return fresh;
  }
  // tcp_check_dsack (RFC 2883 §4): a first block below the cumulative ACK, or inside the
  // second, reports a duplicate; one of data resent in this episode explains a resend.
  if (!blocks.empty()) {
    SeqNum start(blocks[0].left), end(blocks[0].right);
    bool dsack = start < s.una || (blocks.size() > 1 && !(start < SeqNum(blocks[1].left)) &&
                                   !(SeqNum(blocks[1].right) < end));
    if (dsack && start < end)
      undo_.on_dsack(end, segments(static_cast<std::uint32_t>(end - start), mss_));
  }
  // Linux counts newly SACKed segments as delivered (tcp_sacktag_one); F-RTO watches for
  // data sent before the timeout and never resent.
  std::uint32_t before = board_.sacked_bytes();
  auto original = [&] {
    SeqNum from = seq_max(loss_resent_end_, s.una);
    if (!(from < frto_.high())) return 0u;
    return board_.sacked_above(from) - board_.sacked_above(frto_.high());
  };
  std::uint32_t original_before = frto_.running() ? original() : 0;
  // tcp_is_sackblock_valid: a block must start above SND.UNA (one starting at it, or a
  // D-SACK below, marks nothing).
  std::array<wire::SackBlock, 4> valid{};
  std::size_t n = 0;
  for (const wire::SackBlock& b : blocks)
    if (s.una < SeqNum(b.left) && n < valid.size()) valid[n++] = b;
  bool fresh = n > 0 && board_.update(s.una, s.max, std::span(valid.data(), n));
  if (frto_.running() && original() > original_before) note_.original_delivered = true;
  if (board_.sacked_bytes() > before) note_.sacked_bytes += board_.sacked_bytes() - before;
  return fresh;
}

bool LossRecovery::on_cumulative_ack(Nanos now, const SendSpace& s, std::uint32_t acked,
                                     std::uint32_t in_flight, std::uint32_t mss, Nanos srtt) {
  std::tie(dupacks_, limited_armed_) = std::tuple(0, false);
  if (freebsd_) std::tie(note_.una_advanced, note_.acked_bytes) = std::tuple(true, acked);
  note_.was_loss = after_timeout_;
  note_.at_high_seq = after_timeout_ && !sack_ && s.una == recover_;
  if (frto_.running() && original_delivered(frto_.high(), s.una - acked, s.una, loss_resent_end_,
                                            note_.original_sacked, sack_))
    note_.original_delivered = true;
  // The repair ends once what was out at the timeout is acknowledged (Reno: once more is).
  if (after_timeout_ && !(s.una < recover_) && (sack_ || recover_ < s.una)) after_timeout_ = false;
  if (!cc_) return false;
  // FreeBSD ("This ack is advancing the left edge"): new SACK blocks are a duplicate, and
  // over two segments SACKed start recovery (recover_fs from before), then a partial ACK.
  if (freebsd_ && sack_ && note_.sacked_bytes > 0) {
    dupacks_ = 1;  // snd_limited is taken at the next duplicate (on_duplicate_ack)
    if (!in_recovery_ && board_.sacked_bytes() > 2 * mss) {
      enter_recovery(now, {s.una - acked, s.max, s.data_start, s.data_end, s.wnd},
                     in_flight + acked, mss);
      note_.entered_on_advance = true;
    }
  }
  if (linux_) return linux_cumulative_ack(now, s, acked, in_flight, srtt);
  // No growth unless the window was in use (cwnd_limited_growth).
  bool may_grow = !cwnd_limited_growth_ ||
                  usage_.cwnd_limited(cc_->cwnd() / std::max(mss, 1u), cc_->in_slow_start());
  if (!in_recovery_) {
    std::uint32_t counted = acked;
    if (freebsd_) {  // kept for an undo (on_ack_done), which grows cwnd again
      note_.cwnd_before_growth = cc_->cwnd();
      std::tie(note_.grow_bytes, note_.in_flight, note_.srtt) =
          std::tuple(std::min(acked, abc_l_var_ * mss_), in_flight, srtt);
      // newreno_cc_ack_received, cc_ack_received: RFC 3465 with L = abc_l_var segments,
      // one while a timeout's go-back is under way (snd_nxt != snd_max).
      counted = std::min(acked, (after_timeout_ ? 1 : abc_l_var_) * mss_);
    }
    // FreeBSD: CCF_CWND_LIMITED (cc_ack_received), cwnd within the window before this ACK.
    if (may_grow && (!freebsd_ || cc_->cwnd() <= s.wnd)) cc_->on_ack(now, counted, in_flight, srtt);
  } else if (s.una >= recover_) {
    // RFC 6582 §3.2 (3) / RFC 6675 §5: full acknowledgment: leave recovery; the
    // controller sets the window (never more than the flight plus one segment).
    in_recovery_ = false;
    // FreeBSD's pipe (tcp_compute_pipe before SND.UNA moves): less what stays SACKed.
    std::uint32_t less = freebsd_ ? board_.sacked_bytes() : sacked_below_una_;
    std::uint32_t delivered = acked > less ? acked - less : 0;
    if (freebsd_) prr_.stop();
    board_.clear();
    inflation_ = 0;
    cc_->on_recovery_exit(now, in_flight, may_grow || freebsd_ ? delivered : 0);
  } else if (!sack_ && plain_reno_) {
    // Plain Reno (RFC 5681 §3.2 (6)): any new ACK ends recovery; the window is ssthresh.
    in_recovery_ = false;
    inflation_ = 0;
  } else if (!sack_) {
    // RFC 6582 §3.2 (5): partial acknowledgment: retransmit the next hole, deflate by
    // the amount acknowledged and add back one segment if that was at least one.
    retransmit_due_ = true;
    inflation_ = window_offset(*cc_, partial_ack_window(cwnd(), acked, mss));
  }
  return true;
}

LossRecovery::DupAck LossRecovery::on_duplicate_ack(Nanos now, const SendSpace& s,
                                                    std::uint32_t in_flight, std::uint32_t mss,
                                                    std::uint32_t reordering) {
  // RFC 5681 §3.2 fast retransmit on the third duplicate, or sooner when the SACK
  // scoreboard already shows the first segment lost (RFC 6675 §5 IsLost).
  // snd_limited starts at the first duplicate limited transmit answers (after an advancing
  // ACK's count, the second).
  if (++dupacks_ == 1 || !limited_armed_) limited_from_ = s.max;
  limited_armed_ = true;
  note_.duplicate = true;
  bool held = (in_recovery_ || after_timeout_) && !(s.una < recover_);
  if (linux_ && !sack_ && !held) {
    // tcp_add_reno_sack: a duplicate ACK stands for one segment delivered, at most
    // packets_out - 1 of them (tcp_limit_reno_sacked); not while recovery or a timeout's
    // repair holds at high_seq (tcp_fastretrans_alert, tcp_process_loss return first).
    std::uint32_t out = segments(static_cast<std::uint32_t>(s.max - s.una), mss);
    if (reno_sacked_ + 1 < out) {
      ++reno_sacked_;
      ++note_.segments;
    }
  }
  // With RACK the marks decide (on_loss_marked), not the count of duplicates. Linux
  // without it: as many segments SACKed, or without SACK duplicate ACKs standing for
  // segments, as the reordering degree (tcp_time_to_recover's tcp_dupack_heuristics,
  // tcp_newreno_mark_lost).
  // Linux starts no recovery from TCP_CA_Loss on duplicates (tcp_fastretrans_alert returns
  // after tcp_process_loss unless the state opened).
  std::uint32_t linux_sacked = sack_ ? segments(board_.sacked_bytes(), mss) : reno_sacked_;
  bool lost = !rack_ && (linux_ ? !after_timeout_ && linux_sacked >= reordering
                                : dupacks_ >= 3 || (sack_ && board_.is_lost(s.una, mss)));
  // RFC 6582 §3.2 (1) guards against a second recovery below `recover`; FreeBSD (with
  // net.inet.tcp.do_prr, on by default) only refuses while in fast recovery.
  if (lost && !in_recovery_ && (freebsd_ || !(s.una < recover_ && recover_valid_))) {
    enter_recovery(now, s, in_flight, mss);
    return DupAck::Entered;
  }
  if (in_recovery_ && !sack_ && !linux_) {
    inflation_ += mss;  // RFC 6582 §3.2 (4): every further duplicate ACK inflates
    return DupAck::Inflated;
  }
  return DupAck::None;
}

void LossRecovery::enter_recovery(Nanos now, const SendSpace& s, std::uint32_t in_flight,
                                  std::uint32_t mss) {
  // Not twice in one window (RFC 3168 §6.1.2): after an ECN echo's reduction the loss is
  // only repaired (Linux tcp_enter_recovery, already in a cwnd reduction; FreeBSD
  // newreno_cong_signal, IN_CONGRECOVERY).
  bool reduce = !ecn_reduced_ || ecn_reduced_until_ < s.una;
  std::uint32_t prior_cwnd = cwnd();
  // tcp_enter_recovery: prior_ssthresh = tcp_current_ssthresh unless a reduction (CWR)
  // runs already, in which case an undo restores nothing.
  Undo::Prior prior{prior_cwnd,
                    prr_.active() ? 0 : current_ssthresh(cc_->ssthresh(), prior_cwnd, mss_)};
  if (reduce) cc_->on_congestion_event(now, in_flight);
  if (linux_) {
    undo_.start(s.una, prior);
    // tcp_enter_recovery: tcp_init_cwnd_reduction unless CWR's reduction runs already;
    // the window stays until this ACK's tcp_cwnd_reduction (on_ack_done).
    if (reduce || !prr_.active()) {
      prr_.start(prior_cwnd / mss_, cc_->ssthresh() / mss_);
      inflation_ = window_offset(*cc_, prior_cwnd);
    }
    cwr_ = false;
    head_lost_ = false;
    lost_high_ = s.una;
  }
  if (freebsd_ && sack_) {
    // tcp_do_segment, enter_recovery with SACK and PRR (net.inet.tcp.do_prr): recover_fs
    // the flight, prr_delivered one segment, cwnd one segment: the retransmission alone.
    prr_.start(std::max<std::uint32_t>(static_cast<std::uint32_t>(s.max - s.una), 1),
               cc_->ssthresh(), mss);
    freebsd_budget_ = 0;
    inflation_ = window_offset(*cc_, mss);
  }
  recover_ = s.max;
  recover_valid_ = true;
  in_recovery_ = true;
  relost_.clear();
  after_timeout_ = false;
  retransmit_due_ = true;
  rexmit_high_ = s.una;
  if (!sack_ && !linux_) {
    // RFC 6582 §3.2 (2): ssthresh + 3 * SMSS. FreeBSD leaves out the duplicate ACKs that
    // limited transmit answered (snd_limited: 1 for one segment sent, 2 for more).
    std::uint32_t sent = static_cast<std::uint32_t>(s.max - limited_from_);
    std::uint32_t limited = !freebsd_ || sent == 0 ? 0 : sent > mss ? 2 : 1;
    inflation_ = window_offset(*cc_, cc_->ssthresh() + (3 - limited) * mss);
  }
}

bool LossRecovery::linux_cumulative_ack(Nanos now, const SendSpace& s, std::uint32_t acked,
                                        std::uint32_t in_flight, Nanos srtt) {
  note_.una_advanced = true;
  std::uint32_t fresh = acked > sacked_below_una_ ? acked - sacked_below_una_ : 0;
  if (sack_) {
    note_.acked_bytes += fresh;  // tcp_clean_rtx_queue: delivered unless SACKed before
  } else {
    // tcp_remove_reno_sacks: the ACK fills one hole, the rest were duplicate ACKs' segments.
    std::uint32_t n = std::max(segments(acked, mss_), 1u);
    note_.segments += n > reno_sacked_ ? n - reno_sacked_ : 1;
    reno_sacked_ = n - 1 >= reno_sacked_ ? 0 : reno_sacked_ - (n - 1);
  }
  // tcp_fastretrans_alert, state exits: CWR ends once data above its high_seq is
  // acknowledged (tcp_end_cwnd_reduction: cwnd = ssthresh, which the controller holds).
  if (cwr_ && ecn_reduced_until_ < s.una) {
    cwr_ = false;
    prr_.stop();
    inflation_ = 0;
  }
  // tcp_newly_delivered: what this ACK delivered, acknowledged or SACKed, not what was
  // SACKed (or, without SACK, stood for by duplicate ACKs) before.
  note_.grow_bytes = sack_ ? fresh + note_.sacked_bytes : note_.segments * mss_;
  if (!in_recovery_) {
    reno_sacked_ = 0;  // tcp_reset_reno_sack outside recovery
    note_.grow = !cwr_;
  } else if (!sack_ && s.una == recover_) {
    // Without SACK, recovery holds at exactly high_seq until something above it is
    // acknowledged (tcp_try_undo_recovery: tcp_is_non_sack_preventing_reopen, against a
    // false fast retransmit); PRR goes on, nothing more is marked lost.
    reno_sacked_ = 0;  // tcp_reset_reno_sack
    head_lost_ = false;
    note_.held = true;
  } else if (s.una >= recover_) {
    // Recovery ends at high_seq (tcp_end_cwnd_reduction: cwnd = ssthresh); the same ACK
    // then grows the window by the segments it delivered (tcp_cong_control).
    in_recovery_ = false;
    board_.clear();
    inflation_ = 0;
    prr_.stop();
    reno_sacked_ = 0;
    head_lost_ = false;
    cc_->on_recovery_exit(now, in_flight, 0);
    note_.grow = note_.recovered = true;
  } else if (!sack_) {
    // A partial ACK: tcp_newreno_mark_lost marks the new head lost; it goes out when PRR
    // lets it (tcp_xmit_retransmit_queue), not at once as in RFC 6582.
    head_lost_ = true;
    note_.newly_lost = true;
  }
  note_.in_flight = in_flight;
  note_.srtt = srtt;
  return false;
}

LossRecovery::AckDone LossRecovery::on_ack_done(Nanos now, const SendSpace& s, std::uint32_t mss,
                                                const AckFacts& facts) {
  AckNote a = std::exchange(note_, AckNote{});
  if (freebsd_ && cc_) return freebsd_ack_done(now, s, facts, a);
  if (!linux_ || !cc_) return {};
  hold_resends_ = false;  // a partial undo holds resends for its own ACK only
  bool was_reduced = prr_.active();
  AckDone done = try_undo(facts, a);
  // tcp_cong_control after tcp_fastretrans_alert: outside a reduction, an ACK of data
  // grows the window (tcp_may_raise_cwnd), the ACK that undid one in recovery too
  // (tcp_try_undo_partial, tcp_try_undo_dsack); whether the window was in use is judged
  // against the window as the ACK left it (undone, or set at the end of recovery).
  bool in_use =
      !cwnd_limited_growth_ || usage_.cwnd_limited(cc_->cwnd() / mss_, cc_->in_slow_start());
  if (was_reduced && !prr_.active()) {  // undone in recovery: tcp_undo_cwnd_reduction
    if (a.una_advanced && in_use) cc_->on_ack(now, a.grow_bytes, a.in_flight, a.srtt);
    cwnd_stamp_ = now;
    return done;
  }
  if (!prr_.active()) {
    if (a.grow && in_use) cc_->on_ack(now, a.grow_bytes, a.in_flight, a.srtt);
    if (a.una_advanced) cwnd_stamp_ = now;  // tcp_cong_avoid, called or not growing
    done.window_changed = done.window_changed || a.una_advanced;
    return done;
  }
  // tcp_cwnd_reduction. A hole newly deemed lost (RFC 6675 IsLost standing in for
  // Linux's marking) withholds the extra segment of a partial ACK.
  bool newly_lost = a.newly_lost;
  if (in_recovery_ && sack_) {
    const LostHoles& c = lost_holes(s.una, mss);
    SeqNum high = c.holes.empty() ? s.una : c.holes.back().end;
    if (lost_high_ < high) newly_lost = true;
    lost_high_ = seq_max(lost_high_, high);
  }
  PrrAck ack{a.segments + segments(a.acked_bytes, mss) + segments(a.sacked_bytes, mss), newly_lost,
             a.una_advanced};
  std::uint32_t in_flight = packets_in_flight(s, mss);
  auto window = prr_.on_ack(ack, in_flight);
  if (!window) {
    done.window_changed = done.window_changed || a.una_advanced;
    return done;
  }
  inflation_ = window_offset(*cc_, *window * mss_);
  if (head_lost_ && *window > in_flight) {
    head_lost_ = false;
    retransmit_due_ = true;
  }
  done.window_changed = true;
  return done;
}

LossRecovery::AckDone LossRecovery::freebsd_ack_done(Nanos now, const SendSpace& s,
                                                     const AckFacts& facts, const AckNote& a) {
  // tcp_do_segment's duplicate-ACK branch (an ACK of the same window, or any with SACK):
  // "the first time we've seen a FIN from the remote" is no duplicate; the count restarts.
  if (facts.first_fin && (facts.same_window || sack_) && !in_recovery_) dupacks_ = 0;
  if (undo_.armed()) {
    // FreeBSD's bad-retransmit check (tcp_input.c, tcp_do_segment; CC_RTO_ERR in
    // cc_cong_signal): after one timeout, an ACK echoing a TSval older than the
    // retransmission's answers an original: cwnd and ssthresh go back to what they were,
    // SND.NXT to SND.MAX, and the ACK then grows cwnd as usual. Any other ACK of new data
    // gives an RTT sample, which ends the chance (t_rxtshift = 0).
    if (a.una_advanced && undo_.packet_delayed(facts.tsecr)) {  // process_ACK, not a dupack
      Undo::Prior prior = undo_.take();
      cc_->on_undo(prior.cwnd, prior.ssthresh);
      if (cc_->cwnd() <= s.wnd) cc_->on_ack(now, a.grow_bytes, a.in_flight, a.srtt);
      after_timeout_ = recover_valid_ = false;
      return {.window_changed = true, .resume = Resume::FromMax};
    }
    if (a.una_advanced) undo_.forget();
  }
  // (Not on the duplicate ACK that started recovery: its retransmission has yet to go;
  // an advancing one goes on to resume_partialack.)
  if (sack_ && in_recovery_ && prr_.active() && (!retransmit_due_ || a.entered_on_advance) &&
      (a.una_advanced || a.sacked_bytes > 0)) {
    // tcp_do_prr_ack on a duplicate or partial ACK, with tcp_compute_pipe's pipe
    // (net.inet.tcp.sack.revised): the flight less what is SACKed, plus what was resent.
    auto total = static_cast<std::uint32_t>(s.max - s.una);
    std::uint32_t resent = 0;
    if (s.una < rexmit_high_) {
      resent = static_cast<std::uint32_t>(rexmit_high_ - s.una) -
               (board_.sacked_above(s.una) - board_.sacked_above(rexmit_high_));
    }
    std::uint32_t sacked = board_.sacked_bytes();
    std::uint32_t pipe = total + resent > sacked ? total + resent - sacked : 0;
    std::uint32_t cnt = prr_.freebsd_ack(a.acked_bytes + a.sacked_bytes, pipe, mss_);
    freebsd_budget_ = cnt * mss_;
    // cwnd = new data sent in recovery + resent bytes out + snd_cnt segments.
    std::uint32_t fresh = recover_ < s.max ? static_cast<std::uint32_t>(s.max - recover_) : 0;
    inflation_ = window_offset(*cc_, std::max(fresh + resent + freebsd_budget_, mss_));
    return {.window_changed = true};
  }
  return {};
}

LossRecovery::AckDone LossRecovery::try_undo(const AckFacts& facts, const AckNote& a) {
  // Which of tcp_fastretrans_alert's checks applies, by the state the ACK found: recovery
  // ending at high_seq (tcp_try_undo_recovery), recovery going on (tcp_try_undo_partial
  // on a partial ACK, else tcp_try_undo_dsack), a timeout's repair (tcp_process_loss:
  // tcp_try_undo_loss, then F-RTO), or Open/Disorder (a late tcp_try_undo_dsack).
  AckDone done;
  bool undo = false, leave = false, frto_undo = false;
  if (facts.ece) undo_.forget_prior();  // tcp_fastretrans_alert: prior_ssthresh = 0
  if (a.was_loss || after_timeout_) {   // (an ACK that ends the repair was in it)
    undo = a.una_advanced && undo_.may_undo(facts.tsecr);
    Frto::Ack f{a.una_advanced,     !after_timeout_,      a.duplicate,
                a.sacked_bytes > 0, a.original_delivered, facts.may_send_new};
    frto_undo = loss_step(undo, frto_, f, done) == Frto::Step::Spurious;
    undo = done.unmark_lost = undo || frto_undo;              // F-RTO's undo needs no undo_marker
    if (!undo && !after_timeout_) done.reo_wnd_persist = -1;  // tcp_try_undo_recovery
  } else if (a.recovered || a.held) {  // tcp_try_undo_recovery (held: still in recovery)
    undo = undo_.may_undo(facts.tsecr);
    if (!undo) done.reo_wnd_persist = -1;
  } else if (!undo_.armed()) {  // nothing to undo
  } else if (in_recovery_) {
    // tcp_try_undo_partial: the hole was filled by a delayed original (reordering); with
    // a resend still out, new data may go but nothing more is marked lost or resent.
    done.delayed_original = a.una_advanced && undo_.packet_delayed(facts.tsecr);
    done.unmark_lost = done.delayed_original && facts.retrans_out == 0;
    hold_resends_ = done.delayed_original && !done.unmark_lost;
    head_lost_ = head_lost_ && !hold_resends_;
    undo = leave = done.unmark_lost || (!hold_resends_ && undo_.all_dsacked());
    if (undo && !done.unmark_lost) done.reo_wnd_persist = 1;  // tcp_try_undo_dsack
  } else if (!cwr_) {
    undo = undo_.all_dsacked();
    if (undo) done.reo_wnd_persist = 1;
  }
  if (undo) {
    done.cwr_withdrawn = undo_reduction(*cc_, undo_, cwnd());
    inflation_ = 0;
    done.window_changed = true;
  }
  if (leave) {
    // tcp_try_to_open (tcp_try_keep_open): back to Open, or Disorder while SACKed or
    // resent segments are out; a loss found later starts a new recovery.
    in_recovery_ = head_lost_ = retransmit_due_ = false;
    prr_.stop();
    dupacks_ = 0;  // no limited transmit on top: Linux counts packets in flight only
  }
  if (done.unmark_lost) {
    // tcp_try_undo_loss: Open again; without SACK a timestamp undo, or any leaving SND.UNA
    // at high_seq (tcp_is_non_sack_preventing_reopen), keeps the Loss state.
    if ((sack_ || frto_undo || !after_timeout_) && !a.at_high_seq) after_timeout_ = false;
    rack_lost_end_.reset();
    done.resume = Resume::FromMax;
  }
  if (undo && !after_timeout_) recover_valid_ = false;
  if (!after_timeout_) frto_.stop();
  // tcp_try_to_open and the undo paths: retrans_stamp = 0 once nothing resent is out.
  if (!in_recovery_ && !after_timeout_ && facts.retrans_out == 0) undo_.on_no_retrans_out();
  return done;
}

std::uint32_t LossRecovery::on_timeout(Nanos now, const SendSpace& s, std::uint32_t in_flight,
                                       std::uint32_t mss, bool first) {
  std::uint32_t pipe_then = 0;
  cwnd_stamp_ = now;  // tcp_enter_loss
  if (cc_ && linux_) {
    // tcp_enter_loss: a new episode (from Open or Disorder, once recovery or CWR is over,
    // or on a repair's first timeout) records what an undo restores.
    bool open = !in_recovery_ && !after_timeout_ && !cwr_;
    bool over = (in_recovery_ && !(s.una < recover_)) || (cwr_ && ecn_reduced_until_ < s.una);
    // tcp_enter_loss: F-RTO unless the timeout came in fast recovery (or CWR) and is not a
    // repeat on the same SND.UNA.
    frto_.on_timeout(frto_enabled_ && ((!in_recovery_ && !after_timeout_) || !first), s.max);
    loss_resent_end_ = s.una;
    if (open || over || (after_timeout_ && first)) {
      std::uint32_t cw = cwnd();
      std::uint32_t ssth =
          in_recovery_ || cwr_ ? cc_->ssthresh() : current_ssthresh(cc_->ssthresh(), cw, mss_);
      undo_.start(s.una, {cw, ssth});
    }
  }
  if (cc_ && freebsd_) {
    // tcp_timer_rexmt: the first timeout keeps cwnd and ssthresh for an undo
    // (TF_PREVVALID), a later one gives that up.
    undo_.forget();
    undo_.on_no_retrans_out();
    if (first) undo_.start(s.una, {cwnd(), cc_->ssthresh()});
  }
  if (cc_) {
    inflation_ = 0;
    std::uint32_t cw = cwnd();
    cc_->on_rto(now, in_flight);
    if (freebsd_ && s.wnd < cw)  // newreno's CC_RTO halves min(snd_wnd, cwnd)
      cc_->take_over(cc_->cwnd(), std::max((s.wnd / mss_) >> 1, 2u) * mss_);
    pipe_then = pipe(s, mss);
  }
  // SND.UNA's segment SACKed: the receiver reneged (RFC 2018 §8: after a timeout the
  // SACK marks are not trusted; Linux's tcp_timeout_mark_lost drops them then), so the
  // timeout resends from SND.UNA again.
  if (board_.skip_sacked(s.una) != s.una) board_.clear();
  in_recovery_ = false;
  after_timeout_ = cc_ != nullptr;
  dupacks_ = 0;
  retransmit_due_ = false;
  // Linux's TCP_CA_Loss: no PRR (tcp_in_cwnd_reduction is false there).
  prr_.stop();
  cwr_ = false;
  reno_sacked_ = 0;
  head_lost_ = false;
  note_ = AckNote{};
  relost_.clear();
  hold_resends_ = false;
  // RFC 6582 §4: no fast retransmit for what was sent before the timeout.
  recover_ = s.max;
  recover_valid_ = true;
  rexmit_high_ = s.una;
  return pipe_then;
}

void LossRecovery::on_ecn_echo(Nanos now, const SendSpace& s, std::uint32_t in_flight) {
  if (!cc_) return;
  undo_.forget();  // tcp_enter_cwr: undo_marker = 0, prior_ssthresh = 0
  // FreeBSD reacts to ECE before the ACK's growth (tcp_do_segment signals CC_ECN first),
  // and in congestion recovery the ACK grows nothing (newreno_ack_received).
  if (freebsd_ && note_.cwnd_before_growth != 0)
    cc_->take_over(note_.cwnd_before_growth, cc_->ssthresh());
  std::uint32_t prior_cwnd = cwnd();
  cc_->on_congestion_event(now, in_flight);
  ecn_reduced_ = true;
  ecn_reduced_until_ = s.max;
  if (linux_) {
    // tcp_enter_cwr: tcp_init_cwnd_reduction, and the ACK goes to tcp_cwnd_reduction
    // (on_ack_done), not to congestion avoidance.
    prr_.start(prior_cwnd / mss_, cc_->ssthresh() / mss_);
    inflation_ = window_offset(*cc_, prior_cwnd);
    cwr_ = true;
    note_.grow = false;
  }
}

void LossRecovery::on_output_pass(Nanos now, const OutputPass& p) {
  if (!cc_ || p.rto <= 0) return;
  if (p.idle > 0) {
    cwnd_stamp_ = now;  // tcp_cwnd_restart
    std::uint32_t cw = cc_->cwnd(), restart = std::min(p.initial_window, cw), next = restart;
    std::uint32_t ssthresh = cc_->ssthresh();
    if (linux_) {
      // tcp_cwnd_restart: ssthresh = tcp_current_ssthresh; cwnd halved per RTO idle.
      ssthresh = current_ssthresh(ssthresh, cw, mss_);
      std::uint32_t c = cw / mss_;
      for (Nanos d = p.idle - p.rto; d > 0 && c * mss_ > restart; d -= p.rto) c >>= 1;
      next = std::max(c * mss_, restart);
    } else if (ssthresh < cw - cw / 4) {
      ssthresh = cw - cw / 4;  // newreno_cc_after_idle (RFC 2861 §2)
    }
    cc_->take_over(next, ssthresh);
    inflation_ = 0;
  }
  if (p.in_flight == 0 || decay_window_ == 0) return;
  // tcp_cwnd_validate, once the pass is over: a window in use keeps the stamp fresh; one
  // unused for an RTO falls halfway to what was used, at least the initial window, in the
  // Open state (tcp_cwnd_application_limited: ssthresh = tcp_current_ssthresh), and the
  // stamp moves.
  std::uint32_t cw = cc_->cwnd() / mss_;
  if (usage_.cwnd_limited(cw, cc_->in_slow_start())) {
    cwnd_used_ = 0;
    cwnd_stamp_ = now;
    return;
  }
  cwnd_used_ = std::max(cwnd_used_, segments(p.in_flight, p.mss));
  if (now - cwnd_stamp_ < p.rto) return;
  bool open = !in_recovery_ && !after_timeout_ && !cwr_ && board_.sacked_bytes() == 0 &&
              reno_sacked_ == 0 && dupacks_ == 0;
  std::uint32_t used = std::max(cwnd_used_, decay_window_ / mss_);
  if (open && used < cw)
    cc_->take_over((cw + used) / 2 * mss_, current_ssthresh(cc_->ssthresh(), cc_->cwnd(), mss_));
  if (open) cwnd_used_ = 0;
  cwnd_stamp_ = now;
}

void LossRecovery::on_tail_loss(Nanos now, std::uint32_t in_flight) {
  if (!cc_) return;
  cc_->on_congestion_event(now, in_flight);
  // A reduction under way (ECN's CWR) ends here too: cwnd = ssthresh, back to Open.
  prr_.stop();
  cwr_ = false;
  inflation_ = window_offset(*cc_, cc_->ssthresh());
}

void LossRecovery::on_packet_sent(Nanos now, std::uint32_t bytes, std::uint32_t in_flight,
                                  SeqNum una, SeqNum nxt, std::uint32_t mss,
                                  std::optional<std::uint32_t> resent_tsval) {
  if (!cc_) return;
  cc_->on_packet_sent(now, bytes, in_flight);
  // tcp_write_xmit / tcp_xmit_retransmit_queue: prr_out += tcp_skb_pcount.
  if (linux_) prr_.on_sent(std::max(segments(bytes, mss), 1u));
  if (freebsd_ && prr_.active()) {  // prr_out counts every byte sent in recovery
    prr_.on_sent(bytes);
    freebsd_budget_ -= std::min(freebsd_budget_, bytes);
  }
  if (freebsd_ && resent_tsval && undo_.armed()) undo_.on_retransmit(*resent_tsval, 1, now);
  if (linux_ && resent_tsval) {
    undo_.on_retransmit(*resent_tsval, std::max(segments(bytes, mss), 1u), now);
    if (after_timeout_) loss_resent_end_ = seq_max(loss_resent_end_, nxt);
  }
  // tcp_cwnd_validate runs from tcp_write_xmit, not for a resend (tcp_retransmit_skb).
  if (!linux_ || !resent_tsval)
    usage_.on_sent(una, nxt, segments(in_flight, mss), in_flight >= cwnd());
}

bool LossRecovery::take_retransmit_due() {
  bool due = retransmit_due_;
  retransmit_due_ = false;
  return due;
}

std::uint32_t LossRecovery::allowance(const SendSpace& s, std::uint32_t flight,
                                      std::uint32_t mss) const {
  std::uint32_t window = cc_ ? cwnd() : mss;
  if (linux_ && prr_.active()) {
    // tcp_cwnd_test during a reduction: whole segments, cwnd - tcp_packets_in_flight.
    std::uint32_t in_flight = packets_in_flight(s, mss);
    std::uint32_t w = window / mss_;
    return w > in_flight ? (w - in_flight) * mss : 0;
  }
  if (linux_ && after_timeout_ && frto_.went_new()) {
    // tcp_packets_in_flight after F-RTO sent new data: the segments marked lost at the
    // timeout and not resent since do not count; the new data beyond high_seq does.
    std::uint32_t f = frto_in_flight(board_, s, frto_, flight, sack_ ? 0 : reno_sacked_ * mss_);
    return window > f ? window - f : 0;
  }
  if (linux_ && !after_timeout_ && s.una + flight == s.max) {
    // tcp_cwnd_test in Open and Disorder: whole segments, cwnd - tcp_packets_in_flight
    // (SACKed segments, or without SACK those duplicate ACKs stand for, are out of flight;
    // no RFC 3042 limit of two). Not while going back over sent data (a smaller path
    // MTU, a reopened window), which counts from SND.NXT.
    std::uint32_t in_flight = packets_in_flight(s, mss);
    std::uint32_t w = window / mss_;
    return w > in_flight ? (w - in_flight) * mss : 0;
  }
  if (freebsd_ && prr_.active()) return freebsd_budget_;  // tcp_do_prr_ack's snd_cnt
  if (in_recovery_ && sack_) {
    // RFC 6675: new data goes out while pipe < cwnd.
    std::uint32_t p = pipe(s, mss);
    return window > p ? window - p : 0;
  }
  if (freebsd_ && !in_recovery_ && dupacks_ > 0 && dupacks_ <= 2) {
    if (!limited_armed_) return window > flight ? window - flight : 0;  // an advancing ACK's
    // FreeBSD's limited transmit (tcp_input.c, V_tcp_do_rfc3042): cwnd = flight +
    // (t_dupacks - snd_limited) * maxseg, where snd_limited counts only duplicate ACKs
    // that sent new data (SND.MAX moved): going back after a timeout leaves it at 0.
    std::uint32_t sent = static_cast<std::uint32_t>(s.max - limited_from_);
    std::uint32_t limited = sent == 0 ? 0 : sent > mss ? 2 : 1;
    return dupacks_ > limited ? (dupacks_ - limited) * mss : 0;
  }
  // RFC 3042 limited transmit: one new segment on each of the first two duplicate ACKs
  // (not while Linux repairs a timeout: duplicates stand for nothing delivered there).
  if (!in_recovery_ && !(linux_ && after_timeout_))
    window += std::min<std::uint32_t>(dupacks_, 2) * mss;
  return window > flight ? window - flight : 0;
}

std::optional<LossRecovery::Resend> LossRecovery::next_resend(const SendSpace& s, std::uint32_t mss,
                                                              const ResendCap& cap) {
  SeqNum limit = seq_min(board_.empty() ? s.max : board_.highest_sacked(), s.data_end);
  auto most = [&](SeqNum seq) {
    if (!cap) return mss;
    std::uint32_t room = 0;
    if (linux_) {
      std::uint32_t w = cwnd() / mss_, in_flight = packets_in_flight(s, mss);
      room = w > in_flight ? (w - in_flight) * mss : 0;
    } else {
      std::uint32_t p = pipe(s, mss);
      room = cwnd() > p ? cwnd() - p : 0;
    }
    std::uint32_t most = cap(seq);  // less than a segment: short buffers, joined or not
    return most < mss ? most : std::max(mss, std::min(most, room));
  };
  auto resend = [&](SeqNum seq, std::string_view why) {
    SeqNum hole_end = seq_min(board_.next_sacked(seq, s.max), s.data_end);
    // With RACK only what it marked lost goes.
    if (rack_ && rack_lost_end_ && seq < *rack_lost_end_)
      hole_end = seq_min(hole_end, *rack_lost_end_);
    std::uint32_t len =
        std::min<std::uint32_t>(most(seq), static_cast<std::uint32_t>(hole_end - seq));
    rexmit_high_ = seq_max(rexmit_high_, seq + len);
    return Resend{seq, len, why};
  };
  if (take_retransmit_due()) {
    // RFC 6675 §5 (4.3): on entering recovery, resend the first unacknowledged segment.
    if (s.data_start < s.data_end) return resend(s.data_start, "fast-retransmit");
  }
  if (hold_resends_ || window_full(s, mss)) return std::nullopt;
  // RACK: a resend lost again goes before the holes not yet resent, which lie above it.
  while (!relost_.empty()) {
    SackScoreboard::Range& r = relost_.front();
    SeqNum from = board_.skip_sacked(seq_max(r.start, s.data_start));
    SeqNum to = seq_min(seq_min(r.end, board_.next_sacked(from, s.max)), s.data_end);
    if (!(from < to)) {
      relost_.erase(relost_.begin());
      continue;
    }
    std::uint32_t len = std::min<std::uint32_t>(most(from), static_cast<std::uint32_t>(to - from));
    r.start = from + len;
    if (!(r.start < r.end)) relost_.erase(relost_.begin());
    return Resend{from, len, "rack-lost-retransmit"};
  }
  SeqNum h = board_.skip_sacked(seq_max(rexmit_high_, s.data_start));
  bool lost = rack_ ? rack_lost_end_ && h < *rack_lost_end_ : board_.is_lost(h, mss);
  if (h < limit && lost) return resend(h, rack_ ? "rack" : "sack-recovery");
  return std::nullopt;
}

bool LossRecovery::window_full(const SendSpace& s, std::uint32_t mss) const {
  // tcp_xmit_retransmit_queue under the Linux rule: in segments.
  if (linux_) return packets_in_flight(s, mss) >= cwnd() / mss_;
  if (freebsd_ && prr_.active()) return freebsd_budget_ == 0;
  return pipe(s, mss) >= cwnd();
}

std::uint32_t LossRecovery::packets_in_flight(const SendSpace& s, std::uint32_t mss) const {
  // A FIN sent rides in its segment (or is one alone), not a segment of its own.
  std::uint32_t fin = s.data_end < s.max ? 1 : 0;
  if (sack_) {
    std::uint32_t p = pipe(s, mss);
    return p == 0 ? 0 : std::max(segments(p > fin ? p - fin : p, mss), 1u);
  }
  auto total = static_cast<std::uint32_t>(s.max - s.una);
  std::uint32_t out = total == 0 ? 0 : std::max(segments(total > fin ? total - fin : 0, mss), 1u);
  std::uint32_t left = reno_sacked_ + (in_recovery_ && (head_lost_ || retransmit_due_) ? 1 : 0);
  return out > left ? out - left : 0;
}

const LossRecovery::LostHoles& LossRecovery::lost_holes(SeqNum una, std::uint32_t mss) const {
  LostHoles& c = lost_;
  if (c.version == board_.version() && c.una == una && c.mss == mss && c.rack_end == rack_lost_end_)
    return c;
  c.version = board_.version();
  c.una = una;
  c.mss = mss;
  c.rack_end = rack_lost_end_;
  c.holes.clear();
  // RFC 6675 IsLost(): a hole is lost when at least DupThresh segments' worth of bytes
  // are SACKed above it. One pass from the highest SACKed range down.
  const auto& ranges = board_.ranges();
  std::uint32_t lost_threshold = 3 * mss;
  std::uint32_t sacked_above = 0;
  for (std::size_t i = ranges.size(); i-- > 0;) {
    sacked_above += static_cast<std::uint32_t>(ranges[i].end - ranges[i].start);
    // The hole below range i: [previous range's end (or SND.UNA), range i's start).
    SeqNum hole_start = i == 0 ? una : ranges[i - 1].end;
    SeqNum hole_end = ranges[i].start;
    if (rack_) {
      // RACK: what lies below the marks' end is lost.
      hole_end = rack_lost_end_ ? seq_min(hole_end, *rack_lost_end_) : hole_start;
      if (hole_start < hole_end) c.holes.push_back({hole_start, hole_end});
    } else if (hole_start < hole_end && sacked_above >= lost_threshold) {
      c.holes.push_back({hole_start, hole_end});
    }
  }
  std::reverse(c.holes.begin(), c.holes.end());
  c.bytes_from.assign(c.holes.size() + 1, 0);
  for (std::size_t i = c.holes.size(); i-- > 0;) {
    c.bytes_from[i] =
        c.bytes_from[i + 1] + static_cast<std::uint32_t>(c.holes[i].end - c.holes[i].start);
  }
  return c;
}

std::uint32_t LossRecovery::pipe(const SendSpace& s, std::uint32_t mss) const {
  // RFC 6675 §4 SetPipe(): bytes outstanding, less those SACKed, less the holes deemed
  // lost that have not been sent again (the parts above HighRxt).
  std::uint32_t total = static_cast<std::uint32_t>(s.max - s.una);
  std::uint32_t p = total > board_.sacked_bytes() ? total - board_.sacked_bytes() : 0;
  if (!in_recovery_) return p;
  // RACK: resends lost again are out of the network until sent once more.
  for (const SackScoreboard::Range& r : relost_) {
    if (!(s.una < r.end)) continue;
    SeqNum from = seq_max(r.start, s.una);
    auto bytes = static_cast<std::uint32_t>(r.end - from);
    bytes -= std::min(bytes, board_.sacked_above(from) - board_.sacked_above(r.end));
    p = p > bytes ? p - bytes : 0;
  }
  if (board_.empty()) return p;
  const LostHoles& c = lost_holes(s.una, mss);
  // The first lost hole that ends above HighRxt; it and every hole after it count.
  auto it = std::partition_point(c.holes.begin(), c.holes.end(),
                                 [&](const auto& h) { return h.end <= rexmit_high_; });
  if (it == c.holes.end()) return p;
  std::size_t i = static_cast<std::size_t>(it - c.holes.begin());
  std::uint32_t lost = c.bytes_from[i + 1];
  lost += static_cast<std::uint32_t>(it->end - seq_max(it->start, rexmit_high_));
  return p > lost ? p - lost : 0;
}

}  // namespace tcpsim::tcp
