// TSO/GSO as Linux sizes it (net/ipv4/tcp_output.c): with a device that segments for it,
// Linux hands over one super-segment of several MSS where it would otherwise send
// several segments. How long one is, and when Linux waits for an ACK rather than send a
// short one, are pure functions of the connection's state, kept here.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "stack/base/time.hpp"

#include "stack/tcp/config.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

// The largest GSO super-segment Linux builds: the device's gso_max_size (65536) less
// MAX_TCP_HEADER (320 on x86-64) and one (net/core/sock.c sk_setup_caps).
constexpr std::uint32_t kGsoMaxSize = 65536 - 320 - 1;

// What Linux's sizing reads of a connection, in bytes and nanoseconds.
struct TsoView {
  std::uint32_t mss = 0;        // mss_cache: a full segment's payload with the options in use
  std::uint32_t cwnd = 0;       // the congestion window
  std::uint32_t ssthresh = 0;   // the slow-start threshold
  std::uint32_t in_flight = 0;  // sent and not acknowledged
  std::uint32_t max_wnd = 0;    // the largest window the peer offered (max_window)
  Nanos srtt = 0;               // 0: no RTT sample yet
  Nanos min_rtt = 0;            // 0: no RTT sample yet
};

// tcp_update_pacing_rate: bytes per second, 200 % of cwnd·MSS/SRTT in slow start (cwnd
// under half ssthresh), 120 % after. 0 while there is no RTT sample (sk_pacing_rate is
// still ~0: unlimited).
std::uint64_t tso_pacing_rate(const TcpConfig& c, const TsoView& v);

// tcp_tso_segs / tcp_tso_autosize: how many MSS one super-segment may hold: about 1 ms
// of data at the pacing rate (sk_pacing_shift 10), plus gso_max_size halved for every
// 2^tso_rtt_log µs of min RTT, at most gso_max_size, at least min_tso_segs.
std::uint32_t tso_segs(const TcpConfig& c, const TsoView& v);

// tcp_bound_to_half_wnd (include/net/tcp.h): Linux sends at most half the largest window
// the peer offered (the whole of it when that is 536 bytes or less; no bound before any
// window), but never under 68 bytes less the TCP header (`header_len`: 20, 32 with
// timestamps). tcp_sync_mss applies it to mss_cache once the handshake gave a window, and
// again each time the window grows past the largest (tcp_ack_update_window).
std::uint32_t half_window_bound(std::uint32_t len, std::uint32_t max_wnd, std::uint32_t header_len);

// tcp_xmit_size_goal with tcp_bound_to_half_wnd: the most one write queue buffer (skb)
// holds, a whole number of MSS, at least one: gso_max_size, but no more than half the
// largest window the peer offered.
std::uint32_t tso_size_goal(std::uint32_t mss, std::uint32_t max_wnd);

// The longest super-segment that may leave now, before the windows are applied:
// min(size goal, tso_segs MSS, tcp_cwnd_test's half cwnd (at least one MSS)).
std::uint32_t tso_max_len(const TcpConfig& c, const TsoView& v);

// The longest resend of sent data whose buffer has `left` bytes from where it starts
// (TsoQueue::left_in_sent, more than 0): min(size goal, tso_segs MSS, the buffer, at
// least one MSS), without new data's half-cwnd bound (tcp_xmit_retransmit_queue).
std::uint32_t tso_resend_len(const TcpConfig& c, const TsoView& v, std::uint32_t left);

// A write as TsoQueue::on_write takes it.
struct TsoWrite {
  SeqNum first_unsent;        // data before it has left
  SeqNum end;                 // where the write's bytes end
  std::uint32_t n = 0;        // how many it queued
  std::uint32_t goal = 0;     // the size goal of the moment (tso_size_goal)
  std::uint32_t max_wnd = 0;  // the largest window the peer offered (forced_push)
  bool eor = false;           // Linux's MSG_EOR: later data never joins its last buffer
  bool push = true;           // tcp_push marks its end with PSH (false: MSG_MORE)
  bool resume = false;        // SendFlags::resume: the buffer it joins keeps its mark
};

