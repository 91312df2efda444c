// Linux's receive window (net/ipv4/tcp_output.c __tcp_select_window, tcp_select_window,
// tcp_select_initial_window; tcp_input.c tcp_grow_window, tcp_init_buffer_space).
// rcv_ssthresh starts at the window our SYN chose before its field's 65535 cap (since
// Linux 6.10 and the stable kernels given commit 378979e94e95), held to the clamp: the
// buffer's window space less one segment. Segments that arrive raise it by about two
// segments each while it is below the clamp and the free space. A scaled window is the
// free space, at most rcv_ssthresh, rounded up to the scale's unit; an unscaled one is a
// whole number of the peer's MSS. Under half the buffer free, quick-ACK mode ends and,
// below a sixteenth or one segment, the window offered is zero.
//
// Space is counted in data bytes here. Linux counts the memory its buffers take
// (skb->truesize), so its free space runs out sooner than tcpsim's.
#pragma once

#include <cstdint>

namespace tcpsim::tcp {

class LinuxWindow {
 public:
  // The SYNs are exchanged: ours chose `syn_wnd` (tcp_select_initial_window's rcv_wnd,
  // before the field's cap), our shift is agreed (0 without scaling), `full` is the
  // buffer's window space (tcp_full_space) and `advmss` the MSS we announced. The clamp
  // is set as tcp_init_buffer_space sets it once the connection is established.
  // `user_clamp`: TCP_WINDOW_CLAMP (0: none), which the clamp never exceeds.
  void start(std::uint32_t syn_wnd, std::uint32_t full, std::uint32_t advmss, std::uint8_t shift,
             std::uint32_t user_clamp = 0);
  bool started() const { return started_; }
  // TCP_WINDOW_CLAMP once started (tcp_set_window_clamp): a narrower clamp brings
  // rcv_ssthresh down to it, a wider one lets it reach min(the window offered, the clamp).
  void set_clamp(std::uint32_t clamp, std::uint32_t rcv_wnd);
  // `len` bytes of data arrived, in order or held out of order (tcp_grow_window); `space`
  // is the free space once they are stored and `rcv_mss` the peer's MSS as estimated on
  // them. True when rcv_ssthresh rose: Linux then acknowledges the segment at once
  // (icsk_ack.quick |= 1).
  bool grow(std::uint32_t len, std::uint32_t space, std::uint32_t advmss, std::uint32_t rcv_mss);

  struct Choice {
    std::uint32_t window;  // bytes, before the rule that the offered window never shrinks
    bool low_space;        // under half the buffer free: quick-ACK mode ends
  };
  // __tcp_select_window: `free` and `full` in bytes, `rcv_mss` the peer's MSS estimate,
  // `last` the window chosen last time (tp->rcv_wnd).
  Choice select(std::uint32_t free, std::uint32_t full, std::uint32_t rcv_mss, std::uint8_t shift,
                std::uint32_t last) const;

  // After a read (tcp.c __tcp_cleanup_rbuf): an ACK owed for more than one of the peer's
  // segments goes now, as does one owed for a short pushed segment the read emptied the
  // buffer of, and one offering at least twice the window the peer knows,
  // when that is at most half the clamp and more data may come.
  struct AfterRead {
    std::int64_t unacked;   // RCV.NXT less the last ACK sent (rcv_nxt - rcv_wup)
    std::uint32_t offered;  // the window the peer knows
    std::uint32_t free;
    std::uint32_t full;
    std::uint32_t last;  // tp->rcv_wnd
    std::uint32_t rcv_mss;
    std::uint8_t shift;
    bool may_widen;       // synchronized, the peer's FIN not yet in
    bool pushed_drained;  // a short segment was pushed, unacknowledged, and is now all read
  };
  bool read_wants_ack(const AfterRead& r) const;

  std::uint32_t ssthresh() const { return ssthresh_; }
  std::uint32_t clamp() const { return clamp_; }

 private:
  std::uint32_t ssthresh_ = 65535;
  std::uint32_t clamp_ = 65535u << 14;  // U16_MAX << TCP_MAX_WSCALE until established
  bool started_ = false;
};

}  // namespace tcpsim::tcp
