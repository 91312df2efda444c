#include "stack/tcp/errors.hpp"

#include "stack/base/enum_names.hpp"

namespace tcpsim::tcp {

constexpr EnumNames<Errno, 26> kErrnoNames{{{
    {Errno::Ok, "0"},
    {Errno::Again, "EAGAIN"},
    {Errno::InProgress, "EINPROGRESS"},
    {Errno::Already, "EALREADY"},
    {Errno::IsConnected, "EISCONN"},
    {Errno::NotConnected, "ENOTCONN"},
    {Errno::ConnRefused, "ECONNREFUSED"},
    {Errno::ConnReset, "ECONNRESET"},
    {Errno::ConnAborted, "ECONNABORTED"},
    {Errno::TimedOut, "ETIMEDOUT"},
    {Errno::Pipe, "EPIPE"},
    {Errno::BadFd, "EBADF"},
    {Errno::Invalid, "EINVAL"},
    {Errno::AddrInUse, "EADDRINUSE"},
    {Errno::AddrNotAvail, "EADDRNOTAVAIL"},
    {Errno::OpNotSupp, "EOPNOTSUPP"},
    {Errno::NoBufs, "ENOBUFS"},
    {Errno::NoProtoOpt, "ENOPROTOOPT"},
    {Errno::NetUnreach, "ENETUNREACH"},
    {Errno::HostUnreach, "EHOSTUNREACH"},
    {Errno::HostDown, "EHOSTDOWN"},
    {Errno::NoNet, "ENONET"},
    {Errno::MsgSize, "EMSGSIZE"},
    {Errno::Proto, "EPROTO"},
    {Errno::Access, "EACCES"},
    {Errno::Fault, "EFAULT"},
}}};

std::string_view errno_name(Errno e) {
  return kErrnoNames.name(e);
}

std::string_view errno_text(Errno e) {
  switch (e) {
    case Errno::Ok:
      return "success";
    case Errno::Again:
      return "operation would block";
    case Errno::InProgress:
      return "operation now in progress";
    case Errno::Already:
      return "operation already in progress";
    case Errno::IsConnected:
      return "socket is already connected";
    case Errno::NotConnected:
      return "socket is not connected";
    case Errno::ConnRefused:
      return "connection refused";
    case Errno::ConnReset:
      return "connection reset by peer";
    case Errno::ConnAborted:
      return "connection aborted";
    case Errno::TimedOut:
      return "connection timed out";
    case Errno::Pipe:
      return "broken pipe";
    case Errno::BadFd:
      return "bad socket descriptor";
    case Errno::Invalid:
      return "invalid argument";
    case Errno::AddrInUse:
      return "address already in use";
    case Errno::AddrNotAvail:
      return "address not available";
    case Errno::OpNotSupp:
      return "operation not supported";
    case Errno::NoBufs:
      return "no buffer space";
    case Errno::NoProtoOpt:
      return "protocol option not available";
    case Errno::NetUnreach:
      return "network unreachable";
    case Errno::HostUnreach:
      return "no route to host";
    case Errno::HostDown:
      return "host is down";
    case Errno::NoNet:
      return "machine is not on the network";
    case Errno::MsgSize:
      return "message too long";
    case Errno::Proto:
      return "protocol error";
    case Errno::Access:
      return "permission denied";
    case Errno::Fault:
      return "bad address";
  }
  return "?";
}

constexpr EnumNames<DropReason, 24> kDropReasonNames{{{
    {DropReason::None, "none"},
    {DropReason::NoConnection, "no-connection"},
    {DropReason::ListenRst, "listen-rst"},
    {DropReason::ListenAck, "listen-ack"},
    {DropReason::ListenNoSyn, "listen-no-syn"},
    {DropReason::BacklogFull, "backlog-full"},
    {DropReason::SynSentBadAck, "syn-sent-bad-ack"},
    {DropReason::SynSentRstNoAck, "syn-sent-rst-no-ack"},
    {DropReason::SynSentNoSyn, "syn-sent-no-syn"},
    {DropReason::Unacceptable, "unacceptable"},
    {DropReason::Paws, "paws"},
    {DropReason::RstOutOfWindow, "rst-out-of-window"},
    {DropReason::RstChallenged, "rst-challenged"},
    {DropReason::SynChallenged, "syn-challenged"},
    {DropReason::NoAckFlag, "no-ack-flag"},
    {DropReason::AckChallenged, "ack-challenged"},
    {DropReason::AckAhead, "ack-ahead"},
    {DropReason::SynReceivedBadAck, "syn-received-bad-ack"},
    {DropReason::ChallengeRateLimited, "challenge-rate-limited"},
    {DropReason::AcceptQueueFull, "accept-queue-full"},
    {DropReason::SynCookieInvalid, "syn-cookie-invalid"},
    {DropReason::TimeWaitIgnored, "time-wait-ignored"},
    {DropReason::SynFin, "syn-fin"},
    {DropReason::SyncacheRst, "syncache-rst"},
}}};

std::string_view to_string(DropReason r) {
  return kDropReasonNames.name(r);
}

}  // namespace tcpsim::tcp