// The buffers (skbs) of Linux's write queue that hold data not yet sent, by where each
// ends. A write fills the last one up to the size goal of the moment and starts new ones
// beyond it (tcp.c tcp_sendmsg_locked); one super-segment never spans two (tcp_write_xmit
// splits a buffer with tso_fragment, never joins two).
//
// PSH is a mark on a buffer, kept where its data goes (tso_fragment and tcp_fragment move
// it to the last piece), so it is kept here as the sequence numbers where marked buffers
// end. A write marks its last buffer (tcp_push -> tcp_mark_push) unless MSG_MORE, and one
// it fills to the size goal when more than half the peer's largest window was written
// since the last mark (forced_push); a write whose first bytes join a buffer clears that
// buffer's mark (tcp_sendmsg_locked). A resend keeps the mark its data left with.
class TsoQueue {
 public:
  // The write `w` was queued: it fills the last unsent buffer up to the size goal unless
  // a write with `eor` (TCP_SKB_CB(skb)->eor) ended it: tcp_skb_can_collapse_to.
  void on_write(const TsoWrite& w);
  // Bytes from `seq`, the first unsent byte, to the end of its buffer (0: not known).
  std::uint32_t left_in_buffer(SeqNum seq);
  // Whether the last write's first bytes joined the last unsent buffer.
  bool last_write_joined() const { return last_joined_; }
  // Whether `end` ends a write with `eor`: its buffer takes no more data.
  bool ends_record(SeqNum end) const;
  // Whether data in (seq, end] carries a PSH mark: a segment [seq, end) goes with PSH.
  bool pushed(SeqNum seq, SeqNum end) const;
  // Marks the buffer ending at `end` with PSH (also tcp_write_wakeup's pushed probe, which
  // moves pushed_seq to the end of what it sends: `advance`).
  void mark_pushed(SeqNum end, bool advance = false);

  // Data left ending at `end`, new or resent; nothing below `una` is kept. The buffers
  // stay as they left in the retransmission queue (tso_fragment splits new data where a
  // super-segment ends, tcp_fragment a buffer resent in part), and a resend never spans
  // two of them (tcp_retransmit_skb; tcp_xmit_retransmit_queue sends each on its own)
  // unless they are short enough to be joined (resend_span).
  // `buffer_ends_only`: without TSO the device's software segmentation (GSO) cuts a
  // buffer into MSS-sized segments, and the buffer, not each segment, is what a resend
  // starts from: only a segment that ends a buffer records where one ends.
  void on_sent(SeqNum end, SeqNum una, bool buffer_ends_only = false);
  // Bytes from `seq`, sent before, to the end of its buffer as it left (0: not known).
  std::uint32_t left_in_sent(SeqNum seq) const;
  // tcp_retrans_try_collapse: a resend from `seq` whose buffer is shorter than `space`
  // (the window left from `seq`, at most one MSS) takes the sent buffers after it whole
  // while they fit, but none past the end of a write with `eor` (tcp_skb_can_collapse).
  // Returns the bytes it covers (0: not known).
  std::uint32_t resend_span(SeqNum seq, std::uint32_t space) const;

 private:
  std::deque<SeqNum> ends_;
  std::deque<SeqNum> sent_ends_;      // ascending
  bool tail_eor_ = false;             // the last buffer takes no more data
  std::deque<SeqNum> eor_ends_;       // ascending: where writes with `eor` ended
  std::deque<SeqNum> push_ends_;      // ascending: where buffers marked with PSH end
  std::optional<SeqNum> pushed_seq_;  // tp->pushed_seq: where the last mark was set
  bool last_joined_ = false;
};

// tcp_tso_should_defer's inputs beside the view.
struct TsoDeferCheck {
  Nanos now = 0;
  Nanos last_sent = 0;         // tcp_wstamp_ns: when the connection last sent anything
  Nanos head_sent = -1;        // when the oldest unacknowledged segment was sent; -1: none
  bool in_recovery = false;    // icsk_ca_state >= TCP_CA_Recovery
  std::uint32_t send_win = 0;  // from the buffer's first unsent byte to the window's end
  std::uint32_t cong_win = 0;  // what cwnd leaves, in whole MSS
  std::uint32_t snd_wnd = 0;   // the peer's window
  std::uint32_t skb_len = 0;   // the buffer that would go (TsoQueue)
  bool tail = true;            // that buffer runs to the end of the queued data
  bool fin = false;            // and carries our FIN
};

// tcp_tso_should_defer ("a kind of TSO Nagle test"): wait for the next ACK rather than
// send less than a full super-segment when something left within the last millisecond,
// the window open is small (under a third of min(snd_wnd, cwnd)), and the oldest segment
// in flight has been out at least half an SRTT.
bool tso_should_defer(const TcpConfig& c, const TsoView& v, const TsoDeferCheck& d);

// What the device does with a super-segment (net/ipv4/tcp_offload.c tcp_gso_segment):
// pieces of gso_size payload bytes, each with the header and options copied and its
// sequence number moved on; FIN and PSH stay on the last piece only, CWR on the first.
// An ordinary segment is appended as it is.
void gso_segment(IpSegment s, std::vector<IpSegment>& out);
// Every super-segment among `segments` cut so, in place (nothing to do: untouched).
void gso_segment_all(std::vector<IpSegment>& segments);

}  // namespace tcpsim::tcp
