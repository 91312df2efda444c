// Proportional Rate Reduction (RFC 6937) as Linux runs it while it reduces the window: in
// fast recovery and in the ECN CWR state (net/ipv4/tcp_input.c tcp_init_cwnd_reduction,
// tcp_cwnd_reduction, tcp_end_cwnd_reduction). Every count is in segments, as Linux's are
// in packets. Used under CongestionRule::Linux only; the Rfc rule keeps RFC 6675's pipe and
// RFC 6582's inflation (loss_recovery.hpp).
#pragma once

#include <cstdint>
#include <optional>

namespace tcpsim::tcp {

// What one ACK brought, for tcp_cwnd_reduction.
struct PrrAck {
  std::uint32_t newly_acked_sacked = 0;  // segments newly acknowledged or SACKed
  bool newly_lost = false;               // some segment was newly deemed lost (rs->losses)
  bool una_advanced = false;             // FLAG_SND_UNA_ADVANCED
};

// tcp_cwnd_reduction's sndcnt: how many segments may leave beyond `in_flight`, with
// `prr_delivered` already counting this ACK's segments. Pure, for tests.
//   in_flight > ssthresh: ceil(ssthresh * prr_delivered / prior_cwnd) - prr_out (the
//     reduction spread over a round trip);
//   else: max(prr_delivered - prr_out, newly_acked_sacked), plus one when SND.UNA moved
//     and nothing was newly lost, at most ssthresh - in_flight (slow start up to ssthresh);
//   and at least one while nothing was sent yet (the fast retransmit goes at once).
std::int64_t prr_sndcnt(std::uint32_t ssthresh, std::uint32_t prior_cwnd,
                        std::uint32_t prr_delivered, std::uint32_t prr_out, std::uint32_t in_flight,
                        const PrrAck& ack);

class Prr {
 public:
  // tcp_init_cwnd_reduction: prior_cwnd = cwnd, ssthresh from the congestion controller,
  // prr_delivered = prr_out = 0. The window is not cut here: the first ACK's
  // tcp_cwnd_reduction sets it.
  // `delivered`: prr_delivered's start (FreeBSD counts the segment that triggered it).
  void start(std::uint32_t cwnd, std::uint32_t ssthresh, std::uint32_t delivered = 0);
  // tcp_end_cwnd_reduction (the caller sets cwnd = ssthresh), or a timeout.
  void stop() { active_ = false; }
  bool active() const { return active_; }

  // tcp_cwnd_reduction for one ACK: returns the new window, in_flight + sndcnt, or nothing
  // when the ACK delivered nothing (Linux then leaves the window as it is).
  std::optional<std::uint32_t> on_ack(const PrrAck& ack, std::uint32_t in_flight);
  // tcp_write_xmit / tcp_xmit_retransmit_queue: prr_out += the segments sent.
  void on_sent(std::uint32_t segments) {
    if (active_) out_ += segments;
  }

  // FreeBSD's tcp_do_prr_ack for one ACK (SACK recovery), in bytes: `delivered` newly
  // SACKed or acknowledged, `pipe` as tcp_compute_pipe counts it. Returns how many whole
  // segments may leave (snd_cnt); prior_cwnd holds recover_fs.
  std::uint32_t freebsd_ack(std::uint32_t delivered, std::uint32_t pipe, std::uint32_t mss);

  std::uint32_t prior_cwnd() const { return prior_cwnd_; }
  std::uint32_t ssthresh() const { return ssthresh_; }
  std::uint32_t delivered() const { return delivered_; }
  std::uint32_t out() const { return out_; }

 private:
  bool active_ = false;
  std::uint32_t prior_cwnd_ = 0;
  std::uint32_t ssthresh_ = 0;
  std::uint32_t delivered_ = 0;  // prr_delivered
  std::uint32_t out_ = 0;        // prr_out
};

}  // namespace tcpsim::tcp
