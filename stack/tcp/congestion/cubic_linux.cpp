#include "stack/tcp/congestion/cubic_linux.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tcpsim::tcp {

namespace linux_cubic {

namespace {

// The part of bictcp_update that reads the curve: at most once per jiffy, and on the
// first call of an epoch it sets the epoch up (K and the plateau).
void read_curve(Curve& c, std::uint32_t now, std::uint32_t cwnd, std::uint32_t acked) {
  c.last_cwnd = cwnd;
  c.last_time = now;
  if (!c.epoch_started) {
    c.epoch_started = true;
    c.epoch_start = now;
    c.ack_cnt = acked;
    c.tcp_cwnd = cwnd;
    if (c.last_max_cwnd <= cwnd) {
      c.k = 0;
      c.origin_point = cwnd;
    } else {
      // K = cbrt((W_max - cwnd) / C) with C over a 100 ms RTT, in 1/1024 s.
      c.k = cubic_root(kCubeFactor * (c.last_max_cwnd - cwnd));
      c.origin_point = c.last_max_cwnd;
    }
  }
  // t: time since the epoch started plus one minimum RTT, from jiffies to 1/1024 s.
  std::uint64_t t = static_cast<std::uint32_t>(now - c.epoch_start);
  t += usecs_to_jiffies(c.delay_min_us);
  t = (t << kTimeShift) / kHz;
  std::uint64_t offs = t < c.k ? c.k - t : t - c.k;
  // C * (t - K)^3 in segments: 410 / 2^40 per (1/1024 s)^3.
  auto delta =
      static_cast<std::uint32_t>((kCubeRttScale * offs * offs * offs) >> (10 + 3 * kTimeShift));
  std::uint32_t target = t < c.k ? c.origin_point - delta : c.origin_point + delta;
  // One more segment per cwnd / (target - cwnd) acknowledged reaches the target in about
  // one RTT; at or above it, a very small increment.
  c.cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
  // No loss yet, so no bandwidth estimate: grow at least 5% per RTT.
  if (c.last_max_cwnd == 0 && c.cnt > 20) c.cnt = 20;
}

// The tcp_friendliness part of bictcp_update: a Reno estimate that gains one segment per
// cwnd * 15 / 8 segments acknowledged (3 * (1 - beta) / (1 + beta) per RTT, the average
// of Reno with beta 0.5); when it is ahead, cnt is lowered to catch up within an RTT.
void follow_reno(Curve& c, std::uint32_t cwnd) {
  std::uint32_t step = (cwnd * kRenoScale) >> 3;
  if (step > 0 && c.ack_cnt > step) {
    // The kernel's loop subtracts `step` while ack_cnt exceeds it: this many times.
    std::uint32_t n = (c.ack_cnt - 1) / step;
    c.ack_cnt -= n * step;
    c.tcp_cwnd += n;
  }
  if (c.tcp_cwnd > cwnd) c.cnt = std::min(c.cnt, cwnd / (c.tcp_cwnd - cwnd));
}

}  // namespace

std::uint32_t cubic_root(std::uint64_t a) {
  // A floating-point estimate, then whole steps to the exact floor. 2642245 is the
  // largest root a 64-bit value has (its successor's cube does not fit).
  constexpr std::uint64_t kLargest = 2642245;
  auto x = std::min<std::uint64_t>(static_cast<std::uint64_t>(std::cbrt(static_cast<double>(a))),
                                   kLargest);
  while (x > 0 && x * x * x > a) --x;
  while (x < kLargest && (x + 1) * (x + 1) * (x + 1) <= a) ++x;
  return static_cast<std::uint32_t>(x);
}

std::uint32_t usecs_to_jiffies(std::uint32_t us) {
  return static_cast<std::uint32_t>(round_up_to_jiffy(Nanos{us} * kMicrosecond) / kJiffy);
}

std::uint32_t ssthresh_after_loss(std::uint32_t cwnd) {
  return std::max((cwnd * kBeta) / kBetaScale, 2u);
}

std::uint32_t w_max_after_loss(std::uint32_t cwnd, std::uint32_t last_max) {
  if (cwnd < last_max) return (cwnd * (kBetaScale + kBeta)) / (2 * kBetaScale);
  return cwnd;
}

void update(Curve& c, std::uint32_t now, std::uint32_t cwnd, std::uint32_t acked) {
  c.ack_cnt += acked;
  // Nothing changed within 1/32 s: keep cnt, and let the Reno estimate wait too.
  if (c.last_cwnd == cwnd &&
      static_cast<std::int32_t>(now - c.last_time) <= static_cast<std::int32_t>(kHz / 32))
    return;
  if (!c.epoch_started || now != c.last_time) read_curve(c, now, cwnd, acked);
  follow_reno(c, cwnd);
  // At most one segment per two acknowledged: 1.5 times the window per RTT.
  c.cnt = std::max(c.cnt, 2u);
}

std::uint32_t slow_start(std::uint32_t& cwnd, std::uint32_t ssthresh, std::uint32_t acked) {
  std::uint32_t grown = std::min(cwnd + acked, ssthresh);
  acked -= grown - cwnd;
  cwnd = grown;
  return acked;
}

void cong_avoid_ai(std::uint32_t& cwnd, std::uint32_t& cwnd_cnt, std::uint32_t w,
                   std::uint32_t acked) {
  // Credit earned at a larger w (before cnt fell) gives one segment, not several.
  if (cwnd_cnt >= w) {
    cwnd_cnt = 0;
    ++cwnd;
  }
  cwnd_cnt += acked;
  if (cwnd_cnt >= w) {
    std::uint32_t delta = cwnd_cnt / w;
    cwnd_cnt -= delta * w;
    cwnd += delta;
  }
}

}  // namespace linux_cubic

