#include "stack/tcp/congestion/cubic.hpp"

#include <algorithm>
#include <cmath>

namespace tcpsim::tcp {

namespace cubic_math {

double k_from_epoch(double w_max, double w_epoch, double c) {
  if (w_epoch >= w_max) return 0.0;
  return std::cbrt((w_max - w_epoch) / c);
}

double k(double w_max, double beta, double c) {
  return std::cbrt(w_max * (1.0 - beta) / c);
}

double w_cubic(double t_seconds, double k, double w_max, double c) {
  double d = t_seconds - k;
  return c * d * d * d + w_max;
}

double alpha(double beta) {
  return 3.0 * (1.0 - beta) / (1.0 + beta);
}

double w_est(double w_est, double alpha, double segments_acked, double cwnd) {
  return w_est + alpha * segments_acked / cwnd;
}

double target(double w_cubic_next, double cwnd) {
  return std::clamp(w_cubic_next, cwnd, 1.5 * cwnd);
}

double w_max_after_loss(double cwnd, double previous_w_max, double beta) {
  return cwnd < previous_w_max ? cwnd * (1.0 + beta) / 2.0 : cwnd;
}

}  // namespace cubic_math

namespace {

constexpr std::uint32_t kMaxWindow = 0x7fffffff;

double seconds(Nanos d) {
  return static_cast<double>(d) / static_cast<double>(kSecond);
}

}  // namespace

void Cubic::on_rtt_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt) {
  // tcp_cubic.c cubictcp_acked: no sample, or within a second of the start of a
  // congestion-avoidance epoch, is not used.
  if (!use_hystart_ || rtt <= 0 || (epoch_started_ && now - epoch_start_ < kSecond)) return;
  if (cwnd_ >= ssthresh_) return;  // only in slow start
  if (hystart_.on_sample(now, rtt, una, nxt, cwnd_ / mss_, hystart_ack_delay(srtt_, cwnd_)))
    ssthresh_ = cwnd_;
}

std::uint32_t Cubic::on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t,
                            Nanos rtt_estimate) {
  reduction_pending_ = false;
  srtt_ = rtt_estimate;
  if (cwnd_ < ssthresh_) {
    // RFC 9438 §4.10 keeps the standard slow start: RFC 5681 §3.1 with RFC 3465 §2.2
    // byte counting, L = 2*SMSS.
    cwnd_ = std::min(kMaxWindow, cwnd_ + std::min(acked_bytes, 2 * mss_));
    return cwnd_;
  }
  congestion_avoidance(now, acked_bytes, rtt_estimate);
  return cwnd_;
}

void Cubic::start_epoch(Nanos now) {
  // RFC 9438 §4.2: the curve's time origin is the first ACK of this congestion-avoidance
  // stage, and K is measured from the window it starts with.
  epoch_started_ = true;
  epoch_start_ = now;
  double w_epoch = segments(cwnd_);
  if (after_rto_ || w_epoch >= w_max_) {
    // §4.8 after a timeout, and any stage that starts at or above the old maximum: the
    // plateau is where we are now, so growth is convex from the start (K = 0).
    w_max_ = w_epoch;
    k_ = 0.0;
  } else {
    k_ = cubic_math::k_from_epoch(w_max_, w_epoch, cubic_math::kC);
  }
  after_rto_ = false;
  // §4.3: the Reno estimate starts from the same window; alpha is 1 once the estimate
  // has regained the window held before the reduction.
  w_est_ = w_epoch;
  alpha_ = w_est_ >= cwnd_prior_ ? 1.0 : cubic_math::alpha(cubic_math::kBeta);
}

void Cubic::congestion_avoidance(Nanos now, std::uint32_t acked_bytes, Nanos rtt_estimate) {
  if (!epoch_started_) start_epoch(now);
  double t = seconds(now - epoch_start_);
  double cw = segments(cwnd_);

  // RFC 9438 §4.3: advance the Reno-friendly estimate by this ACK.
  w_est_ = cubic_math::w_est(w_est_, alpha_, segments(acked_bytes), cw);
  if (w_est_ >= cwnd_prior_) alpha_ = 1.0;

  if (cubic_math::w_cubic(t, k_, w_max_, cubic_math::kC) < w_est_) {
    // Reno-friendly region: Reno would be ahead of the curve, so follow Reno. The window
    // is never lowered here, only raised to the estimate.
    double want = w_est_ * mss_;
    double have = static_cast<double>(cwnd_) + carry_;
    if (want > have) grow_by(want - have);
    return;
  }
  // §4.4 (concave, below W_max) and §4.5 (convex, above it) share one rule: per ACK,
  // close (target - cwnd) / cwnd of the gap, scaled by how much this ACK covers.
  double w_next = cubic_math::w_cubic(t + seconds(rtt_estimate), k_, w_max_, cubic_math::kC);
  double tgt = cubic_math::target(w_next, cw);
  grow_by((tgt - cw) / cw * static_cast<double>(acked_bytes));
}

void Cubic::grow_by(double bytes) {
  carry_ += bytes;
  double whole = std::floor(carry_);
  carry_ -= whole;
  double next = std::min(static_cast<double>(cwnd_) + whole, static_cast<double>(kMaxWindow));
  cwnd_ = static_cast<std::uint32_t>(next);
}

std::uint32_t Cubic::reduced_ssthresh() const {
  // RFC 9438 §4.6: ssthresh = cwnd * beta_cubic, never below 2*SMSS after a loss.
  // Deviation: the RFC multiplies FlightSize and allows cwnd; like Linux we use cwnd.
  auto reduced =
      static_cast<std::uint32_t>(std::llround(static_cast<double>(cwnd_) * cubic_math::kBeta));
  return std::max(reduced, 2 * mss_);
}

std::uint32_t Cubic::on_congestion_event(Nanos, std::uint32_t) {
  // RFC 9438 §4.6 multiplicative decrease and §4.7 fast convergence. As for Reno, loss
  // recovery then adds 3*SMSS and inflates per duplicate ACK (RFC 6582 §3.2).
  double cw = segments(cwnd_);
  w_max_ = cubic_math::w_max_after_loss(cw, w_max_, cubic_math::kBeta);
  cwnd_prior_ = cw;
  ssthresh_ = reduced_ssthresh();
  cwnd_ = ssthresh_;
  carry_ = 0;
  epoch_started_ = false;
  after_rto_ = false;
  reduction_pending_ = true;
  return cwnd_;
}

std::uint32_t Cubic::on_rto(Nanos, std::uint32_t) {
  // RFC 9438 §4.8: ssthresh as on a loss, cwnd to the loss window of one segment
  // (RFC 5681 §3.1), and the next stage restarts the curve with K = 0.
  // RFC 5681 §3.1 holds ssthresh when the timed-out segment was already retransmitted
  // by the timer. Deviation: like Linux, we also hold it when the timeout ends a fast
  // recovery, where this loss has already cut the window and cwnd may be inflated.
  if (!reduction_pending_) {
    cwnd_prior_ = segments(cwnd_);
    ssthresh_ = reduced_ssthresh();
  }
  cwnd_ = mss_;
  carry_ = 0;
  epoch_started_ = false;
  after_rto_ = true;
  hystart_.reset();  // bictcp_reset and bictcp_hystart_reset on TCP_CA_Loss
  reduction_pending_ = true;
  return cwnd_;
}

std::uint32_t Cubic::on_recovery_exit(Nanos, std::uint32_t in_flight, std::uint32_t) {
  cwnd_ = recovery_exit_window(ssthresh_, in_flight, mss_);
  carry_ = 0;
  return cwnd_;
}

}  // namespace tcpsim::tcp
