// Loss detection and recovery for the sending half: duplicate ACKs and fast retransmit
// (RFC 5681 §3.2), NewReno's recovery (RFC 6582), SACK-based recovery with the
// scoreboard and pipe (RFC 6675), limited transmit (RFC 3042), and what a retransmission
// timeout resets (RFC 6298 (5.x), RFC 6582 §4). It owns the congestion controller and
// keeps, beside its window, the inflation NewReno applies during recovery, so the
// controller is told events and answers with the window it wants.
//
// Under CongestionRule::Linux the window during fast recovery and the ECN CWR state is
// Linux's instead: Proportional Rate Reduction (prr.hpp) sets it on every ACK, in segments,
// from tcp_packets_in_flight, with or without SACK (no RFC 6582 inflation), and sending
// during the reduction (retransmissions included) keeps within it; a reduction shown to be
// spurious is undone (undo.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/congestion/congestion_control.hpp"
#include "stack/tcp/cwnd_usage.hpp"
#include "stack/tcp/frto.hpp"
#include "stack/tcp/prr.hpp"
#include "stack/tcp/sack_scoreboard.hpp"
#include "stack/tcp/seq_num.hpp"
#include "stack/tcp/undo.hpp"

namespace tcpsim::tcp {

// The sequence space a decision looks at: SND.UNA, SND.MAX and the first sequence
// number of buffered data (SND.UNA, or one past an unacknowledged SYN).
struct SendSpace {
  SeqNum una;
  SeqNum max;
  SeqNum data_start;
  SeqNum data_end;                 // end of the queued data
  std::uint32_t wnd = 0xffffffff;  // the peer's window, SND.WND (FreeBSD's CC looks at it)
};

class LossRecovery {
 public:
  // How sending starts after the handshake (RFC 5681 §3.1).
  struct Setup {
    CongestionAlgorithm algo = CongestionAlgorithm::NewReno;
    bool sack = false;
    std::uint32_t mss = 0;
    std::uint32_t initial_window = 0;  // the controller's first window
    // The window grows only while the sender uses it (CwndUsage).
    bool cwnd_limited_growth = false;
    bool hystart = false;  // for the controller (make_congestion_control)
    CongestionRule congestion_rule = CongestionRule::Rfc;
    // With SACK, losses are those RACK marks (on_rack_lost), not RFC 6675's IsLost, and
    // duplicate ACKs alone start no recovery (Linux's net.ipv4.tcp_recovery = 1).
    bool rack = false;
    bool frto = false;  // F-RTO after a timeout, under the Linux rule (frto.hpp)
    // FreeBSD's net.inet.tcp.abc_l_var: segments one ACK may count for.
    std::uint32_t abc_l_var = 2;
    // Under the Linux rule, a window unused for an RTO decays towards what was used, at
    // least this (RFC 2861, tcp_cwnd_application_limited with tcp_init_cwnd); 0: it does not.
    std::uint32_t decay_window = 0;
    // Under the Linux rule without SACK: the SYN timed out and its ACK brought SND.UNA
    // here. The SYN's timeout entered TCP_CA_Loss (tcp_retransmit_timer: tcp_enter_loss,
    // high_seq ISS + 1), and the SYN,ACK reaching exactly high_seq held it
    // (tcp_process_loss, tcp_try_undo_recovery: tcp_is_non_sack_preventing_reopen), so
    // the connection starts in it, until something above is acknowledged.
    std::optional<SeqNum> syn_loss_at = std::nullopt;
  };
  void start(const Setup& setup);
  // An ACK of new data brought this RTT sample (0: none); SND.NXT as it stands.
  void on_rtt_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt) {
    if (cc_) cc_->on_rtt_sample(now, rtt, una, nxt);
  }
  bool started() const { return cc_ != nullptr; }
  // TCP_CONGESTION once started: a new controller goes on from the old one's window.
  void replace_controller(CongestionAlgorithm algo, bool hystart, CongestionRule rule);
  // The congestion window in force (the controller's, plus NewReno inflation).
  std::uint32_t cwnd() const;
  std::uint32_t ssthresh() const;
  bool in_recovery() const { return in_recovery_; }
  // Neither in recovery nor repairing a timeout (Linux's TCP_CA_Open or TCP_CA_CWR, the
  // states in which tcp_schedule_loss_probe arms a tail loss probe).
  bool may_probe() const { return !in_recovery_ && !after_timeout_; }
  const SackScoreboard& scoreboard() const { return board_; }