namespace {

constexpr std::uint32_t kMaxWindow = 0x7fffffff;

std::uint32_t bytes_of(std::uint32_t segments, std::uint32_t mss) {
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{segments} * mss, kMaxWindow));
}

}  // namespace

std::uint32_t LinuxCubic::jiffies(Nanos now) {
  return jiffies_at(now);
}

std::uint32_t LinuxCubic::cwnd() const {
  return bytes_of(cwnd_, mss_);
}

std::uint32_t LinuxCubic::ssthresh() const {
  return bytes_of(ssthresh_, mss_);
}

void LinuxCubic::on_packet_sent(Nanos now, std::uint32_t bytes, std::uint32_t in_flight) {
  if (bytes == 0) return;  // tcp_event_data_sent: segments with data only
  std::uint32_t j = jiffies(now);
  // cubictcp_cwnd_event, CA_EVENT_TX_START (data leaves with nothing in flight before it,
  // `in_flight` counting this segment and perhaps a FIN): the sender was idle since the
  // last data sent, so the curve's epoch moves on by as much, never past now.
  if (in_flight <= bytes + 1 && curve_.epoch_started) {
    auto idle = static_cast<std::int32_t>(j - last_send_);
    if (idle > 0) {
      curve_.epoch_start += static_cast<std::uint32_t>(idle);
      if (static_cast<std::int32_t>(curve_.epoch_start - j) > 0) curve_.epoch_start = j;
    }
  }
  last_send_ = j;
}

void LinuxCubic::on_rtt_sample(Nanos now, Nanos rtt, SeqNum una, SeqNum nxt) {
  // cubictcp_acked: no sample, or one within a second of the start of an epoch (right
  // after a recovery), is not used.
  std::uint32_t j = jiffies(now);
  if (rtt <= 0) return;
  constexpr auto kOneSecond = static_cast<std::int32_t>(linux_cubic::kHz);
  if (curve_.epoch_started && static_cast<std::int32_t>(j - curve_.epoch_start) < kOneSecond)
    return;
  auto us = static_cast<std::uint32_t>(std::max<Nanos>(rtt / kMicrosecond, 1));
  if (curve_.delay_min_us == 0 || us < curve_.delay_min_us) curve_.delay_min_us = us;
  if (!use_hystart_ || cwnd_ >= ssthresh_) return;
  if (hystart_.on_sample(now, rtt, una, nxt, cwnd_, hystart_ack_delay(srtt_, cwnd()))) {
    ssthresh_ = cwnd_;
  }
}

