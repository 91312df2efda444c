// Linux's receiver-side ACK engine on top of RFC 5681's "every second segment": quick-ACK
// mode from the first data on, ping-pong (interactive) mode, and the adaptive delayed-ACK
// timeout, the ATO (include/net/inet_connection_sock.h icsk_ack; tcp_input.c
// tcp_incr_quickack, tcp_in_quickack_mode, tcp_event_data_recv, tcp_measure_rcv_mss;
// tcp_output.c tcp_send_delayed_ack, tcp_event_data_sent, tcp_dec_quickack_mode; tcp_timer.c
// tcp_delack_timer_handler). Off (max_quickacks 0) it only keeps the receive MSS estimate
// and the time of the last data, for tcp_info.
#pragma once

#include <cstdint>

#include "stack/base/time.hpp"

namespace tcpsim::tcp {

// The segment's shape, for tcp_measure_rcv_mss's estimate from segments smaller than
// the last one: its TCP header's length, the length of ours (20, or 32 with timestamps),
// and whether it carries PSH, URG, FIN or SYN (TCP_REMNANT: it may be short on purpose).
struct SegmentShape {
  std::uint32_t header_len = 20;
  std::uint32_t our_header_len = 20;
  bool remnant = true;
  bool push = false;  // PSH: a full-sized one is likely the end of a write
};

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
  void on_data(Nanos now, std::uint32_t len, std::uint32_t advmss, std::uint32_t rcv_wnd, Nanos rto,
               SegmentShape shape = {});
  // tcp_enter_quickack_mode: data sent again, or outside the window, arrived (the sender
  // may be repairing a loss): quick ACKs again, not interactive, the ATO at its floor.
  // `most`: at most that many quick ACKs from this call (tcp_enter_quickack_mode's
  // max_quickacks; TCP_MAX_QUICKACKS when not given).
  void enter(std::uint32_t rcv_wnd, std::uint32_t most = ~0u);
  // tcp_grow_window opened the window: at least one more quick ACK (icsk_ack.quick |= 1).
  void on_window_grew() {
    if (max_ != 0) quick_ |= 1;
  }
  // __tcp_select_window found under half the buffer free: quick-ACK mode ends.
  void leave() { quick_ = 0; }
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
  // TCP_QUICKACK: inet_csk_enter_pingpong_mode / inet_csk_exit_pingpong_mode.
  void set_pingpong(bool on) { pingpong_ = on; }
  // Our SYN was acknowledged: true when the ACK that completes the handshake waits up to
  // TCP_DELACK_MAX for data to carry it, on an interactive socket (TCP_QUICKACK 0), and
  // quick-ACK mode starts (tcp_input.c tcp_rcv_synsent_state_process).
  bool hold_handshake_ack(std::uint32_t rcv_wnd) {
    if (max_ == 0 || !pingpong_) return false;
    enter(rcv_wnd);
    return true;
  }
  // A short segment came since the last ACK (ICSK_ACK_PUSHED; two: ICSK_ACK_PUSHED2), so a
  // read that empties the buffer sends the ACK (tcp_cleanup_rbuf), when not interactive
  // for just one.
  bool read_acks_push() const { return pushed_ >= 2 || (pushed_ == 1 && !pingpong_); }
  Nanos last_data_received() const { return lrcvtime_; }

 private:
  void incr_quickack(std::uint32_t rcv_wnd, std::uint32_t most = ~0u);

  std::uint32_t max_;
  std::uint32_t quick_ = 0;
  std::uint32_t rcv_mss_ = kDefaultMss;
  Nanos ato_ = 0;  // 0 until the first data
  Nanos lrcvtime_ = 0;
  std::uint32_t last_seg_size_ = 0;  // icsk_ack.last_seg_size
  std::uint8_t pushed_ = 0;
  bool pingpong_ = false;
};

}  // namespace tcpsim::tcp
