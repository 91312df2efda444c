// Linux's receiver-side ACK engine on top of RFC 5681's "every second segment": quick-ACK
// mode from the first data on, ping-pong (interactive) mode, and the adaptive delayed-ACK
// timeout, the ATO (include/net/inet_connection_sock.h icsk_ack; tcp_input.c
// tcp_incr_quickack, tcp_in_quickack_mode, tcp_event_data_recv, tcp_measure_rcv_mss;
// tcp_output.c tcp_send_delayed_ack, tcp_event_data_sent, tcp_dec_quickack_mode; tcp_timer.c
// tcp_delack_timer_handler). Off (max_quickacks 0) it only keeps the receive MSS estimate
// and the time of the last data, for tcp_info.
#pragma once

#include <cstdint>
#include <deque>

#include "stack/base/time.hpp"
#include "stack/tcp/sack_scoreboard.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class QuickAck {
 public:
  static constexpr Nanos kAtoMin = 40 * kMillisecond;      // TCP_ATO_MIN
  static constexpr Nanos kDelackMax = 200 * kMillisecond;  // TCP_DELACK_MAX
  static constexpr Nanos kMaxAto = 500 * kMillisecond;     // HZ / 2
  static constexpr std::uint32_t kMinMss = 88;             // TCP_MIN_MSS
  static constexpr std::uint32_t kDefaultMss = 536;        // TCP_MSS_DEFAULT

  explicit QuickAck(std::uint32_t max_quickacks = 0) : max_(max_quickacks) {}

  // The handshake completed (tcp_initialize_rcv_mss): the first estimate of the peer's MSS
  // from ours, the send MSS and the window we offer.
  void start(Nanos now, std::uint32_t advmss, std::uint32_t send_mss, std::uint32_t rcv_wnd);
  // In-order data of `len` bytes arrived (tcp_measure_rcv_mss, tcp_event_data_recv);
  // `rcv_wnd` is the window last offered.
  void on_data(Nanos now, std::uint32_t len, std::uint32_t advmss, std::uint32_t rcv_wnd,
               Nanos rto);
  // tcp_in_quickack_mode: acknowledge every segment at once.
  bool active() const { return quick_ > 0 && !pingpong_; }
  // An ACK left; `owed`: it acknowledged something not yet acknowledged.
  void on_ack_sent(bool owed);
  // We sent data: a reply within the ATO of the last data in makes the connection
  // interactive (ping-pong), where ACKs are delayed again.
  void on_data_sent(Nanos now);
  // The delayed-ACK timeout to arm now (tcp_send_delayed_ack), given the smoothed RTT.
  Nanos delack_timeout(Nanos srtt) const;
  // The delayed-ACK timer fired with an ACK owed (tcp_delack_timer_handler).
  void on_delack_timer(Nanos rto);

  bool on() const { return max_ != 0; }
  std::uint32_t rcv_mss() const { return rcv_mss_; }
  std::uint32_t quick() const { return quick_; }
  Nanos ato() const { return ato_; }
  bool pingpong() const { return pingpong_; }
  Nanos last_data_received() const { return lrcvtime_; }

 private:
  void incr_quickack(std::uint32_t rcv_wnd);

  std::uint32_t max_;
  std::uint32_t quick_ = 0;
  std::uint32_t rcv_mss_ = kDefaultMss;
  Nanos ato_ = 0;  // 0 until the first data
  Nanos lrcvtime_ = 0;
  bool pingpong_ = false;
};

class Rack;

// Linux's per-segment marks on its retransmission queue, for tcp_info's tcpi_retrans
// (retrans_out), tcpi_lost (lost_out) and tcpi_delivered (delivered): every segment sent
// and not yet acknowledged, with whether it was SACKed, marked lost or sent again and not
// marked lost since (tcp_input.c tcp_sacktag_one, tcp_clean_rtx_queue, tcp_mark_skb_lost,
// tcp_timeout_mark_lost, tcp_newreno_mark_lost; tcp_output.c tcp_retransmit_skb).
struct SegmentMarks {
  struct Entry {
    SeqNum start, end;
    Nanos sent_at = 0;  // its last (re)transmission (the skb's tstamp)
    bool retransmitted = false, sacked = false, lost = false;
    bool ever_resent = false;  // TCPCB_EVER_RETRANS
  };

  std::deque<Entry> queue;      // ascending, [start, end) of each segment sent
  std::uint64_t delivered = 0;  // segments acknowledged or SACKed, each once
  std::uint32_t retrans_out = 0, lost_out = 0;
  std::uint32_t reno_sacked = 0;  // without SACK: duplicate ACKs counted as SACKed segments

  // [seq, end) left at `now`; `again`: a retransmission.
  void on_sent(Nanos now, SeqNum seq, SeqNum end, bool again);
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
  };
  // Segments acknowledged or SACKed are delivered; without SACK each duplicate ACK stands
  // for one (tcp_add_reno_sack, tcp_remove_reno_sacks). During recovery the segment at
  // SND.UNA is lost, and with SACK every one the scoreboard deems lost (RFC 6675 IsLost).
  void on_ack(const Ack& a, const SackScoreboard& board);
  // tcp_mark_skb_lost: lost (once), and no longer counted as retransmitted.
  void mark_lost(Entry& e);
  // A retransmission timeout: every segment not SACKed is lost, none counts as resent.
  void on_timeout();
  // An undone reduction (tcp_undo_cwnd_reduction with unmark_loss): nothing is lost.
  void unmark_lost();

 private:
  void forget(const Entry& e);
  void count_reno(std::uint32_t acked, bool duplicate);
  void mark_sacked(const SackScoreboard& board, const Ack& a);
};

// Counters Linux's tcp_info reports that no other part of the connection keeps (tcp.c
// tcp_get_info; tcp_output.c tcp_transmit_skb; tcp_ipv4.c tcp_segs_in).
struct TcpInfoCounters {
  std::uint64_t data_segments_sent = 0, data_segments_received = 0;
  std::uint64_t bytes_retransmitted = 0;
  Nanos last_data_sent = 0, last_ack_received = 0;
  Nanos last_sent = 0;  // any segment (tcp_wstamp_ns)
  SegmentMarks marks;
};

}  // namespace tcpsim::tcp
