#include "stack/tcp/errors.hpp"

namespace tcpsim::tcp {

std::string_view errno_name(Errno e) {
  switch (e) {
    case Errno::Ok:
      return "0";
    case Errno::Again:
      return "EAGAIN";
    case Errno::InProgress:
      return "EINPROGRESS";
    case Errno::Already:
      return "EALREADY";
    case Errno::IsConnected:
      return "EISCONN";
    case Errno::NotConnected:
      return "ENOTCONN";
    case Errno::ConnRefused:
      return "ECONNREFUSED";
    case Errno::ConnReset:
      return "ECONNRESET";
    case Errno::ConnAborted:
      return "ECONNABORTED";
    case Errno::TimedOut:
      return "ETIMEDOUT";
    case Errno::Pipe:
      return "EPIPE";
    case Errno::BadFd:
      return "EBADF";
    case Errno::Invalid:
      return "EINVAL";
    case Errno::AddrInUse:
      return "EADDRINUSE";
    case Errno::AddrNotAvail:
      return "EADDRNOTAVAIL";
    case Errno::OpNotSupp:
      return "EOPNOTSUPP";
    case Errno::NoBufs:
      return "ENOBUFS";
    case Errno::NoProtoOpt:
      return "ENOPROTOOPT";
  }
  return "?";
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
  }
  return "?";
}

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::None:
      return "none";
    case DropReason::NoConnection:
      return "no-connection";
    case DropReason::ListenRst:
      return "listen-rst";
    case DropReason::ListenAck:
      return "listen-ack";
    case DropReason::ListenNoSyn:
      return "listen-no-syn";
    case DropReason::BacklogFull:
      return "backlog-full";
    case DropReason::SynSentBadAck:
      return "syn-sent-bad-ack";
    case DropReason::SynSentRstNoAck:
      return "syn-sent-rst-no-ack";
    case DropReason::SynSentNoSyn:
      return "syn-sent-no-syn";
    case DropReason::Unacceptable:
      return "unacceptable";
    case DropReason::Paws:
      return "paws";
    case DropReason::RstOutOfWindow:
      return "rst-out-of-window";
    case DropReason::RstChallenged:
      return "rst-challenged";
    case DropReason::SynChallenged:
      return "syn-challenged";
    case DropReason::NoAckFlag:
      return "no-ack-flag";
    case DropReason::AckChallenged:
      return "ack-challenged";
    case DropReason::AckAhead:
      return "ack-ahead";
    case DropReason::SynReceivedBadAck:
      return "syn-received-bad-ack";
    case DropReason::ChallengeRateLimited:
      return "challenge-rate-limited";
  }
  return "?";
}

}  // namespace tcpsim::tcp
