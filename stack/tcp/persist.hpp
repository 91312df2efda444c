// The persist timer's schedule (RFC 9293 §3.8.6.1): how long until the next probe of a
// closed window, under each ProbeRule (config.hpp). The RFC leaves the interval open; the
// kernels differ in it, and in what resets it:
//  - Rfc: max(RTO, persist_min), doubled after each probe up to persist_max.
//  - Linux (include/net/tcp.h tcp_probe0_base, tcp_probe0_when,
//    tcp_clamp_probe0_to_user_timeout): max(RTO, 200 ms) << the probes sent, at most
//    persist_max; with TCP_USER_TIMEOUT never past that long after the first probe.
//  - FreeBsd (tcp_output.c tcp_setpersist): (4·SRTT + 8·RTTVAR) in ticks times
//    tcp_backoff[shift] (1, 2, 4, ... 64), within [persist_min, persist_max].
//
// This part keeps the count of probes and when probing began; the connection arms the
// timer and sends the probes.
#pragma once

#include <algorithm>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/rtt_estimator.hpp"

namespace tcpsim::tcp {

// What the interval is computed from.
struct PersistInputs {
  Nanos rto = 0;
  Nanos srtt = 0;
  Nanos rttvar = 0;
  bool sampled = false;  // false: no RTT sample yet
};
PersistInputs persist_inputs(const RttEstimator& rtt);

class PersistTimer {
 public:
  // The timer starts with nothing in flight: the first interval (tcp_check_probe_timer,
  // FreeBSD's tcp_output with t_rxtshift 0).
  Nanos start(const TcpConfig& cfg, const PersistInputs& in);
  // A probe went out at `now`: the interval to the next one.
  Nanos after_probe(const TcpConfig& cfg, const PersistInputs& in, Nanos now);
  // Linux's tcp_ack_probe: an ACK left the window closed; the timer restarts from `now`
  // with the current interval.
  Nanos after_ack(const TcpConfig& cfg, const PersistInputs& in, Nanos now) const;
  // The window opened, or data went: probing is over (icsk_probes_tstamp = 0).
  void stop() { since_ = kNever; }
  // Linux's tcp_probe_timer gives up (tcp_write_err) when the timer fires user_timeout
  // or more after the first probe, answered or not (TCP_USER_TIMEOUT; the first firing
  // starts the count), or when max_probes probes in a row went unanswered
  // (net.ipv4.tcp_retries2).
  bool gives_up(Nanos now, Nanos user_timeout, int max_probes);
  // FreeBSD's tcp_timer_persist drops the connection (tcp_drop, ETIMEDOUT) when, as the
  // timer fires with the peer silent for `idle`: the user closed the socket (`closed`: a
  // state past CLOSE-WAIT) and idle reached TCPTV_PERSMAX (persist_max); or the back-off is
  // full (t_rxtshift at TCP_MAXRXTSHIFT, data_retries) and idle reached
  // tcp_maxpersistidle (2 h) or TCP_REXMTVAL times tcp_totbackoff (2559).
  bool freebsd_gives_up(const TcpConfig& cfg, const PersistInputs& in, Nanos idle,
                        bool closed) const;
  // An ACK came (tcp_ack: icsk_probes_out = 0).
  void on_ack() { unanswered_ = 0; }
  // Probes sent since the timer started (Linux's icsk_backoff, at most tcp_retries2),
  // while probing; and those not answered yet (icsk_probes_out).
  int backoff(int cap) const { return since_ == kNever ? 0 : std::min(probes_, cap); }
  int unanswered() const { return unanswered_; }
  // tcp_info's tcpi_backoff: Linux's icsk_backoff counts the window probes while they go
  // on (tcp_send_probe0), else the RTO's doublings (`rto_backoff`).
  int tcpi_backoff(const TcpConfig& cfg, int rto_backoff) const {
    int b = backoff(cfg.data_retries);
    return cfg.probe_rule == ProbeRule::Linux && b > 0 ? b : rto_backoff;
  }
  int probes() const { return probes_; }

 private:
  Nanos interval(const TcpConfig& cfg, const PersistInputs& in) const;
  Nanos clamp_to_user_timeout(const TcpConfig& cfg, Nanos now, Nanos when) const;

  int probes_ = 0;        // Linux icsk_backoff, FreeBSD t_rxtshift
  int unanswered_ = 0;    // Linux icsk_probes_out
  Nanos last_ = 0;        // Rfc: the interval last used (doubled after each probe)
  Nanos since_ = kNever;  // Linux icsk_probes_tstamp: when the timer first fired
};

}  // namespace tcpsim::tcp
