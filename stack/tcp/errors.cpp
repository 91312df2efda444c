#include "stack/tcp/errors.hpp"

#include "stack/base/enum_names.hpp"

namespace tcpsim::tcp {

constexpr EnumNames<Errno, 28> kErrnoNames{{{
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
    {Errno::NoEntry, "ENOENT"},
    {Errno::NoSuchAlgo, "ESRCH"},
}}};

std::string_view errno_name(Errno e) {
  return kErrnoNames.name(e);
}

constexpr EnumNames<Errno, 28> kErrnoTexts{{{
    {Errno::Ok, "success"},
    {Errno::Again, "operation would block"},
    {Errno::InProgress, "operation now in progress"},
    {Errno::Already, "operation already in progress"},
    {Errno::IsConnected, "socket is already connected"},
    {Errno::NotConnected, "socket is not connected"},
    {Errno::ConnRefused, "connection refused"},
    {Errno::ConnReset, "connection reset by peer"},
    {Errno::ConnAborted, "connection aborted"},
    {Errno::TimedOut, "connection timed out"},
    {Errno::Pipe, "broken pipe"},
    {Errno::BadFd, "bad socket descriptor"},
    {Errno::Invalid, "invalid argument"},
    {Errno::AddrInUse, "address already in use"},
    {Errno::AddrNotAvail, "address not available"},
    {Errno::OpNotSupp, "operation not supported"},
    {Errno::NoBufs, "no buffer space"},
    {Errno::NoProtoOpt, "protocol option not available"},
    {Errno::NetUnreach, "network unreachable"},
    {Errno::HostUnreach, "no route to host"},
    {Errno::HostDown, "host is down"},
    {Errno::NoNet, "machine is not on the network"},
    {Errno::MsgSize, "message too long"},
    {Errno::Proto, "protocol error"},
    {Errno::Access, "permission denied"},
    {Errno::Fault, "bad address"},
    {Errno::NoEntry, "no such file or directory"},
    {Errno::NoSuchAlgo, "no such process"},
}}};

std::string_view errno_text(Errno e) {
  return kErrnoTexts.name(e);
}

constexpr EnumNames<DropReason, 25> kDropReasonNames{{{
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
    {DropReason::TsMissing, "ts-missing"},
    {DropReason::RequestReset, "request-reset"},
}}};

std::string_view to_string(DropReason r) {
  return kDropReasonNames.name(r);
}

}  // namespace tcpsim::tcp