  // ---- ACK processing (RFC 9293 §3.10.7.4 fifth step) ----
  // SND.UNA moved up to `una`: forget what lies below it.
  void on_advance(SeqNum una);
  // The SACK blocks of an ACK; returns whether they reported anything new (RFC 6675 §2).
  bool on_sack(const SendSpace& s, std::span<const wire::SackBlock> blocks);
  // After on_advance and on_sack: `acked` bytes left the network. Returns true when the
  // window may have changed.
  bool on_cumulative_ack(Nanos now, const SendSpace& s, std::uint32_t acked,
                         std::uint32_t in_flight, std::uint32_t mss, Nanos srtt);
  // A duplicate ACK (RFC 5681 §2). Entered: recovery starts now (stop RTT timing);
  // Inflated: the window grew; None: nothing to report. `reordering`: the degree the
  // sender has seen (Linux's tp->reordering), its duplicate threshold without RACK.
  enum class DupAck : std::uint8_t { None, Entered, Inflated };
  DupAck on_duplicate_ack(Nanos now, const SendSpace& s, std::uint32_t in_flight, std::uint32_t mss,
                          std::uint32_t reordering = 3);
  // The retransmission timer expired: the controller collapses the window and recovery
  // ends; nothing sent before now is fast-retransmitted (RFC 6582 §4). Returns the pipe
  // as it stood when the timer fired, for the report of the new window.
  // `first`: the first timeout since SND.UNA last advanced (Linux's icsk_retransmits was
  // 0), which under the Linux rule may open a new undo episode.
  std::uint32_t on_timeout(Nanos now, const SendSpace& s, std::uint32_t in_flight,
                           std::uint32_t mss, bool first = true);
  // A segment left; SND.UNA and SND.NXT after it, for CwndUsage. `resent_tsval`: it was a
  // retransmission (not a tail loss probe's), carrying this TSval (for undo).
  void on_packet_sent(Nanos now, std::uint32_t bytes, std::uint32_t in_flight, SeqNum una,
                      SeqNum nxt, std::uint32_t mss,
                      std::optional<std::uint32_t> resent_tsval = std::nullopt);
  // An ECN echo (RFC 3168 §6.1.2): the controller reduces its window as for a loss, but
  // nothing is retransmitted and no recovery starts. A loss found before data beyond
  // SND.MAX is acknowledged is repaired without a second reduction.
  void on_ecn_echo(Nanos now, const SendSpace& s, std::uint32_t in_flight);
  // A tail loss probe repaired a loss (loss_probe.hpp): the window is reduced once and at
  // once, to ssthresh (Linux tcp_process_tlp_ack: tcp_init_cwnd_reduction, then
  // tcp_end_cwnd_reduction).
  void on_tail_loss(Nanos now, std::uint32_t in_flight);
  // An output pass (tcp_write_xmit). With `idle`, it begins after nothing was sent for
  // that long (over the RTO) with nothing in flight: the window starts again from at most
  // min(`initial_window`, cwnd) (TcpConfig::restart_after_idle). With `in_flight`, it
  // ended having sent new data, that many bytes now out, in segments of `mss`: RFC 2861's
  // validation under the Linux rule (start's decay_window).
  struct OutputPass {
    Nanos idle = 0;
    Nanos rto = 0;
    std::uint32_t initial_window = 0;
    std::uint32_t in_flight = 0;
    std::uint32_t mss = 0;
  };
  void on_output_pass(Nanos now, const OutputPass& p);
  // The end of an ACK's processing (Linux's tcp_cong_control, after tcp_fastretrans_alert):
  // under the Linux rule, first the undo checks (undo.hpp), then PRR sets the window while
  // it is reduced, else the window grows by what on_cumulative_ack deferred. Nothing under
  // the Rfc rule, where the steps above set the window themselves.
  struct AckFacts {
    std::optional<std::uint32_t> tsecr;  // the ACK's TSecr, when timestamps are in use
    std::uint32_t retrans_out = 0;       // resent segments not yet acknowledged or SACKed
    bool may_send_new = false;           // unsent data, and the peer's window takes more
    bool ece = false;                    // an ECN echo (ECN agreed)
    bool first_fin = false;  // the peer's first FIN, bare, moving nothing (FreeBSD: t_dupacks = 0)
    bool same_window = false;  // the ACK's window is the one we hold
  };
  // Where sending goes on after a timeout: as it was, from SND.UNA (resending what is
  // lost, go-back-N), or from SND.MAX (new data: what was sent before is not resent now).
  enum class Resume : std::uint8_t { AsItWas, FromUna, FromMax };
  struct AckDone {
    bool window_changed = false;
    // The reduction was undone and segments marked lost are not lost after all
    // (tcp_undo_cwnd_reduction with unmark_loss): after a timeout, what was sent before it
    // is in flight again rather than to be resent.
    bool unmark_lost = false;
    Resume resume = Resume::AsItWas;
    // For RACK's reordering window (Rack::on_recovery_end): +1 after an undo by D-SACKs,
    // -1 when recovery ended at high_seq without an undo.
    int reo_wnd_persist = 0;
    // F-RTO's new data goes now, Nagle and cork aside (tcp_xmit_recovery: REXMIT_NEW,
    // __tcp_push_pending_frames with TCP_NAGLE_OFF).
    bool push = false;
    // In recovery, timestamps show the ACK answered a delayed original: reordering
    // (tcp_try_undo_partial: tcp_check_sack_reordering from the prior SND.UNA).
    bool delayed_original = false;
    // An undo raised ssthresh again: the CWR the reduction queued is withdrawn
    // (tcp_undo_cwnd_reduction: tcp_ecn_withdraw_cwr).
    bool cwr_withdrawn = false;
  };
  AckDone on_ack_done(Nanos now, const SendSpace& s, std::uint32_t mss, const AckFacts& facts);

