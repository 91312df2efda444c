// The receiving half of a connection: the receive sequence variables (RFC 9293 §3.3.1),
// the in-order buffer and the reassembly queue, the window we advertise with receiver
// SWS avoidance (§3.8.6.2.2), and when an ACK is owed (§3.8.6.3, RFC 5681 §4.2). The
// connection asks it and tells it; it knows nothing of states or timers.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/chunk_queue.hpp"
#include "stack/tcp/payload_pool.hpp"
#include "stack/tcp/reassembly.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Receiver {
 public:
  // Bytes the buffer holds beyond its nominal size, because a scaled window is rounded
  // up to a multiple of 2^shift (shift <= 14).
  static constexpr std::uint32_t kWindowSlack = 1u << 14;

  explicit Receiver(std::uint32_t buffer) : buffer_(buffer), buf_(buffer + kWindowSlack) {}

  void set_pool(PayloadPool* p) { buf_.set_pool(p); }
  void set_buffer(std::uint32_t n);
  // IRS is the peer's ISN; RCV.NXT starts just after it.
  void start(SeqNum irs) {
    irs_ = irs;
    nxt_ = irs + 1;
  }

  SeqNum irs() const { return irs_; }
  SeqNum nxt() const { return nxt_; }
  std::uint32_t wnd() const { return wnd_; }
  // Free buffer space: the most we could offer.
  std::uint32_t space() const;
  // What the peer was last told it may send beyond RCV.NXT.
  std::uint32_t offered() const {
    return adv_ > nxt_ ? static_cast<std::uint32_t>(adv_ - nxt_) : 0;
  }
  // RFC 9293 §3.10.7.4: the segment acceptability test against the offered window.
  bool acceptable(SeqNum seq, std::uint32_t seg_len) const;

  // The window of a SYN (never scaled, RFC 7323 §2.2); note_syn_window records it as
  // advertised once the peer's SYN is known (RCV.NXT valid).
  std::uint32_t syn_window() const;
  void set_right_edge(std::uint32_t wnd) { adv_ = nxt_ + wnd; }
  void note_syn_window(std::uint32_t wnd) {
    set_right_edge(wnd);
    wnd_ = wnd;
  }
  void note_initial_window() { wnd_ = space(); }
  // The window for a segment going out, in bytes (a multiple of 2^shift): moves the right
  // edge only by at least min(buffer/2, mss) and never back.
  std::uint32_t advertise(std::uint32_t mss, std::uint8_t shift);

  // In-window text at `seq`: stores what fits, in order or held for later. Returns
  // whether it advanced RCV.NXT (then deliver() and count_segment() follow). `owner`,
  // when it holds exactly `data` and `fin` is false, may be taken over instead of copied.
  enum class Text : std::uint8_t { Held, InOrder, FilledGap };
  Text on_text(SeqNum seq, std::span<const std::uint8_t> data, bool fin,
               std::vector<std::uint8_t>* owner);
  // Moves reassembled blocks that became in order into the buffer. Returns true when a
  // FIN that arrived early now sits at RCV.NXT.
  bool deliver();
  // Counts a data segment for ACK every second segment; returns true when instead the
  // delayed-ACK timer should run (if it does not already).
  bool count_segment(bool filled_gap, Nanos delayed_ack_timeout);
  // The peer's FIN at `fin_at`: true when it is taken (it was at RCV.NXT).
  bool on_fin(SeqNum fin_at);
  SeqNum early_fin() const { return early_fin_; }

  // The application reads; returns the count. Asks for an ACK when the opened window is
  // worth announcing (receiver SWS avoidance).
  std::size_t read(std::span<std::uint8_t> out, std::uint32_t mss, bool synchronized);
  void shutdown_read();
  void discard() { buf_.consume(buf_.size()); }

  // ACK bookkeeping: one is owed at once; an ACK of RCV.NXT went out.
  void request_ack() { ack_now_ = true; }
  bool ack_owed() const { return ack_now_; }
  void on_ack_sent();
  void on_syn_ack_sent() { last_ack_sent_ = nxt_; }
  SeqNum last_ack_sent() const { return last_ack_sent_; }

  std::size_t sack_blocks(std::array<wire::SackBlock, 4>& out, std::size_t max) const;
  std::size_t queued() const { return buf_.size(); }
  bool fin_received() const { return fin_received_; }
  bool read_shut() const { return read_shutdown_; }
  std::uint64_t bytes_received() const { return bytes_received_; }

 private:
  std::uint32_t buffer_;  // SO_RCVBUF
  SeqNum irs_;
  SeqNum nxt_;
  SeqNum adv_;  // right edge of the window we last advertised (RCV.NXT + RCV.WND)
  std::uint32_t wnd_ = 0;
  SeqNum last_ack_sent_;
  ChunkQueue buf_;
  ReassemblyQueue reasm_;
  bool fin_received_ = false;  // the peer's FIN has been processed (at RCV.NXT)
  bool early_fin_seen_ = false;
  SeqNum early_fin_;  // a FIN that arrived ahead of missing data
  bool read_shutdown_ = false;
  bool ack_now_ = false;
  std::uint32_t unacked_segments_ = 0;  // data segments received since the last ACK
  std::uint64_t bytes_received_ = 0;
};

}  // namespace tcpsim::tcp
