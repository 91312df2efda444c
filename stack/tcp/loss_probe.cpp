#include "stack/tcp/loss_probe.hpp"

#include <algorithm>

#include "stack/tcp/jiffies.hpp"

namespace tcpsim::tcp {

Nanos probe_timeout(const ProbeTimerInput& in) {
  // tcp_schedule_loss_probe: srtt_us >> 2 is 2·SRTT; TCP_TIMEOUT_MIN is two jiffies;
  // TCP_TIMEOUT_INIT (1 s) without a sample.
  Nanos timeout = kSecond;
  if (in.srtt > 0) {
    Nanos extra = in.packets_out == 1 ? in.rto_min : 2 * kJiffy;
    timeout = round_up_to_jiffy(2 * in.srtt + extra);
  }
  // "If the RTO formula yields an earlier time, then use that time."
  if (in.rto_delta > 0) timeout = std::min(timeout, round_up_to_jiffy(in.rto_delta));
  return timeout;
}

LossProbe::Verdict LossProbe::on_ack(SeqNum ack, std::span<const wire::SackBlock> blocks,
                                     bool pure_duplicate) {
  if (!outstanding_ || ack < high_) return Verdict::Pending;
  bool dsack_of_probe = false;
  if (!blocks.empty()) {
    // RFC 2883 §4: a D-SACK block comes first and lies below the cumulative ACK or
    // inside the second block.
    SeqNum start(blocks[0].left), end(blocks[0].right);
    bool dsack = start < ack || (blocks.size() > 1 && !(start < SeqNum(blocks[1].left)) &&
                                 !(SeqNum(blocks[1].right) < end));
    dsack_of_probe = dsack && end == high_;  // tcp_dsack_seen: it ends where the probe did
  }
  if (!resent_ || dsack_of_probe) {
    // New data probed and acknowledged, or the D-SACK says the original and the probe
    // both arrived: nothing was lost.
    outstanding_ = false;
    return Verdict::NoLoss;
  }
  if (high_ < ack) {
    // The ACK covers data beyond the probe: only the probe repaired the tail, so a
    // segment was lost and the window is reduced once (tcp_init_cwnd_reduction, CWR).
    outstanding_ = false;
    return Verdict::Loss;
  }
  if (pure_duplicate) {
    // A duplicate of the ACK for the probe: the original and the probe both arrived.
    outstanding_ = false;
    return Verdict::NoLoss;
  }
  return Verdict::Pending;
}

}  // namespace tcpsim::tcp
