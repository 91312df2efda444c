// The sending half of a connection: the send sequence variables (RFC 9293 §3.3.1), the
// send buffer and our FIN, the peer's window, what the next data segment is (Nagle,
// sender SWS avoidance, zero-window probes: §3.7.4, §3.8.6) and the bookkeeping once it
// leaves, with Karn's one timed segment (RFC 6298 §3). It is handed the loss-recovery
// part it consults; it knows nothing of states, timers or the receiving half.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "stack/base/time.hpp"
#include "stack/tcp/byte_ring.hpp"
#include "stack/tcp/loss_recovery.hpp"
#include "stack/tcp/rtt_estimator.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

// One data segment (perhaps empty with a FIN) the sender decided to send.
struct Transmission {
  SeqNum seq;
  std::uint32_t len = 0;
  bool fin = false;
  bool advance = true;   // moves SND.NXT (not a retransmission of SND.UNA)
  std::string_view why;  // for a retransmission: "timeout", "fast-retransmit", "probe"
};

class Sender {
 public:
  Sender(SeqNum iss, std::uint32_t buffer)
      : iss_(iss), una_(iss), nxt_(iss), max_(iss), sml_(iss), buf_(buffer) {}

  // ---- sequence variables ----
  SeqNum iss() const { return iss_; }
  SeqNum una() const { return una_; }
  SeqNum nxt() const { return nxt_; }
  SeqNum max() const { return max_; }  // the highest SND.NXT reached
  std::uint32_t wnd() const { return wnd_; }
  SeqNum wl1() const { return wl1_; }  // SND.WL1: the sequence number of the last window update
  bool syn_acked() const { return syn_acked_; }
  // First sequence number of buffered data: SND.UNA, or one past an unacknowledged SYN.
  SeqNum data_start() const { return syn_acked_ ? una_ : una_ + 1; }
  SeqNum data_end() const { return data_start() + static_cast<std::uint32_t>(buf_.size()); }
  // FlightSize: SND.MAX - SND.UNA.
  std::uint32_t in_flight() const { return static_cast<std::uint32_t>(max_ - una_); }
  SendSpace space() const { return {una_, max_, data_start(), data_end(), wnd_}; }

  // ---- the handshake ----
  // Our SYN (or SYN,ACK) goes out: SND.NXT = ISS + 1. With `fin` our FIN goes beside it
  // (FreeBSD's shutdown() before the handshake ends, TF_NEEDFIN): SND.NXT = ISS + 2.
  void on_syn_sent(bool fin = false);
  // The SYN was acknowledged: SND.WND = SEG.WND, SND.WL1 = SEG.SEQ, SND.WL2 = SEG.ACK.
  void on_syn_acked(std::uint32_t wnd, SeqNum seg_seq, SeqNum seg_ack);
  void set_una(SeqNum una) { una_ = una; }

  // ---- arriving ACKs ----
  // Largest window the peer has offered (RFC 5961 §5.2 and sender SWS avoidance).
  std::uint32_t max_wnd() const { return max_wnd_; }
  // SND.UNA moves to `ack` at `now`: what it covers leaves the buffer. Returns the bytes
  // acked.
  std::uint32_t acknowledge(SeqNum ack, Nanos now);
  // RFC 9293 §3.10.7.4: the window update, guarded by SND.WL1/SND.WL2 (and the kernels'
  // rule for a repeated ACK). Returns true when it opened a zero window.
  bool update_window(SeqNum seg_seq, SeqNum seg_ack, std::uint32_t wnd,
                     WindowRule rule = WindowRule::Rfc);
  // Where sending goes on: from SND.UNA after a window opens or a timeout (go-back-N), or
  // from SND.MAX when a timeout proves spurious (what was sent is in flight again).
  enum class From : std::uint8_t { Una, Max };
  void rewind(From from = From::Una) { nxt_ = from == From::Una ? una_ : max_; }

  // ---- the send buffer and our FIN ----
  ByteRing& buffer() { return buf_; }
  const ByteRing& buffer() const { return buf_; }
  void queue_fin() { fin_queued_ = true; }
  bool fin_queued() const { return fin_queued_; }
  // Our FIN was sent and sits at `end`.
  bool fin_ends_at(SeqNum end) const { return fin_sent_ && end == fin_seq_; }
  bool fin_acked() const { return fin_sent_ && una_ > fin_seq_; }
  void discard() { buf_.consume(buf_.size()); }

  // ---- what goes next ----
  struct Rules {
    std::uint32_t mss;
    bool sack;
    bool nagle;
    bool probe;       // one byte into a zero window
    bool force_runt;  // the SWS override timer fired: send a small segment
    // TCP_CORK / TCP_NOPUSH: hold every partial segment (but a FIN). With `cork_timer` and
    // nothing in flight the held runt starts the persist timer, which sends it (Linux's
    // tcp_check_probe_timer and tcp_write_wakeup, the "200 ms ceiling" of tcp(7);
    // FreeBSD's tcp_setpersist and TF_FORCEDATA).
    bool cork = false;
    bool cork_timer = false;
    bool minshall = true;  // TcpConfig::nagle_minshall
    bool idle = false;     // without Minshall: nothing was in flight as this output began
    // TSO: the longest super-segment of new data (0: one MSS). One whose last MSS is short
    // sends that part only when Nagle would send it alone (tcp_mss_split_point).
    std::uint32_t max_len = 0;
    // TSO: new data never goes beyond the end of its write-queue buffer (0: not known);
    // Nagle and sender SWS avoidance hold back only the last buffer, or what the window
    // cuts (tcp_nagle_test with TCP_NAGLE_PUSH for the others).
    std::uint32_t buffer_left = 0;
    bool buffer_is_last = true;
    // TSO: how much a resend from a sequence number may carry, the buffers it comes from
    // decide (0 or none: as new data; a fast retransmit takes at most one MSS of it).
    LossRecovery::ResendCap resend_cap = {};
    // A window closed on data in flight: Linux sends SND.UNA's segment again into it, one
    // MSS (__tcp_retransmit_skb); otherwise the persist timer probes it (persist is set).
    bool resend_into_closed_window = false;
  };
  // The next data segment, or nothing; `persist` is set when the persist timer should
  // run (a zero window, a window-limited runt held back, or a corked one).
  std::optional<Transmission> next(LossRecovery& recovery, const Rules& r, bool& persist);
  // A segment [seq, seq + len) (+ FIN) left at `now`. Returns whether it was a
  // retransmission. `time_it`: start Karn's timing if nothing is timed.
  bool on_sent(Nanos now, const Transmission& t, std::uint32_t mss, bool time_it);
  // RTT timing without timestamps.
  KarnTimer& karn() { return karn_; }

  // When the oldest unacknowledged data was first sent (the user timeout counts from it).
  Nanos unacked_since() const { return unacked_since_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  SeqNum iss_;
  SeqNum una_;
  SeqNum nxt_;
  SeqNum max_;
  SeqNum sml_;             // end of the last small segment sent (Nagle, Minshall's variant)
  std::uint32_t wnd_ = 0;  // already scaled
  SeqNum wl1_;
  SeqNum wl2_;
  std::uint32_t max_wnd_ = 0;
  bool syn_acked_ = false;

  ByteRing buf_;             // [SND.UNA, SND.UNA + size); the SYN and FIN are not in it
  bool fin_queued_ = false;  // CLOSE called: a FIN goes after the queued data
  bool fin_sent_ = false;
  SeqNum fin_seq_;  // sequence number of our FIN
  KarnTimer karn_;
  Nanos unacked_since_ = 0;
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace tcpsim::tcp