  // RACK (rack.hpp) marked lost every segment not SACKed below `lost_end` (nothing: none).
  // Recovery starts when RACK found a loss (tcp_fastretrans_alert: tcp_time_to_recover,
  // lost_out > 0), unless already in recovery or repairing a timeout; from the reordering
  // `timer`, PRR takes its first step at once. Returns whether it started. In recovery,
  // resends RACK found lost again (`relost`) are no longer in flight and go out again
  // first (tcp_xmit_retransmit_queue).
  bool on_loss_marked(Nanos now, const SendSpace& s, std::uint32_t in_flight, std::uint32_t mss,
                      std::optional<SeqNum> lost_end, bool timer = false,
                      std::span<const SackScoreboard::Range> relost = {});

  // ---- what to send ----
  // A fast retransmit of SND.UNA is due; taking it clears it.
  bool take_retransmit_due();
  // Bytes the congestion window lets the sender put out beyond `flight` (SND.NXT -
  // SND.UNA), with RFC 3042's limited transmit and RFC 6675's pipe in SACK recovery.
  std::uint32_t allowance(const SendSpace& s, std::uint32_t flight, std::uint32_t mss) const;
  // RFC 6675 §5 NextSeg during SACK recovery: the hole to resend (start and length),
  // with the reason for the trace; nothing when the pipe is full or no hole is lost.
  struct Resend {
    SeqNum seq;
    std::uint32_t len;
    std::string_view why;
  };
  // `cap`, when given (TSO), says how many bytes a resend from a sequence number may carry
  // (a buffer as it left, up to the TSO size): a resend then takes up to that much of the
  // hole, within what cwnd leaves (tcp_xmit_retransmit_queue); else one MSS.
  using ResendCap = std::function<std::uint32_t(SeqNum)>;
  std::optional<Resend> next_resend(const SendSpace& s, std::uint32_t mss,
                                    const ResendCap& cap = {});
  // RFC 6675 §4 SetPipe(): bytes still in the network.
  std::uint32_t pipe(const SendSpace& s, std::uint32_t mss) const;
  // Linux's tcp_packets_in_flight, in segments: packets_out - (sacked_out + lost_out) +
  // retrans_out; with SACK the pipe in segments, without it duplicate ACKs standing for
  // SACKed segments (tcp_add_reno_sack) and the head once marked lost until it is resent.
  std::uint32_t packets_in_flight(const SendSpace& s, std::uint32_t mss) const;
  // The Linux rule's window reduction (fast recovery or CWR), and its undo, for traces and
  // tests.
  const Prr& prr() const { return prr_; }
  const Undo& undo() const { return undo_; }

