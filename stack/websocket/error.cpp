#include "stack/websocket/error.hpp"

#include <ostream>

#include "stack/websocket/close_code.hpp"

namespace tcpsim::websocket {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::ReservedBits:
      return "reserved bits set";
    case Errc::UnknownOpcode:
      return "unknown opcode";
    case Errc::ControlFrameTooLong:
      return "control frame payload over 125 bytes";
    case Errc::FragmentedControlFrame:
      return "fragmented control frame";
    case Errc::NonMinimalLength:
      return "payload length not minimally encoded";
    case Errc::LengthHighBit:
      return "64-bit payload length with top bit set";
    case Errc::UnmaskedFrame:
      return "unmasked frame from client";
    case Errc::MaskedFrame:
      return "masked frame from server";
    case Errc::FrameTooBig:
      return "frame too big";
    case Errc::MessageTooBig:
      return "message too big";
    case Errc::UnexpectedContinuation:
      return "continuation frame with no message started";
    case Errc::ExpectedContinuation:
      return "data frame while a fragmented message is open";
    case Errc::InvalidUtf8:
      return "invalid UTF-8 in text message";
    case Errc::InvalidCloseReason:
      return "invalid UTF-8 in close reason";
    case Errc::ClosePayloadTooShort:
      return "close payload of one byte";
    case Errc::InvalidCloseCode:
      return "invalid close code";
    case Errc::TruncatedFrame:
      return "input ended inside a frame";
  }
  return "unknown error";
}

std::uint16_t close_code_for(Errc code) {
  switch (code) {
    case Errc::FrameTooBig:
    case Errc::MessageTooBig:
      return close_code::kMessageTooBig;
    case Errc::InvalidUtf8:
    case Errc::InvalidCloseReason:
      return close_code::kInvalidPayload;
    case Errc::TruncatedFrame:
      return close_code::kAbnormal;
    default:
      return close_code::kProtocolError;
  }
}

std::string Error::message() const {
  std::string s(to_string(code));
  s += " at byte ";
  s += std::to_string(offset);
  s += " (close ";
  s += std::to_string(close_code());
  s += ')';
  return s;
}

std::ostream& operator<<(std::ostream& os, Status s) {
  switch (s) {
    case Status::Ok:
      return os << "Ok";
    case Status::NeedMore:
      return os << "NeedMore";
    case Status::Error:
      return os << "Error";
  }
  return os << "Status(?)";
}

std::ostream& operator<<(std::ostream& os, Errc code) {
  return os << to_string(code);
}

std::ostream& operator<<(std::ostream& os, const Error& e) {
  return os << e.message();
}

}  // namespace tcpsim::websocket
