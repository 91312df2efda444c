// Tail loss probe (TLP, RFC 8985 §7) as Linux sends it (tcp_output.c
// tcp_schedule_loss_probe, tcp_send_loss_probe; tcp_input.c tcp_process_tlp_ack): when
// the last segments of a flight are lost no duplicate ACK comes back, so instead of
// waiting for the retransmission timeout the sender probes after about two round trips
// with one segment (new data if the window allows, else the last segment sent again).
// The ACK that answers the probe tells whether something was lost; if so the window is
// reduced once, as for any loss, and the timeout never fires.
//
// This part keeps the probe's state (Linux's tlp_high_seq and tlp_retrans) and the
// arithmetic of its timer; the connection arms the timer and sends the probe.
#pragma once

#include <cstdint>
#include <span>

#include "stack/base/time.hpp"
#include "stack/tcp/seq_num.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::tcp {

// What tcp_schedule_loss_probe reads.
struct ProbeTimerInput {
  Nanos srtt = 0;                 // 0: no RTT sample yet
  std::uint32_t packets_out = 0;  // segments sent and not acknowledged
  Nanos rto_min = 0;              // tcp_rto_min (200 ms)
  // How far away the retransmission timeout is: the whole RTO when an ACK just moved
  // SND.UNA (advancing_rto), else what is left of it for the oldest segment.
  Nanos rto_delta = 0;
};

// The probe timeout: 2·SRTT, plus the minimum RTO when one segment is out (its ACK may
// be delayed) or two jiffies otherwise; 1 s before any RTT sample; never later than the
// retransmission timeout. Rounded up to jiffies (1 ms at HZ 1000), as usecs_to_jiffies.
Nanos probe_timeout(const ProbeTimerInput& in);

class LossProbe {
 public:
  // A probe went out; SND.NXT after it (tlp_high_seq), and whether it was a resend.
  void on_probe_sent(SeqNum snd_nxt, bool resent) {
    outstanding_ = true;
    high_ = snd_nxt;
    resent_ = resent;
  }
  // Linux allows one probe per tail (tlp_high_seq set): until its ACK, the timer that
  // would send another arms the retransmission timeout instead.
  bool outstanding() const { return outstanding_; }
  // A timeout or a recovery ends the episode (tcp_retransmit_timer,
  // tcp_init_cwnd_reduction).
  void reset() { outstanding_ = false; }

  // tcp_process_tlp_ack, for an ACK of `ack` with these SACK blocks. `pure_duplicate`:
  // the ACK moved nothing, carried no data, no window update and no new SACK. A D-SACK
  // (RFC 2883) of the probe's last byte says the original and the probe both arrived.
  enum class Verdict : std::uint8_t { Pending, NoLoss, Loss };
  Verdict on_ack(SeqNum ack, std::span<const wire::SackBlock> blocks, bool pure_duplicate);

 private:
  SeqNum high_;
  bool outstanding_ = false;
  bool resent_ = false;
};

}  // namespace tcpsim::tcp
