// The fifth step's ACK processing for data (RFC 9293 §3.10.7.4, "ESTABLISHED STATE"):
// SND.UNA advances, the RTT is sampled, the SACK scoreboard and loss recovery hear of the
// ACK, the retransmission timer follows (RFC 6298 (5.2)/(5.3)), and the send window is
// updated.
#include <algorithm>
#include <array>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// What an ACK of new data does besides moving SND.UNA: it ends a run of timeouts, forgets
// an ICMP soft error (Linux tcp_ack: "something worked"; FreeBSD tcp_xmit_timer clears
// t_softerror), and may bring an RTT sample: timestamps (RFC 7323 §4) or the one timed
// segment (Karn, RFC 6298 §3). Returns the sample (at least 1 ns), or 0.
struct AckedParts {
  const Negotiation& neg;
  Sender& snd;
  RttEstimator& rtt;
  int& retries;
  Errno& soft_error;
};
Nanos new_data_acked(AckedParts p, const Connection& c, ConnectionObserver* obs, Nanos now,
                     const Segment& seg) {
  p.retries = 0;
  p.soft_error = Errno::Ok;
  Nanos sample =
      p.neg.ts_ok ? p.neg.echoed_rtt(now, seg) : p.snd.karn().sample(SeqNum(seg.header.ack), now);
  if (sample < 0) return 0;
  p.rtt.sample(sample, p.snd.una(), p.snd.nxt());
  if (obs != nullptr)
    obs->on_rtt(c, now, p.rtt.latest(), p.rtt.srtt(), p.rtt.rttvar(), p.rtt.rto());
  return std::max<Nanos>(sample, 1);
}

// The parts an ACK's window reductions touch.
struct ReductionParts {
  LossProbe& probe;
  LossRecovery& recovery;
  Ecn& ecn;
  const Sender& snd;
};
// tcp_process_tlp_ack: whether the ACK shows that a tail loss probe repaired a loss;
// if so the window is reduced once, at once (and CWR follows, RFC 3168 §6.1.2).
bool probe_answered(ReductionParts p, Nanos now, SeqNum ack,
                    std::span<const wire::SackBlock> blocks, bool pure_duplicate) {
  if (!p.probe.outstanding() ||
      p.probe.on_ack(ack, blocks, pure_duplicate) != LossProbe::Verdict::Loss)
    return false;
  p.recovery.on_tail_loss(now, p.snd.in_flight());
  p.ecn.on_window_reduced(p.snd.max(), false);
  return true;
}

// The last steps of an ACK for the window: an ECN echo (RFC 3168 §6.1.2) halves it as a
// loss would, without a retransmission (Linux tcp_enter_cwr, FreeBSD
// cc_cong_signal(CC_ECN)); then, under the Linux rule, PRR or growth (tcp_cong_control,
// after tcp_fastretrans_alert). Returns true when the window may have changed.
struct WindowParts {
  Ecn& ecn;
  LossRecovery& recovery;
  const Sender& snd;
};
bool ecn_echo_and_window(Nanos now, const Segment& seg, WindowParts p, std::uint32_t mss) {
  bool changed = false;
  if (p.ecn.echo_calls_for_reduction(seg, p.snd.una(), p.recovery.in_recovery())) {
    p.recovery.on_ecn_echo(now, p.snd.space(), p.snd.in_flight());
    p.ecn.on_window_reduced(p.snd.max(), true);
    changed = true;
  }
  return p.recovery.on_ack_done(now, p.snd.space(), mss) || changed;
}

}  // namespace

void Connection::process_ack_of_data(Nanos now, const Segment& seg) {
  SeqNum ack(seg.header.ack);
  std::uint32_t seg_wnd = static_cast<std::uint32_t>(seg.header.window) << neg_.snd_wscale;
  std::uint32_t mss = send_mss();
  bool advanced = snd_.una() < ack;
  counters_.last_ack_received = now;  // tcp_input.c tcp_ack: rcv_tstamp
  std::uint32_t acked = 0;
  if (advanced) {
    acked = snd_.acknowledge(ack, now);
    recovery_.on_advance(snd_.una());
    AckedParts parts{neg_, snd_, rtt_, retries_, soft_error_};
    Nanos rtt = new_data_acked(parts, *this, observer_, now, seg);
    recovery_.on_rtt_sample(now, rtt, snd_.una(), snd_.nxt());
  }
  // SACK blocks (RFC 2018) update the scoreboard; new SACK information makes an ACK a
  // duplicate for loss detection even when the window changed (RFC 6675 §2).
  std::array<wire::SackBlock, 4> blocks{};
  std::size_t n = neg_.sack_ok ? seg.header.options.sack_blocks(blocks) : 0;
  bool new_sack = neg_.sack_ok && recovery_.on_sack(snd_.space(), std::span<const wire::SackBlock>(
                                                                      blocks.data(), n));
  bool dupack = !advanced && ack == snd_.una() && seg.payload.empty() && !seg.has(kSyn) &&
                !seg.has(kFin) && snd_.max() > snd_.una() && recovery_.started() &&
                (new_sack || (seg_wnd == snd_.wnd() && snd_.wnd() > 0));
  bool pure_duplicate = !advanced && seg.payload.empty() && !new_sack && seg_wnd == snd_.wnd();
  if (probe_answered({loss_probe_, recovery_, ecn_, snd_}, now, ack,
                     std::span<const wire::SackBlock>(blocks.data(), n), pure_duplicate))
    report_cwnd(now);
  if (advanced) {
    if (recovery_.on_cumulative_ack(now, snd_.space(), acked, snd_.in_flight(), mss, rtt_.srtt()))
      report_cwnd(now);
    // RFC 6298 (5.2)/(5.3): stop the timer when all is acknowledged, else restart it.
    if (snd_.una() == snd_.max()) {
      disarm(now, TimerKind::Retransmission);
      disarm(now, TimerKind::LossProbe);
    } else {
      restart_retransmission_timer(now, Rearm::Acked);
    }
  } else if (dupack) {
    // RFC 5681 §2: a duplicate ACK.
    auto dup = recovery_.on_duplicate_ack(now, snd_.space(), snd_.in_flight(), mss);
    if (dup == LossRecovery::DupAck::Entered) {
      loss_probe_.reset();  // tcp_init_cwnd_reduction: tlp_high_seq = 0
      if (timers_.armed(TimerKind::LossProbe)) restart_retransmission_timer(now, Rearm::NoProbe);
      snd_.karn().stop();
      ecn_.on_window_reduced(snd_.max(), false);  // RFC 3168 §6.1.2: CWR follows
    }
    if (dup != LossRecovery::DupAck::None) report_cwnd(now);
  }
  counters_.marks.on_ack({snd_.una(), dupack, recovery_.in_recovery(), neg_.sack_ok, mss},
                         recovery_.scoreboard());
  if (ecn_echo_and_window(now, seg, {ecn_, recovery_, snd_}, mss)) report_cwnd(now);
  if (snd_.update_window(SeqNum(seg.header.seq), ack, seg_wnd) &&
      timers_.armed(TimerKind::Persist)) {
    // The window opened: stop probing and resend from SND.UNA (a probe byte may have
    // been discarded).
    disarm(now, TimerKind::Persist);
    snd_.rewind();
  }
}

}  // namespace tcpsim::tcp
