#include "stack/tcp/persist.hpp"

#include <algorithm>
#include <array>

namespace tcpsim::tcp {

namespace {

constexpr Nanos kTick = kMillisecond;  // HZ 1000
// FreeBSD tcp_timer.c tcp_backoff[] (t_rxtshift stops at net.inet.tcp.retries, 12).
constexpr std::array<Nanos, 13> kFreeBsdBackoff = {1,   2,   4,   8,   16,  32, 64,
                                                   128, 256, 512, 512, 512, 512};
constexpr int kMaxShift = 20;  // beyond any persist_max

}  // namespace

PersistInputs persist_inputs(const RttEstimator& rtt) {
  return {rtt.rto(), rtt.srtt(), rtt.rttvar(), rtt.has_sample()};
}

Nanos PersistTimer::interval(const TcpConfig& cfg, const PersistInputs& in) const {
  if (cfg.probe_rule == ProbeRule::FreeBsd) {
    // t = ((t_srtt >> 2) + t_rttvar) >> 1 with t_srtt = SRTT << 5 and t_rttvar =
    // RTTVAR << 4, in ticks. Before a sample tcp_newtcpcb's SRTT is 0 and its RTTVAR a
    // quarter of net.inet.tcp.rexmit_initial.
    Nanos srtt = in.sampled ? in.srtt : 0;
    Nanos rttvar = in.sampled ? in.rttvar : cfg.initial_rto / 4;
    Nanos t = (4 * srtt + 8 * rttvar) / kTick * kTick;
    auto i = static_cast<std::size_t>(std::min<int>(probes_, kFreeBsdBackoff.size() - 1));
    // TCPT_RANGESET adds net.inet.tcp.rexmit_slop before the bounds (tcp_timer.h).
    return std::clamp(t * kFreeBsdBackoff[i] + cfg.rto_slop, cfg.persist_min, cfg.persist_max);
  }
  Nanos base = std::max(in.rto, cfg.persist_min);
  return std::min(base << std::min(probes_, kMaxShift), cfg.persist_max);
}

bool PersistTimer::freebsd_gives_up(const TcpConfig& cfg, const PersistInputs& in, Nanos idle,
                                    bool closed) const {
  if (closed && idle >= cfg.persist_max) return true;
  constexpr Nanos kMaxPersistIdle = 2 * 3600 * kSecond;  // TCPTV_KEEP_IDLE
  constexpr Nanos kTotalBackoff = 2559;                  // the sum of tcp_backoff[]
  // TCP_REXMTVAL: the RTO before back-off and slop; before a sample the initial RTO.
  Nanos rexmtval = in.sampled ? std::max(cfg.min_rto, in.srtt + 4 * in.rttvar) : cfg.initial_rto;
  // t_rxtshift counts the probes sent, and tcp_output's first tcp_setpersist.
  return probes_ + 1 >= cfg.data_retries &&
         (idle >= kMaxPersistIdle || idle >= rexmtval * kTotalBackoff);
}

Nanos PersistTimer::clamp_to_user_timeout(const TcpConfig& cfg, Nanos now, Nanos when) const {
  if (cfg.probe_rule != ProbeRule::Linux || cfg.user_timeout <= 0 || since_ == kNever) return when;
  Nanos remaining = cfg.user_timeout - std::max<Nanos>(now - since_, 0);
  if (remaining <= 0) return when;                        // Linux's u32 arithmetic wraps: no clamp
  return std::min(when, std::max(remaining, 2 * kTick));  // TCP_TIMEOUT_MIN
}

Nanos PersistTimer::start(const TcpConfig& cfg, const PersistInputs& in) {
  probes_ = 0;
  last_ = interval(cfg, in);
  return last_;
}

Nanos PersistTimer::after_probe(const TcpConfig& cfg, const PersistInputs& in, Nanos now) {
  ++probes_;
  ++unanswered_;
  if (cfg.probe_rule == ProbeRule::Rfc) {
    last_ = std::min(last_ * 2, cfg.persist_max);
    return last_;
  }
  return clamp_to_user_timeout(cfg, now, interval(cfg, in));
}

Nanos PersistTimer::after_ack(const TcpConfig& cfg, const PersistInputs& in, Nanos now) const {
  return clamp_to_user_timeout(cfg, now, interval(cfg, in));
}

bool PersistTimer::gives_up(Nanos now, Nanos user_timeout, int max_probes) {
  if (since_ == kNever) {
    since_ = now;
  } else if (user_timeout > 0 && now - since_ >= user_timeout) {
    return true;
  }
  return unanswered_ >= max_probes;
}

}  // namespace tcpsim::tcp
