// How long a connection the user closed may sit in FIN-WAIT-2. RFC 9293 has it wait for
// the peer's FIN as long as it takes; both kernels bound the wait, since a peer that never
// closes would otherwise hold the connection forever (FinWait2Rule, config.hpp):
//  - Linux (tcp_input.c tcp_rcv_state_process for FIN-WAIT-1, tcp.c tcp_close,
//    include/net/tcp.h tcp_fin_time, tcp_minisocks.c tcp_time_wait, tcp_timer.c
//    tcp_keepalive_timer): tcp_fin_time = TCP_LINGER2 or net.ipv4.tcp_fin_timeout (60 s),
//    at least 3.5 RTO; the connection ends silently then. Up to TCP_TIMEWAIT_LEN (60 s)
//    it waits as a time-wait socket; longer, the keep-alive timer first takes what is over
//    60 s and the time-wait socket as long again (at least 3.5 RTO). TCP_LINGER2 < 0:
//    no FIN-WAIT-2 at all: the ACK that would reach it ends the connection and draws a
//    reset, and close() in FIN-WAIT-2 sends the abort's RST.
//  - FreeBsd (tcp_input.c for FIN-WAIT-1, tcp_usrreq.c tcp_usrclosed, tcp_timer.c
//    tcp_timer_2msl): a connection that can receive no more (closed, or reading shut)
//    waits while segments keep coming: it is dropped, silently, once nothing came for
//    TP_MAXIDLE (keep-alive count times interval, 8 x 75 s), looked at every interval;
//    with net.inet.tcp.fast_finwait2_recycle, after net.inet.tcp.finwait2_timeout (60 s)
//    whatever came.
#pragma once

#include <cstdint>
#include <string_view>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"

namespace tcpsim::tcp {

// What to do: nothing (wait as RFC 9293 says), arm the FIN-WAIT-2 timer for `after`, or
// end the connection, with a RST when `rst` (at close(), the abort's; else the reply to
// the segment that brought FIN-WAIT-2).
struct FinWait2Step {
  enum class Kind : std::uint8_t { Wait, Arm, Close };
  Kind kind = Kind::Wait;
  Nanos after = 0;
  bool rst = false;
  std::string_view rule;
};

// The connection reached FIN-WAIT-2 (`at_close` false), or the user closed it while in
// FIN-WAIT-2 (`at_close` true). `closed`: the user closed the socket; `read_shut`: it can
// receive no more (FreeBSD's SBS_CANTRCVMORE, closed or SHUT_RD). `beyond`: the segment
// that reached it carries data or a FIN beyond RCV.NXT.
FinWait2Step fin_wait2_enter(const TcpConfig& c, bool closed, bool read_shut, bool at_close,
                             Nanos rto, bool beyond = false);
// Linux: after close() a connection in FIN-WAIT-2 is a time-wait socket
// (tcp_time_wait(sk, TCP_FIN_WAIT2, tmo)) when tcp_fin_time is at most TCP_TIMEWAIT_LEN;
// tcpsim keeps a longer wait a full socket throughout (Linux: until the keep-alive timer
// hands it over).
bool linux_fin_wait2_is_time_wait_sock(const TcpConfig& c, Nanos rto);
// The FIN-WAIT-2 timer fired; `idle_for`: since a segment last came (FreeBSD);
// `cant_rcv_more`: closed, or reading shut (FreeBSD recycles only such a socket).
FinWait2Step fin_wait2_timeout(const TcpConfig& c, Nanos idle_for, bool cant_rcv_more = true);

}  // namespace tcpsim::tcp
