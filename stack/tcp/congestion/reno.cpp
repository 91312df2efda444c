#include "stack/tcp/congestion/reno.hpp"

#include <algorithm>

#include "stack/tcp/congestion/cubic.hpp"
#include "stack/tcp/congestion/cubic_linux.hpp"

namespace tcpsim::tcp {

std::uint32_t Reno::on_ack(Nanos, std::uint32_t acked_bytes, std::uint32_t, Nanos) {
  if (linux_) return linux_ack(acked_bytes);
  if (cwnd_ < ssthresh_ || (freebsd_ && cwnd_ == ssthresh_)) {
    // RFC 3465 §2.2 slow start with L = 2*SMSS (FreeBSD's L, abc_l_var, LossRecovery's);
    // FreeBSD's newreno_ack_received leaves slow start only when cwnd passes ssthresh.
    cwnd_ += freebsd_ ? acked_bytes : std::min(acked_bytes, 2 * mss_);
    return cwnd_;
  }
  // RFC 3465 §2.1: grow by one SMSS once a full cwnd of bytes has been acknowledged.
  bytes_acked_ += acked_bytes;
  if (bytes_acked_ >= cwnd_) {
    bytes_acked_ -= cwnd_;
    cwnd_ += mss_;
  }
  return cwnd_;
}

std::uint32_t Reno::linux_ack(std::uint32_t acked_bytes) {
  // tcp_reno_cong_avoid. Bytes become segments rounding up, as LinuxCubic counts them.
  reduction_pending_ = false;
  std::uint32_t acked = (acked_bytes + mss_ - 1) / mss_;
  std::uint32_t cwnd = cwnd_ / mss_;
  std::uint32_t ssthresh =
      ssthresh_ == 0x7fffffff ? linux_cubic::kInfiniteSsthresh : ssthresh_ / mss_;
  if (cwnd < ssthresh) acked = linux_cubic::slow_start(cwnd, ssthresh, acked);
  if (acked > 0) linux_cubic::cong_avoid_ai(cwnd, cwnd_cnt_, cwnd, acked);
  cwnd_ = cwnd * mss_;
  return cwnd_;
}

std::uint32_t Reno::halved_ssthresh() const {
  return std::max((cwnd_ / mss_) >> 1, 2u) * mss_;
}

std::uint32_t Reno::on_congestion_event(Nanos, std::uint32_t in_flight) {
  if (linux_) {
    // tcp_init_cwnd_reduction with tcp_reno_ssthresh; the controller's window goes to
    // ssthresh, where the reduction ends, and LossRecovery's PRR sets it until then.
    ssthresh_ = halved_ssthresh();
    cwnd_ = ssthresh_;
    cwnd_cnt_ = 0;
    reduction_pending_ = true;
    return cwnd_;
  }
  // RFC 5681 §3.2 (4): ssthresh = max(FlightSize / 2, 2*SMSS); the 3*SMSS on top, and the
  // inflation per duplicate ACK, are loss recovery's. FreeBSD's newreno_cong_signal halves
  // cwnd instead, in whole segments: max(cwnd * 50 / 100 / mss, 2) * mss.
  ssthresh_ = freebsd_ ? halved_ssthresh() : std::max(in_flight / 2, 2 * mss_);
  cwnd_ = ssthresh_;
  bytes_acked_ = 0;
  return cwnd_;
}

std::uint32_t Reno::on_rto(Nanos, std::uint32_t in_flight) {
  if (linux_) {
    // tcp_enter_loss: ssthresh unless this episode set it already; cwnd = in flight + 1,
    // every segment being marked lost.
    if (!reduction_pending_) ssthresh_ = halved_ssthresh();
    cwnd_ = mss_;
    cwnd_cnt_ = 0;
    reduction_pending_ = true;
    return cwnd_;
  }
  // RFC 5681 §3.1 (4) and §3.1 last paragraph: cwnd = loss window = 1 SMSS. FreeBSD's
  // newreno_cong_signal (CC_RTO) halves cwnd in whole segments (min(snd_wnd, cwnd): the
  // peer's window is not known here).
  ssthresh_ = freebsd_ ? halved_ssthresh() : std::max(in_flight / 2, 2 * mss_);
  cwnd_ = mss_;
  bytes_acked_ = 0;
  return cwnd_;
}

std::uint32_t Reno::on_recovery_exit(Nanos, std::uint32_t in_flight, std::uint32_t delivered) {
  if (linux_) {
    // tcp_end_cwnd_reduction: cwnd = ssthresh; the ACK then grows it (tcp_cong_control).
    cwnd_ = ssthresh_;
    return linux_ack(delivered);
  }
  // FreeBSD's newreno_cc_post_recovery runs before SND.UNA moves: its pipe still holds
  // what this ACK covers, so a full ACK usually leaves cwnd at ssthresh.
  cwnd_ = recovery_exit_window(ssthresh_, freebsd_ ? in_flight + delivered : in_flight, mss_);
  return cwnd_;
}

std::uint32_t recovery_exit_window(std::uint32_t ssthresh, std::uint32_t in_flight,
                                   std::uint32_t mss) {
  return std::min(ssthresh, std::max(in_flight, mss) + mss);
}

std::unique_ptr<CongestionControl> make_congestion_control(CongestionAlgorithm algo,
                                                           std::uint32_t mss,
                                                           std::uint32_t initial_window,
                                                           bool hystart, CongestionRule rule) {
  switch (algo) {
    case CongestionAlgorithm::Reno:
      return std::make_unique<Reno>("reno", mss, initial_window, rule == CongestionRule::Linux);
    case CongestionAlgorithm::NewReno:
      return std::make_unique<Reno>("newreno", mss, initial_window, rule == CongestionRule::Linux,
                                    rule == CongestionRule::FreeBsd);
    case CongestionAlgorithm::Cubic:
      if (rule == CongestionRule::Linux)
        return std::make_unique<LinuxCubic>(mss, initial_window, hystart);
      return std::make_unique<Cubic>(mss, initial_window, hystart);
  }
  return std::make_unique<Reno>("newreno", mss, initial_window);
}

}  // namespace tcpsim::tcp
