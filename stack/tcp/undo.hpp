// Linux's undo of a window reduction that proves spurious (net/ipv4/tcp_input.c): when
// the peer shows that what was taken for lost had only been delayed or reordered, the
// window and ssthresh go back to what they were before the reduction. Two kinds of
// evidence (RFC 3522's Eifel detection and RFC 2883 §4's use of D-SACK):
//   - timestamps: an ACK echoes a TSval older than the first retransmission of the
//     episode, so it answers an original transmission (tcp_packet_delayed);
//   - D-SACK: every retransmission of the episode was reported as a duplicate, so none
//     was needed (undo_retrans reaches 0, tcp_try_undo_dsack).
// This class keeps the episode's state (tcp_sock undo_marker, undo_retrans,
// retrans_stamp, prior_cwnd, prior_ssthresh); LossRecovery decides when to ask it (the
// tcp_try_undo_* calls of tcp_fastretrans_alert and tcp_process_loss). Used under
// CongestionRule::Linux only.
#pragma once

#include <cstdint>
#include <optional>

#include "stack/base/time.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Undo {
 public:
  // What the window and ssthresh go back to, in bytes. ssthresh 0: the reduction was not
  // this episode's (it started inside ECN's CWR), so nothing is restored
  // (tcp_undo_cwnd_reduction acts only when prior_ssthresh is set).
  struct Prior {
    std::uint32_t cwnd = 0;
    std::uint32_t ssthresh = 0;
  };

  // tcp_init_undo when recovery starts (tcp_enter_recovery) or a timeout opens a new
  // episode (tcp_enter_loss): undo is possible from SND.UNA `una` on, no retransmission of
  // this episode yet (undo_retrans = -1); `prior` is what an undo restores.
  void start(SeqNum una, Prior prior);
  // tcp_retransmit_skb: `segments` resent at `now`, the first of the episode stamped with
  // the TSval it carried and its time (retrans_stamp). A tail loss probe's resend does not
  // count.
  void on_retransmit(std::uint32_t tsval, std::uint32_t segments, Nanos now);
  // A D-SACK block [start, end) reported `segments` duplicates of data resent in this
  // episode (tcp_check_dsack for data below SND.UNA, tcp_sacktag_one above it): fewer
  // retransmissions remain unexplained.
  void on_dsack(SeqNum end, std::uint32_t segments);
  // Nothing resent is outstanding any more (!tcp_any_retrans_done): retrans_stamp = 0.
  void on_no_retrans_out() {
    stamp_.reset();
    stamp_at_.reset();
  }
  // When the first retransmission still outstanding went (retrans_stamp as a time): where
  // Linux's retransmission timeout and TCP_USER_TIMEOUT count from (tcp_write_timeout).
  std::optional<Nanos> retrans_stamp() const { return stamp_at_; }

  // undo_marker is set: the episode may still be undone.
  bool armed() const { return marker_.has_value(); }
  // tcp_packet_delayed: the ACK's TSecr (nothing without timestamps, or an echo of 0) is
  // older than the episode's first retransmission.
  bool packet_delayed(std::optional<std::uint32_t> tsecr) const;
  // tcp_may_undo: armed, and either nothing was resent (all D-SACKed) or the ACK answers
  // an original transmission.
  bool may_undo(std::optional<std::uint32_t> tsecr) const {
    return armed() && (retrans_ == 0 || packet_delayed(tsecr));
  }
  // tcp_try_undo_dsack's test: armed and every retransmission D-SACKed.
  bool all_dsacked() const { return armed() && retrans_ == 0; }
  // tcp_undo_cwnd_reduction: the values to restore; the episode can no longer be undone
  // (undo_marker = 0), and nothing is left to restore.
  Prior take();
  // An ECN echo: an undo would restore no window or ssthresh (prior_ssthresh = 0).
  void forget_prior() { prior_.ssthresh = 0; }
  // ECN's CWR begins (tcp_enter_cwr): no undo, nothing to restore.
  void forget() {
    marker_.reset();
    prior_ = Prior{};
  }

  std::int32_t undo_retrans() const { return retrans_; }
  // Segments reported duplicate by D-SACKs over the connection's life (tcp_dsack_seen:
  // dsack_dups, tcpi_dsack_dups).
  std::uint32_t dsack_dups() const { return dups_; }

 private:
  std::optional<SeqNum> marker_;        // undo_marker
  std::int32_t retrans_ = -1;           // undo_retrans: resent segments not D-SACKed (-1: none)
  std::optional<std::uint32_t> stamp_;  // retrans_stamp, a TSval
  std::optional<Nanos> stamp_at_;       // ... and when it was sent
  Prior prior_;
  std::uint32_t dups_ = 0;
};

}  // namespace tcpsim::tcp
