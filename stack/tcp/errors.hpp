// Errors a user call can return, named after their POSIX errno counterparts.
#pragma once

#include <cstdint>
#include <string_view>

namespace tcpsim::tcp {

enum class Errno : std::uint8_t {
  Ok = 0,
  Again,         // EAGAIN: would block
  InProgress,    // EINPROGRESS: non-blocking connect started
  Already,       // EALREADY: connect already in progress
  IsConnected,   // EISCONN
  NotConnected,  // ENOTCONN
  ConnRefused,   // ECONNREFUSED: RST in answer to our SYN (RFC 9293 §3.10.7.3)
  ConnReset,     // ECONNRESET: RST in a synchronized state (RFC 9293 §3.10.7.4)
  ConnAborted,   // ECONNABORTED
  TimedOut,      // ETIMEDOUT: retransmissions or keep-alive gave up
  Pipe,          // EPIPE: send after shutdown(SHUT_WR)/close
  BadFd,         // EBADF
  Invalid,       // EINVAL
  AddrInUse,     // EADDRINUSE
  AddrNotAvail,  // EADDRNOTAVAIL
  OpNotSupp,     // EOPNOTSUPP
  NoBufs,        // ENOBUFS
  NoProtoOpt,    // ENOPROTOOPT
  // What ICMP errors turn into (icmp_error.hpp): Linux's icmp_err_convert and
  // icmpv6_err_convert, FreeBSD's icmp_errmap.
  NetUnreach,   // ENETUNREACH
  HostUnreach,  // EHOSTUNREACH
  HostDown,     // EHOSTDOWN
  NoNet,        // ENONET (Linux)
  MsgSize,      // EMSGSIZE: the path MTU fell below what the kernel accepts
  Proto,        // EPROTO: a parameter problem (Linux)
  Access,       // EACCES: administratively prohibited (Linux, IPv6)
  Fault,        // EFAULT: a buffer the call cannot copy from or to
  NoEntry,      // ENOENT: no congestion control of that name (Linux)
  NoSuchAlgo,   // ESRCH: no congestion control of that name (FreeBSD)
};

// "ECONNREFUSED", ...; "0" for Ok.
std::string_view errno_name(Errno e);
// A sentence for people: "connection refused".
std::string_view errno_text(Errno e);

// Why a connection dropped an arriving segment, so tests can assert the reason.
enum class DropReason : std::uint8_t {
  None,
  NoConnection,          // no socket for the 4-tuple (the host answers per §3.10.7.1)
  ListenRst,             // RST to a listener is ignored (§3.10.7.2)
  ListenAck,             // ACK to a listener: answered with RST (§3.10.7.2)
  ListenNoSyn,           // neither SYN nor ACK nor RST in LISTEN
  BacklogFull,           // SYN to a listener whose queue is full, no SYN cookie sent
  SynSentBadAck,         // ACK outside (ISS, SND.NXT] in SYN-SENT (§3.10.7.3)
  SynSentRstNoAck,       // RST without acceptable ACK in SYN-SENT
  SynSentNoSyn,          // neither SYN nor RST in SYN-SENT
  Unacceptable,          // fails the acceptability test (§3.10.7.4 first)
  Paws,                  // RFC 7323 §5: timestamp older than TS.Recent
  RstOutOfWindow,        // RST outside the receive window (RFC 5961 §3.2)
  RstChallenged,         // RST in window but not at RCV.NXT: challenge ACK sent
  SynChallenged,         // SYN in a synchronized state: challenge ACK sent (RFC 5961 §4)
  NoAckFlag,             // ACK bit off in a synchronized state (§3.10.7.4 fifth)
  AckChallenged,         // ACK outside [SND.UNA - MAX.SND.WND, SND.NXT] (RFC 5961 §5.2)
  AckAhead,              // ACK of something not yet sent: segment dropped (ACK per profile)
  SynReceivedBadAck,     // unacceptable ACK in SYN-RECEIVED: RST sent
  ChallengeRateLimited,  // a challenge ACK was due but the RFC 5961 §7 limit held it back
  AcceptQueueFull,       // ACK with a valid SYN cookie, but the accept queue is full
  SynCookieInvalid,      // ACK to a listener that sent cookies lately: not one (RST sent)
  TimeWaitIgnored,       // ignored in TIME-WAIT by the profile's kernel rule (TimeWaitRule)
  SynFin,                // SYN with FIN, dropped (FreeBSD net.inet.tcp.drop_synfin)
  TsMissing,             // no timestamps after they were agreed (tolerate_missing_ts=0)
  RequestReset,          // RST or SYN in a Linux request socket's window: it is dropped
};

std::string_view to_string(DropReason r);

}  // namespace tcpsim::tcp
