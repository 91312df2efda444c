#include "stack/tcp/prr.hpp"

#include <algorithm>

namespace tcpsim::tcp {

std::int64_t prr_sndcnt(std::uint32_t ssthresh, std::uint32_t prior_cwnd,
                        std::uint32_t prr_delivered, std::uint32_t prr_out, std::uint32_t in_flight,
                        const PrrAck& ack) {
  // tcp_input.c tcp_cwnd_reduction, in the kernel's signed int arithmetic.
  std::int64_t delta = std::int64_t{ssthresh} - std::int64_t{in_flight};
  std::int64_t sndcnt = 0;
  if (delta < 0) {
    // PRR-SSRB's proportional part (RFC 6937 §3): dividend = ssthresh * prr_delivered +
    // prior_cwnd - 1, a division rounding up.
    std::uint64_t dividend = std::uint64_t{ssthresh} * prr_delivered + prior_cwnd - 1;
    sndcnt = static_cast<std::int64_t>(dividend / std::max(prior_cwnd, 1u)) - prr_out;
  } else {
    sndcnt = std::max<std::int64_t>(std::int64_t{prr_delivered} - prr_out, ack.newly_acked_sacked);
    if (ack.una_advanced && !ack.newly_lost) ++sndcnt;
    sndcnt = std::min(delta, sndcnt);
  }
  // "Force a fast retransmit upon entering fast recovery".
  return std::max<std::int64_t>(sndcnt, prr_out != 0 ? 0 : 1);
}

void Prr::start(std::uint32_t cwnd, std::uint32_t ssthresh, std::uint32_t delivered) {
  active_ = true;
  prior_cwnd_ = cwnd;
  ssthresh_ = ssthresh;
  delivered_ = delivered;
  out_ = 0;
}

std::uint32_t Prr::freebsd_ack(std::uint32_t delivered, std::uint32_t pipe, std::uint32_t mss) {
  // tcp_input.c tcp_do_prr_ack, in bytes: proportional while pipe is at or above
  // ssthresh (rounded up, plus a segment less one byte), else slow start up to ssthresh
  // by what was delivered, one segment beyond (none when nothing was).
  delivered_ += delivered;
  std::int64_t del = delivered_, out = out_, ssthresh = ssthresh_, fs = std::max(prior_cwnd_, 1u);
  std::int64_t cnt = 0;
  if (pipe >= ssthresh_) {
    cnt = (del * ssthresh + fs - 1) / fs - out + mss - 1;
  } else {
    std::int64_t limit =
        delivered == 0 ? del - out : std::max<std::int64_t>(del - out, delivered) + mss;
    cnt = std::min<std::int64_t>(ssthresh - pipe, limit);
  }
  return static_cast<std::uint32_t>(std::max<std::int64_t>(cnt, 0) / std::max(mss, 1u));
}

std::optional<std::uint32_t> Prr::on_ack(const PrrAck& ack, std::uint32_t in_flight) {
  // tcp_cwnd_reduction returns early when nothing was delivered (or no prior_cwnd).
  if (!active_ || ack.newly_acked_sacked == 0 || prior_cwnd_ == 0) return std::nullopt;
  delivered_ += ack.newly_acked_sacked;
  std::int64_t sndcnt = prr_sndcnt(ssthresh_, prior_cwnd_, delivered_, out_, in_flight, ack);
  return static_cast<std::uint32_t>(std::int64_t{in_flight} + sndcnt);
}

}  // namespace tcpsim::tcp
