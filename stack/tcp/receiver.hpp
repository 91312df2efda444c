// The receiving half of a connection: the receive sequence variables (RFC 9293 §3.3.1),
// the in-order buffer and the reassembly queue, the window we advertise with receiver
// SWS avoidance (§3.8.6.2.2), and when an ACK is owed (§3.8.6.3, RFC 5681 §4.2). The
// connection asks it and tells it; it knows nothing of states or timers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/chunk_queue.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/freebsd_sack.hpp"
#include "stack/tcp/linux_window.hpp"
#include "stack/tcp/payload_pool.hpp"
#include "stack/tcp/reassembly.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Receiver {
 public:
  // Bytes the buffer holds beyond its nominal size, because a scaled window is rounded
  // up to a multiple of 2^shift (shift <= 14).
  static constexpr std::uint32_t kWindowSlack = 1u << 14;

  // dsack: report duplicate segments in the first SACK block (RFC 2883). freebsd_reass:
  // FreeBSD's tcp_reass checks on FINs and its socket-buffer space (TcpConfig::freebsd_reass).
  Receiver(std::uint32_t buffer, bool dsack, bool freebsd_reass = false)
      : buffer_(buffer),
        buf_(buffer + kWindowSlack),
        dsack_(dsack),
        freebsd_reass_(freebsd_reass),
        freebsd_sack_(freebsd_reass && dsack) {}

  void set_pool(PayloadPool* p) { buf_.set_pool(p); }
  // SO_RCVBUF, and Linux's TCP_WINDOW_CLAMP (0: none): the SYN's window is at most the
  // clamp, and under the Linux window rule so is every window. A clamp set (`clamp_set`)
  // once the window has started replaces the one in force: rcv_ssthresh narrows to it, or
  // may grow to it (tcp_set_window_clamp).
  void set_buffer(std::uint32_t n, std::uint32_t window_clamp = 0, bool clamp_set = false);
  // IRS is the peer's ISN; RCV.NXT starts just after it.
  void start(SeqNum irs) {
    irs_ = irs;
    nxt_ = irs + 1;
  }

  SeqNum irs() const { return irs_; }
  SeqNum nxt() const { return nxt_; }
  std::uint32_t wnd() const { return wnd_; }
  // Free buffer space: the most we could offer.
  // (FreeBSD's sbspace of the socket buffer: its reassembly queue is apart, so text held
  // out of order takes none of it; freebsd_reass_ marks that profile.)
  std::uint32_t space() const {
    std::size_t used = buf_.size() + (freebsd_reass_ ? 0 : reasm_.bytes());
    return used >= buffer_ ? 0 : static_cast<std::uint32_t>(buffer_ - used);
  }
  // What the peer was last told it may send beyond RCV.NXT.
  std::uint32_t offered() const {
    return adv_ > nxt_ ? static_cast<std::uint32_t>(adv_ - nxt_) : 0;
  }
  // RFC 9293 §3.10.7.4: the segment acceptability test against the offered window.
  // `freebsd`: the window is the free space when that is more than what was offered
  // (tcp_input.c: rcv_wnd = imax(sbspace, rcv_adv - rcv_nxt)).
  bool acceptable(SeqNum seq, std::uint32_t seg_len, bool freebsd = false) const;

  // The window of a SYN (never scaled, RFC 7323 §2.2, so at most 65535); with `unit`, a
  // whole number of units when the space holds more than one (Linux's
  // tcp_select_initial_window rounds to the MSS). Not `capped`: the window Linux starts
  // from (tp->rcv_wnd), of which the SYN's field says at most 65535.
  std::uint32_t syn_window(std::uint32_t unit = 0, bool capped = true) const;
  // Linux's window starts once the SYNs are exchanged, from our MSS (tp->advmss: less the
  // timestamp option when agreed) and our agreed shift (LinuxWindow::start).
  struct SynDone {
    std::uint32_t advmss;
    std::uint8_t shift;
  };
  // The peer's SYN arrived in SYN-SENT: IRS = SEG.SEQ (start), and our window reaches as
  // far as our SYN offered.
  void note_peer_syn(SeqNum irs, std::uint32_t unit, SynDone d) {
    start(irs);
    adv_ = nxt_ + syn_window(unit);
    linux_.start(syn_window(unit, false), buffer_, d.advmss, d.shift, window_clamp_);
  }
  // Our SYN,ACK went out, its window rounded to `unit`, acknowledging the peer's SYN.
  void note_syn_ack(std::uint32_t unit, SynDone d) {
    wnd_ = syn_window(unit);
    adv_ = nxt_ + wnd_;
    last_ack_sent_ = nxt_;
    linux_.start(syn_window(unit, false), buffer_, d.advmss, d.shift, window_clamp_);
  }
  void note_initial_window() { wnd_ = space(); }

  // The window for a segment going out, in bytes (a multiple of 2^shift), by `rule`; it
  // never moves the right edge back. `rcv_mss` is the peer's MSS as estimated (Linux).
  struct Advert {
    std::uint32_t wnd;
    bool low_space;  // Linux: under half the buffer free (quick-ACK mode ends)
  };
  Advert advertise(std::uint32_t mss, std::uint8_t shift, WindowRule rule,
                   std::uint32_t rcv_mss = 0);

  // In-window text at `seq`: stores what fits, in order or held for later, and moves
  // reassembled blocks that became in order into the buffer. `owner`, when it holds
  // exactly `data` and `fin` is false, may be taken over instead of copied.
  // FlushFirst: nothing was taken; the ACK Linux's SACK compression holds must go first,
  // with the SACK blocks as they are, and then the segment is offered again.
  enum class Text : std::uint8_t { Held, InOrder, FilledGap, FlushFirst };
  struct TextResult {
    Text text;
    bool fin_ready;    // a FIN that arrived ahead of missing data now sits at RCV.NXT
    bool delayed_ack;  // no ACK at once: the delayed-ACK timer should run
    bool grew;         // Linux's rcv_ssthresh rose
    bool compress;     // Linux's SACK compression holds the ACK owed for its timer
    bool quick_ended;  // Linux: the window chosen ended quick-ACK mode (low space)
  };
  // When an ACK goes at once: with no delayed-ACK timeout (0), else every second segment
  // or, by Linux's rule (__tcp_ack_snd_check), once more than one of the peer's segments
  // (`rcv_mss`) is unacknowledged and the window would not shrink.
  // By Linux's rule, data of 128 bytes or more in order, or any held with SACK on, opens
  // the window (tcp_grow_window); TextResult::grew says so, and the segment is then
  // acknowledged at once when `quick_on_growth` (quick-ACK mode possible: not interactive).
  struct AckRule {
    Nanos delayed_ack_timeout;
    bool linux_rule;
    std::uint32_t rcv_mss;  // the peer's MSS as estimated, this segment included
    std::uint8_t shift;
    std::uint32_t advmss;
    bool sack;
    bool quick_on_growth;
    bool quickack_mode;          // in quick-ACK mode now (tcp_in_quickack_mode)
    std::uint32_t comp_sack_nr;  // TcpConfig::comp_sack_nr (0: no SACK compression)
    // FreeBSD's DELAY_ACK (tcp_input.c): no delayed ACK for text longer than t_maxseg
    // (this, 0: any length), nor after a zero window was advertised (TF_RXWIN0SENT), nor,
    // with SACK, for text overlapping RCV.NXT (its D-SACK goes at once: TF_ACKNOW).
    std::uint32_t freebsd_maxseg = 0;
    bool freebsd_window = false;  // text is kept up to the free space, past the offered edge
  };
  TextResult on_text(SeqNum seq, std::span<const std::uint8_t> data, bool fin,
                     std::vector<std::uint8_t>* owner, const AckRule& ack);
  // The peer's FIN at `fin_at`: true when it is taken (it was at RCV.NXT). `ack_now`: it
  // is acknowledged at once (else as a delayed ACK). Data held past a FIN, and the SACK
  // blocks for it, are dropped when the FIN is taken (Linux's tcp_fin purges the queue;
  // nothing comes after a FIN, RFC 9293 §3.10.7.4). Under FreeBSD's tcp_reass a FIN ending
  // before held data, or whose segment on_text found wholly held already, is dropped (an
  // ACK at once).
  bool on_fin(SeqNum fin_at, bool ack_now = true);

  // The application reads; returns the count. Asks for an ACK when the opened window is
  // worth announcing (receiver SWS avoidance; with WindowRule::Linux, tcp_cleanup_rbuf).
  struct ReadRule {
    std::uint32_t mss;  // Eff.snd.MSS
    bool may_widen;     // synchronized, and the window field can say a wider window
    WindowRule rule;
    std::uint32_t rcv_mss;        // the peer's MSS as estimated (Linux)
    std::uint8_t shift;           // Rcv.Wind.Shift (Linux)
    bool pushed;                  // QuickAck::read_acks_push (Linux)
    bool delack_pending = false;  // a delayed ACK will carry the window (FreeBSD's TF_DELACK)
  };
  std::size_t read(std::span<std::uint8_t> out, const ReadRule& r);
  // Reading stops (SHUT_RD, or the connection is gone): what is buffered and what comes
  // is dropped (`discard`), or kept for reads until the queue is empty (Linux's SHUT_RD).
  void shutdown_read(bool discard = true);

  // ACK bookkeeping: one is owed at once; an ACK of RCV.NXT went out. on_ack_sent says
  // whether text or a FIN had come since the last ACK (Linux's inet_csk_ack_scheduled):
  // an ACK asked for otherwise (a window update after a read, a duplicate ACK for a
  // segment refused) does not use up a quick ACK (tcp_dec_quickack_mode).
  // `scheduled`: as Linux's inet_csk_schedule_ack (refused data that reached tcp_data_queue).
  void request_ack(bool scheduled = false) {
    ack_now_ = true;
    ack_scheduled_ = ack_scheduled_ || scheduled;
  }
  bool ack_owed() const { return ack_now_; }
  bool on_ack_sent();
  SeqNum last_ack_sent() const { return last_ack_sent_; }

  // A duplicate [start, end) arrived: the next ACK reports it (the first one only).
  // `extend`: joins a duplicate already noted when they meet (Linux's tcp_dsack_extend).
  // Under FreeBSD's rules (freebsd_reass with D-SACK) it goes into that kernel's SACK list
  // instead (FreeBsdSackList::update, the part of a segment below RCV.NXT).
  void note_duplicate(SeqNum start, SeqNum end, bool extend = false);
  // The SACK blocks of the next ACK: a D-SACK block first when a duplicate arrived since
  // the last ACK (RFC 2883 §4), then the blocks held out of order (RFC 2018 §4). Under
  // FreeBSD's rules, the first blocks of its SACK list.
  std::size_t sack_blocks(std::array<wire::SackBlock, 4>& out, std::size_t max) const;
  std::size_t queued() const { return buf_.size(); }
  bool fin_received() const { return fin_received_; }
  bool read_shut() const { return read_shutdown_; }
  // For tcp_info: bytes taken in order, and Linux's rcv_ssthresh (kept under every rule,
  // used by WindowRule::Linux only).
  struct Stats {
    std::uint64_t bytes_received;
    std::uint32_t rcv_ssthresh;
    std::uint32_t window_clamp;  // Linux's tp->window_clamp once the window started, else as set
    std::size_t held;            // bytes held out of order
  };
  Stats stats() const {
    return {bytes_received_, linux_.ssthresh(), linux_.started() ? linux_.clamp() : window_clamp_,
            reasm_.bytes()};
  }

 private:
  // `linux_rule`: text past the offered window kept as memory allows, and overlaps with
  // held data D-SACKed. `maxseg`: FreeBSD's t_maxseg, for its reassembly queue's limit.
  Text store(SeqNum seq, std::span<const std::uint8_t> data, bool fin,
             std::vector<std::uint8_t>* owner, bool linux_rule, bool to_space,
             std::uint32_t maxseg);

  std::uint32_t buffer_;            // SO_RCVBUF
  std::uint32_t window_clamp_ = 0;  // TCP_WINDOW_CLAMP as set (0: none)
  SeqNum irs_;
  SeqNum nxt_;
  SeqNum adv_;  // right edge of the window we last advertised (RCV.NXT + RCV.WND)
  std::uint32_t wnd_ = 0;
  SeqNum last_ack_sent_;
  ChunkQueue buf_;
  ReassemblyQueue reasm_;
  bool fin_received_ = false;        // the peer's FIN has been processed (at RCV.NXT)
  std::optional<SeqNum> early_fin_;  // a FIN that arrived ahead of missing data, not yet taken
  bool read_shutdown_ = false;
  bool discard_ = false;  // text is dropped, not queued
  bool ack_now_ = false;
  bool ack_scheduled_ = false;          // text or a FIN since the last ACK (ICSK_ACK_SCHED)
  std::uint32_t unacked_segments_ = 0;  // data segments received since the last ACK
  // Linux's SACK compression: RCV.NXT when the count began, duplicate ACKs sent at it,
  // and ACKs held back since the last one sent (compressed_ack_rcv_nxt, dup_ack_counter,
  // compressed_ack).
  struct SackCompression {
    SeqNum nxt;
    std::uint32_t dupacks = 0;
    std::uint32_t held = 0;
    // __tcp_ack_snd_check for an out-of-order segment it may hold: the first three at one
    // RCV.NXT are acknowledged at once (TCP_FASTRETRANS_THRESH), later ones held.
    bool hold(SeqNum rcv_nxt) {
      if (nxt != rcv_nxt) {
        nxt = rcv_nxt;
        dupacks = 0;
      }
      if (dupacks < 3) {
        ++dupacks;
        return false;
      }
      ++held;
      return true;
    }
  };
  SackCompression comp_;
  std::uint64_t bytes_received_ = 0;
  bool dsack_;
  bool freebsd_reass_;
  // FreeBSD's SACK list (tp->sackblks) replaces the blocks derived from the queue.
  bool freebsd_sack_;
  FreeBsdSackList freebsd_blocks_;
  bool fin_dropped_ = false;  // FreeBSD: on_text dropped the FIN of the segment it took
  LinuxWindow linux_;
  bool dsack_pending_ = false;
  wire::SackBlock dsack_block_{};
};

// The window of a segment FreeBSD builds with tcp_respond (challenge ACKs, keep-alive
// probes): the buffer's space, at most what the scale can say, shifted down without
// tcp_output's rounding up or its silly-window rule.
inline std::uint16_t respond_window(const Receiver& rcv, std::uint8_t shift) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(rcv.space(), 65535u << shift) >> shift);
}

}  // namespace tcpsim::tcp
