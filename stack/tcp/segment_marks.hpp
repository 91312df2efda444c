// Linux's per-segment marks on its retransmission queue: every segment sent and not yet
// acknowledged, with whether it was SACKed, marked lost or sent again and not marked lost
// since (tcp_input.c tcp_sacktag_one, tcp_clean_rtx_queue, tcp_mark_skb_lost,
// tcp_timeout_mark_lost, tcp_newreno_mark_lost; tcp_output.c tcp_retransmit_skb). They
// give tcp_info's tcpi_retrans (retrans_out), tcpi_lost (lost_out) and tcpi_delivered
// (delivered), RACK's per-segment state (rack.hpp), and the reordering the sender has seen
// (tp->reordering and tp->reord_seen: tcp_check_sack_reordering,
// tcp_check_reno_reordering), which tcpi_reordering and tcpi_reord_seen report and RACK's
// reordering window depends on.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/sack_scoreboard.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Rack;

struct SegmentMarks {
  struct Entry {
    SeqNum start, end;
    Nanos sent_at = 0;  // its last (re)transmission (the skb's tstamp)
    bool retransmitted = false, sacked = false, lost = false;
    bool ever_resent = false;          // TCPCB_EVER_RETRANS
    std::uint64_t delivered_then = 0;  // tx.delivered: `delivered` + 1 (the handshake)
                                       // when last sent
    std::uint64_t order = 0;           // its last transmission's place among all (from 1)
  };

  std::deque<Entry> queue;         // ascending, [start, end) of each segment sent
  std::uint64_t delivered = 0;     // segments acknowledged or SACKed, each once
  std::uint64_t delivered_ce = 0;  // of those, delivered by an ACK with ECE (tcp_count_delivered)
  std::uint64_t sends = 0;         // transmissions so far
  std::uint32_t retrans_out = 0, lost_out = 0;
  std::uint32_t sacked_out = 0;   // entries SACKed
  std::uint32_t reno_sacked = 0;  // without SACK: duplicate ACKs counted as SACKed segments
  // tp->reordering: how many segments out of order the sender has seen at most
  // (net.ipv4.tcp_reordering, 3, up to net.ipv4.tcp_max_reordering, 300); reord_seen:
  // how many times reordering was seen.
  std::uint32_t reordering = 3, max_reordering = 300;
  std::uint32_t reord_seen = 0;
  // Of the segments the last ACK delivered, `delivered_then` of the most recently sent
  // (the rate sample's prior_delivered; 0: none).
  std::uint64_t prior_delivered = 0;
  // Resends RACK marked lost again (tcp_mark_skb_lost on a TCPCB_SACKED_RETRANS segment),
  // [start, end), since the owner last took them.
  std::vector<SackScoreboard::Range> relost;

  // [seq, end) left at `now`; `again`: a retransmission.
  // `counted`: a retransmission that marks the segments retransmitted (retrans_out).
  void on_sent(Nanos now, SeqNum seq, SeqNum end, bool again, bool counted = true);
  // What an ACK left: SND.UNA, whether it was a duplicate (RFC 5681 §2), recovery, SACK.
  struct Ack {
    SeqNum una;
    bool duplicate = false, in_recovery = false, sack = false;
    std::uint32_t mss = 0;
    // With RACK (rack.hpp): each segment delivered is reported to it (at `now`; `min_rtt`
    // judges a resent one), SACKed ones first, as tcp_sacktag_write_queue runs before
    // tcp_clean_rtx_queue, and RACK alone marks losses.
    Rack* rack = nullptr;
    Nanos now = 0, min_rtt = 0;
    // tcp_sacktag_write_queue looks for reordering unless the connection repairs a
    // timeout with no undo possible (TCP_CA_Loss without undo_marker).
    bool sack_reordering = true;
    // Repairing a timeout (TCP_CA_Loss): without SACK a duplicate ACK stands for no
    // segment there (tcp_process_loss adds none before F-RTO's new data).
    bool repairing = false;
  };
  // Segments acknowledged or SACKed are delivered; without SACK each duplicate ACK stands
  // for one (tcp_add_reno_sack, tcp_remove_reno_sacks). During recovery the segment at
  // SND.UNA is lost, and with SACK every one the scoreboard deems lost (RFC 6675 IsLost).
  // A segment never resent that is SACKed below one SACKed before, or acknowledged below
  // the highest SACKed, was reordered; so were more duplicate ACKs than segments out.
  void on_ack(const Ack& a, const SackScoreboard& board);
  // Marks lost once (tcp_newreno_mark_lost, RFC 6675 IsLost): a segment marked lost stays
  // so, resent or not.
  void mark_lost(Entry& e);
  // tcp_mark_skb_lost's second case as well: a resend outstanding on a segment marked
  // lost before is lost too: no longer counted as retransmitted, due to be sent again
  // (recorded in `relost`). (A segment resent but not marked lost, after an undo, is
  // marked lost and no longer counted as resent, where Linux keeps it counted.)
  void mark_lost_again(Entry& e);
  // tcp_try_undo_partial: the last ACK filled a hole with a delayed original; reordering
  // from the SND.UNA before it (tcp_check_sack_reordering).
  void on_delayed_original(std::uint32_t mss);
  // A retransmission timeout: every segment not SACKed is lost, none counts as resent.
  // `base_reordering` (0: none) for one that came in Open or Disorder under the Linux
  // rule: with at least that many segments still SACKed the degree was overestimated and
  // falls back to it (tcp_enter_loss, with net.ipv4.tcp_reordering).
  void on_timeout(std::uint32_t base_reordering = 0);
  // An undone reduction (tcp_undo_cwnd_reduction with unmark_loss): nothing is lost.
  void unmark_lost();