 private:
  struct LostHoles {
    std::uint64_t version = ~std::uint64_t{0};
    std::optional<SeqNum> rack_end;
    SeqNum una;
    std::uint32_t mss = 0;
    std::vector<SackScoreboard::Range> holes;  // ascending
    std::vector<std::uint32_t> bytes_from;     // bytes in holes[i..]
  };
  const LostHoles& lost_holes(SeqNum una, std::uint32_t mss) const;
  // The Linux rule's parts of on_cumulative_ack and on_duplicate_ack.
  bool linux_cumulative_ack(Nanos now, const SendSpace& s, std::uint32_t acked,
                            std::uint32_t in_flight, Nanos srtt);
  void enter_recovery(Nanos now, const SendSpace& s, std::uint32_t in_flight, std::uint32_t mss);
  // No room in the window for another (re)transmission during recovery.
  bool window_full(const SendSpace& s, std::uint32_t mss) const;

  std::unique_ptr<CongestionControl> cc_;
  CwndUsage usage_;
  // tcp_cwnd_validate's record: when the window was last in use or changed
  // (snd_cwnd_stamp), and the most segments in flight since (snd_cwnd_used).
  std::uint32_t decay_window_ = 0;
  Nanos cwnd_stamp_ = 0;
  std::uint32_t cwnd_used_ = 0;
  bool cwnd_limited_growth_ = false;
  bool sack_ = false;
  bool plain_reno_ = false;  // Reno without SACK: any new ACK ends recovery
  // NewReno's inflation and deflation (RFC 6582 §3.2), on top of the controller's window.
  std::int64_t inflation_ = 0;
  std::uint32_t dupacks_ = 0;
  bool freebsd_ = false;  // CongestionRule::FreeBsd
  // FreeBSD's net.inet.tcp.abc_l_var: an ACK counts for at most this many segments
  // (RFC 3465's L), one after a timeout while SND.NXT is behind SND.MAX.
  std::uint32_t abc_l_var_ = 2;
  // FreeBSD's PRR in SACK recovery (Prr::freebsd_ack): bytes that may still leave on
  // the last ACK's snd_cnt.
  std::uint32_t freebsd_budget_ = 0;
  SeqNum limited_from_;         // SND.MAX at the first duplicate ACK (FreeBSD's snd_limited)
  bool limited_armed_ = false;  // FreeBSD: the count came from duplicate ACKs (limited transmit)
  std::uint32_t sacked_below_una_ = 0;  // SACKed bytes the last advance of SND.UNA covered
  bool in_recovery_ = false;
  bool after_timeout_ = false;
  bool rack_ = false;
  std::vector<SackScoreboard::Range> relost_;  // RACK: resends lost again, to resend
  std::optional<SeqNum> rack_lost_end_;  // RACK: unSACKed bytes below are lost  // until SND.UNA
                                         // passes `recover` (Linux's TCP_CA_Loss)
  SeqNum recover_;
  bool recover_valid_ = false;  // RFC 6582 §3.2 (1): no new recovery below `recover`
  bool retransmit_due_ = false;
  bool ecn_reduced_ = false;
  SeqNum ecn_reduced_until_;  // SND.MAX when an ECN echo last reduced the window
  SackScoreboard board_;
  SeqNum rexmit_high_;  // RFC 6675 HighRxt: holes below it were resent in this recovery
  // pipe() during SACK recovery: the holes deemed lost depend only on the scoreboard,
  // SND.UNA and the MSS, so they are kept (with the bytes from each one up) until one of
  // those changes; each call then costs a binary search for HighRxt.
  mutable LostHoles lost_;

