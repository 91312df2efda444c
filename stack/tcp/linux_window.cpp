#include "stack/tcp/linux_window.hpp"

#include <algorithm>
#include <cstdint>

namespace tcpsim::tcp {

void LinuxWindow::start(std::uint32_t syn_wnd, std::uint32_t full, std::uint32_t advmss,
                        std::uint8_t shift, std::uint32_t user_clamp) {
  started_ = true;
  ssthresh_ = syn_wnd;
  // tcp_select_initial_window: no more than the window field can say at our shift
  // (tcp_rcv_synsent_state_process: 65535 when the peer did not scale), nor the user's
  // clamp.
  clamp_ = 65535u << shift;
  if (user_clamp != 0) clamp_ = std::min(clamp_, user_clamp);
  // tcp_init_buffer_space (tcp_app_win 31): at most the buffer's window space, and one
  // segment of it kept back.
  clamp_ = std::min(clamp_, full);
  if (clamp_ > 2 * advmss && clamp_ + advmss > full) {
    clamp_ = std::max(2 * advmss, full > advmss ? full - advmss : 0);
  }
  ssthresh_ = std::min(ssthresh_, clamp_);
}

void LinuxWindow::set_clamp(std::uint32_t clamp, std::uint32_t rcv_wnd) {
  if (clamp == clamp_) return;
  if (clamp < clamp_) {
    ssthresh_ = std::min(ssthresh_, clamp);  // __tcp_adjust_rcv_ssthresh
  } else {
    ssthresh_ = std::max(ssthresh_, std::min(rcv_wnd, clamp));
  }
  clamp_ = clamp;
}

bool LinuxWindow::grow(std::uint32_t len, std::uint32_t space, std::uint32_t advmss,
                       std::uint32_t rcv_mss) {
  std::uint32_t limit = std::min(clamp_, space);
  if (limit <= ssthresh_) return false;
  // Check #2: a segment as large as the peer's MSS fits the buffer with little overhead
  // (Linux measures its scaling_ratio on such segments) and grows the threshold by two of
  // ours; a smaller one by two of the peer's (__tcp_grow_window). At least twice its length.
  std::uint32_t incr = len >= rcv_mss ? 2 * advmss : 2 * rcv_mss;
  incr = std::max(incr, 2 * len);
  ssthresh_ += std::min(limit - ssthresh_, incr);
  return true;
}

LinuxWindow::Choice LinuxWindow::select(std::uint32_t free, std::uint32_t full,
                                        std::uint32_t rcv_mss, std::uint8_t shift,
                                        std::uint32_t last) const {
  std::int64_t full_space = std::min(clamp_, full);
  std::int64_t mss = std::min<std::int64_t>(rcv_mss, full_space);
  if (mss <= 0) return {0, true};
  std::int64_t space = free;
  std::int64_t unit = std::int64_t{1} << shift;
  bool low = space < full_space / 2;
  if (low) {
    // Round down so the scale cannot widen it; too little to be worth a window: zero.
    space -= space % unit;
    if (space < full / 16 || space < mss) return {0, true};
  }
  space = std::min<std::int64_t>(space, ssthresh_);
  std::int64_t window = 0;
  if (shift > 0) {
    // Scaled: no rounding to the MSS, only up to the unit so nothing is scaled away.
    window = (space + unit - 1) / unit * unit;
  } else {
    // Unscaled: keep the last window while it is within one MSS of the space, else the
    // largest whole number of MSS that fits.
    window = last;
    if (window <= space - mss || window > space) {
      window = space / mss * mss;
    } else if (mss == full_space && space > window + full_space / 2) {
      window = space;
    }
  }
  return {static_cast<std::uint32_t>(window), low};
}

bool LinuxWindow::read_wants_ack(const AfterRead& r) const {
  // "Once-per-two-segments ACK was not sent by tcp_input.c".
  if (r.unacked > r.rcv_mss || r.pushed_drained) return true;
  // "Send ACK now, if this read freed lots of space in our buffer."
  if (!r.may_widen || std::uint64_t{2} * r.offered > clamp_) return false;
  std::uint32_t w = select(r.free, r.full, r.rcv_mss, r.shift, r.last).window;
  return w != 0 && w >= std::uint64_t{2} * r.offered;
}

}  // namespace tcpsim::tcp
