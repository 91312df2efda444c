#include "stack/tcp/fin_wait2.hpp"

#include <algorithm>

namespace tcpsim::tcp {

namespace {

constexpr Nanos kTimeWaitLen = 60 * kSecond;  // Linux's TCP_TIMEWAIT_LEN

// include/net/tcp.h tcp_fin_time: TCP_LINGER2 or tcp_fin_timeout, at least 3.5 RTO.
Nanos linux_fin_time(const TcpConfig& c, Nanos rto) {
  Nanos t = c.linger2 > 0 ? c.linger2 : c.fin_timeout;
  return std::max(t, rto * 4 - rto / 2);
}

}  // namespace

FinWait2Step fin_wait2_enter(const TcpConfig& c, bool closed, bool read_shut, bool at_close,
                             Nanos rto, bool beyond) {
  switch (c.fin_wait2_rule) {
    case FinWait2Rule::None:
      break;
    case FinWait2Rule::Linux: {
      if (!closed) break;  // SOCK_DEAD only
      if (c.linger2 < 0) {
        // TCP_LINGER2 < 0: the ACK that reaches FIN-WAIT-2 ends it and is answered with a
        // reset (tcp_done, then tcp_v4_do_rcv's reset for the segment); a close() in it
        // sends the abort's RST (tcp_send_active_reset).
        return {FinWait2Step::Kind::Close, 0, true,
                at_close ? "Linux tcp_close: FIN-WAIT-2 with TCP_LINGER2 < 0: send RST"
                         : "Linux FIN-WAIT-1: our FIN acknowledged with TCP_LINGER2 < 0: reset"};
      }
      if (beyond) {
        // tcp_rcv_state_process, FIN-WAIT-1: "Receive out of order FIN after close()":
        // data or a FIN past RCV.NXT on the ACK of our FIN ends it, answered with a reset.
        return {FinWait2Step::Kind::Close, 0, true,
                "Linux FIN-WAIT-1: our FIN acknowledged after close() by a segment with data "
                "or a FIN beyond RCV.NXT: reset"};
      }
      Nanos t = linux_fin_time(c, rto);
      // Beyond TCP_TIMEWAIT_LEN the keep-alive timer waits out the excess first, then the
      // time-wait socket lasts that excess again, at least 3.5 RTO (tcp_keepalive_timer,
      // tcp_time_wait).
      if (t > kTimeWaitLen) t = (t - kTimeWaitLen) + std::max(t - kTimeWaitLen, rto * 4 - rto / 2);
      return {FinWait2Step::Kind::Arm, t, false, {}};
    }
    case FinWait2Rule::FreeBsd:
      if (!read_shut) break;  // SBS_CANTRCVMORE
      return {FinWait2Step::Kind::Arm,
              c.fast_finwait2_recycle ? c.fin_timeout : c.keepalive_max_idle(),
              false,
              {}};
  }
  return {};
}

bool linux_fin_wait2_is_time_wait_sock(const TcpConfig& c, Nanos rto) {
  return c.fin_wait2_rule == FinWait2Rule::Linux && c.linger2 >= 0 &&
         linux_fin_time(c, rto) <= kTimeWaitLen;
}

FinWait2Step fin_wait2_timeout(const TcpConfig& c, Nanos idle_for, bool cant_rcv_more) {
  if (c.fin_wait2_rule == FinWait2Rule::Linux) {
    return {FinWait2Step::Kind::Close, 0, false,
            "Linux FIN-WAIT-2 timeout (tcp_fin_timeout): the connection ends silently"};
  }
  // tcp_timer_2msl: fast recycling only "if (... so_rcv.sb_state & SBS_CANTRCVMORE)".
  bool recycle = c.fast_finwait2_recycle && cant_rcv_more;
  if (!recycle && idle_for <= c.keepalive_max_idle()) {
    // tcp_timer_2msl: segments came lately; look again after a keep-alive interval (at
    // least a tick).
    return {
        FinWait2Step::Kind::Arm, std::max<Nanos>(c.keepalive_interval, kMillisecond), false, {}};
  }
  return {FinWait2Step::Kind::Close, 0, false,
          "FreeBSD tcp_timer_2msl: idle in FIN-WAIT-2: the connection is dropped silently"};
}

}  // namespace tcpsim::tcp