std::uint32_t LinuxCubic::on_ack(Nanos now, std::uint32_t acked_bytes, std::uint32_t, Nanos srtt) {
  reduction_pending_ = false;
  srtt_ = srtt;
  // Linux counts segments acknowledged (and SACKed), a segment once it is wholly
  // acknowledged; here bytes become segments rounding up, so a short last segment counts.
  std::uint32_t acked = (acked_bytes + mss_ - 1) / mss_;
  if (acked == 0) return cwnd();
  // cubictcp_cong_avoid.
  if (cwnd_ < ssthresh_) {
    acked = linux_cubic::slow_start(cwnd_, ssthresh_, acked);
    if (acked == 0) return cwnd();
  }
  linux_cubic::update(curve_, jiffies(now), cwnd_, acked);
  linux_cubic::cong_avoid_ai(cwnd_, cwnd_cnt_, curve_.cnt, acked);
  return cwnd();
}

std::uint32_t LinuxCubic::on_congestion_event(Nanos, std::uint32_t) {
  // tcp_input.c tcp_init_cwnd_reduction: ssthresh from cubictcp_recalc_ssthresh, which
  // ends the epoch and records W_max. The controller's window goes to ssthresh, where
  // the reduction ends (tcp_end_cwnd_reduction); until then LossRecovery's PRR sets the
  // window in force (tcp_cwnd_reduction).
  curve_.epoch_started = false;
  curve_.last_max_cwnd = linux_cubic::w_max_after_loss(cwnd_, curve_.last_max_cwnd);
  ssthresh_ = linux_cubic::ssthresh_after_loss(cwnd_);
  cwnd_ = ssthresh_;
  cwnd_cnt_ = 0;
  reduction_pending_ = true;
  return cwnd();
}

std::uint32_t LinuxCubic::on_rto(Nanos, std::uint32_t) {
  // tcp_input.c tcp_enter_loss: ssthresh as on a loss unless this episode already set it;
  // cwnd = packets in flight + 1 = 1, every segment being marked lost; then
  // cubictcp_state on TCP_CA_Loss forgets the curve (W_max included) and HyStart.
  if (!reduction_pending_) ssthresh_ = linux_cubic::ssthresh_after_loss(cwnd_);
  curve_ = linux_cubic::Curve{};
  hystart_.reset();
  cwnd_ = 1;
  cwnd_cnt_ = 0;
  reduction_pending_ = true;
  return cwnd();
}

std::uint32_t LinuxCubic::on_recovery_exit(Nanos now, std::uint32_t, std::uint32_t delivered) {
  // tcp_input.c tcp_end_cwnd_reduction: recovery ends with cwnd = ssthresh. The same ACK
  // then goes to congestion avoidance (tcp_cong_control) with the segments it delivered.
  cwnd_ = ssthresh_;
  return on_ack(now, delivered, 0, srtt_);
}

void LinuxCubic::on_undo(std::uint32_t cwnd, std::uint32_t ssthresh) {
  // tcp_undo_cwnd_reduction with tcp_reno_undo_cwnd (CUBIC's undo_cwnd); the curve is not
  // restored. Windows in whole segments; a threshold at the byte ceiling is none at all.
  cwnd_ = std::max(cwnd / mss_, 1u);
  std::uint32_t prior = ssthresh >= kMaxWindow ? linux_cubic::kInfiniteSsthresh : ssthresh / mss_;
  ssthresh_ = std::max(ssthresh_, prior);
  reduction_pending_ = false;
}

void LinuxCubic::take_over(std::uint32_t cwnd, std::uint32_t ssthresh) {
  cwnd_ = std::max(cwnd / mss_, 1u);
  ssthresh_ = ssthresh >= kMaxWindow ? linux_cubic::kInfiniteSsthresh : ssthresh / mss_;
}

}  // namespace tcpsim::tcp
