#include "sim/scenario/tcb_comment.hpp"

#include <fmt/core.h>
#include <algorithm>

namespace tcpsim::sim {

std::string tcb_comment(std::string_view host, const tcp::TcbInfo& tcb) {
  std::string name(host);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return c == ' ' || c == '='; }, '_');
  return fmt::format(
      "{}host={} state={} cwnd={} ssthresh={} pipe={} in_flight={} srtt_us={} rto_us={} "
      "snd_una={} snd_nxt={} rwnd={}",
      kTcbCommentPrefix, name, tcp::to_string(tcb.state), tcb.cwnd, tcb.ssthresh, tcb.pipe,
      tcb.in_flight, tcb.srtt / 1000, tcb.rto / 1000, tcb.snd_una, tcb.snd_nxt, tcb.snd_wnd);
}

}  // namespace tcpsim::sim