  // ---- CongestionRule::Linux ----
  bool linux_ = false;
  std::uint32_t mss_ = 0;  // the controller's, for windows in segments
  Prr prr_;                // running in recovery and in CWR
  bool cwr_ = false;       // TCP_CA_CWR: an ECN echo's reduction, until SND.UNA passes it
  // Without SACK: tp->sacked_out (one per duplicate ACK, tcp_add_reno_sack), and the head
  // marked lost by a partial ACK (tcp_newreno_mark_lost) but not yet let out by PRR.
  std::uint32_t reno_sacked_ = 0;
  bool head_lost_ = false;
  SeqNum lost_high_;  // end of the highest hole deemed lost, for PRR's newly_lost
  Undo undo_;
  bool hold_resends_ = false;  // tcp_try_undo_partial with resends out: none on this ACK
  bool frto_enabled_ = false;
  Frto frto_;
  SeqNum loss_resent_end_;  // after a timeout: the end of what was resent since
  // What the ACK being processed did, for on_ack_done.
  struct AckNote {
    std::uint32_t segments = 0;      // delivered without SACK (tcp_add/remove_reno_sacks)
    std::uint32_t acked_bytes = 0;   // newly acknowledged, not SACKed before
    std::uint32_t sacked_bytes = 0;  // newly SACKed
    bool una_advanced = false;
    bool newly_lost = false;
    bool recovered = false;             // recovery ended at high_seq on this ACK
    bool held = false;                  // without SACK, recovery held at exactly high_seq
    bool was_loss = false;              // repairing a timeout when the ACK came (TCP_CA_Loss)
    bool at_high_seq = false;           // without SACK, SND.UNA reached exactly high_seq
    bool duplicate = false;             // a duplicate ACK
    bool original_delivered = false;    // F-RTO's FLAG_ORIG_SACK_ACKED
    std::uint32_t original_sacked = 0;  // of the never-resent data acknowledged, SACKed before
    bool grow = false;  // congestion avoidance deferred to on_ack_done (tcp_cong_avoid)
    std::uint32_t grow_bytes = 0;
    std::uint32_t in_flight = 0;
    Nanos srtt = 0;
    std::uint32_t cwnd_before_growth = 0;  // FreeBSD: cwnd before this ACK grew it (0: none)
    bool entered_on_advance = false;       // FreeBSD: an advancing ACK started SACK recovery
  };
  AckNote note_;
  // The undo checks of one ACK under the Linux rule, with F-RTO's steps after a timeout.
  AckDone try_undo(const AckFacts& facts, const AckNote& a);
  // The same under the FreeBSD rule: the undo of a spurious timeout, and PRR in SACK
  // recovery.
  AckDone freebsd_ack_done(Nanos now, const SendSpace& s, const AckFacts& facts, const AckNote& a);
};

}  // namespace tcpsim::tcp