 private:
  SeqNum fack_;                    // the end of the highest segment SACKed, while sacked_out > 0
  std::uint64_t prior_order_ = 0;  // of the segment prior_delivered comes from
  SeqNum prior_una_, una_;         // SND.UNA before and after the last ACK

  void forget(const Entry& e);
  // tcp_rate_skb_delivered: `e` was delivered by the ACK; it sets prior_delivered if it
  // is the most recently sent so far.
  void note_delivered(const Entry& e);
  void count_reno(std::uint32_t acked, bool duplicate);
  // tcp_sacktag_one over the newly SACKed segments; returns the lowest start of one never
  // resent that was SACKed below `prior_fack` (or `none`).
  SeqNum mark_sacked(const SackScoreboard& board, const Ack& a, SeqNum prior_fack, SeqNum none);
  // tcp_check_sack_reordering: `low` was delivered out of order below the highest SACKed.
  void check_reordering(SeqNum low, SeqNum fack, std::uint32_t mss);
};

// Counters Linux's tcp_info reports that no other part of the connection keeps (tcp.c
// tcp_get_info; tcp_output.c tcp_transmit_skb; tcp_ipv4.c tcp_segs_in).
struct TcpInfoCounters {
  std::uint64_t data_segments_sent = 0, data_segments_received = 0;
  std::uint64_t rcv_ooopack = 0;  // segments held out of order (tcp_data_queue_ofo)
  // Linux 6.7's RTO statistics (tcp_timer.c tcp_update_rto_stats, tcp_input.c
  // tcp_update_rto_time): timeouts, episodes of them, and the milliseconds spent
  // repairing them (the episode going on is counted from rto_stamp).
  std::uint32_t total_rto = 0, total_rto_recoveries = 0;
  std::uint64_t total_rto_time_ms = 0;
  Nanos rto_stamp = kNever;
  std::uint64_t bytes_retransmitted = 0;
  // FreeBSD's t_sndrexmitpack and t_sndzerowin (tcp_output.c): data segments sent again
  // (a window probe aside), and segments sent offering a zero window.
  std::uint64_t data_segments_retransmitted = 0, zero_windows_sent = 0;
  // A segment of `len` bytes (`pieces` segments) went again; a window probe is no resend
  // of data to FreeBSD.
  void on_resent(std::uint32_t len, std::uint32_t pieces, bool probe) {
    bytes_retransmitted += len;
    if (len > 0 && !probe) data_segments_retransmitted += pieces;
  }
  Nanos last_data_sent = 0, last_ack_received = 0;
  Nanos last_new_data_sent = 0;  // new data only (FreeBSD's t_sndtime)
  Nanos last_sent = 0;           // any segment (tcp_wstamp_ns)
  SegmentMarks marks;

  // A retransmission timeout that did not give up; `first`: the first since SND.UNA last
  // moved (icsk_retransmits was 0).
  void count_rto(Nanos now, bool first);
  // TCP_CA_Loss is over: the episode's time is added.
  void end_rto_episode(Nanos now);
  // The handshake completed after `timeouts` timeouts. A passive open's request socket
  // kept no statistics: its child counts them as one episode from the first SYN,ACK
  // (tcp_minisocks.c tcp_create_openreq_child). An active open's episode ends here with
  // SACK; without, the ACK of the SYN alone does not end TCP_CA_Loss (tcp_process_loss,
  // tcp_try_undo_recovery: held until something above it is acknowledged).
  void handshake_done(Nanos now, bool passive, int timeouts, Nanos first_sent, bool sack);
};

}  // namespace tcpsim::tcp
