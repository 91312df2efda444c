#include "stack/websocket/error.hpp"

#include "stack/base/enum_names.hpp"

#include <ostream>

#include "stack/websocket/close_code.hpp"

namespace tcpsim::websocket {

constexpr EnumNames<Errc, 17> kErrcNames{{{
    {Errc::ReservedBits, "reserved bits set"},
    {Errc::UnknownOpcode, "unknown opcode"},
    {Errc::ControlFrameTooLong, "control frame payload over 125 bytes"},
    {Errc::FragmentedControlFrame, "fragmented control frame"},
    {Errc::NonMinimalLength, "payload length not minimally encoded"},
    {Errc::LengthHighBit, "64-bit payload length with top bit set"},
    {Errc::UnmaskedFrame, "unmasked frame from client"},
    {Errc::MaskedFrame, "masked frame from server"},
    {Errc::FrameTooBig, "frame too big"},
    {Errc::MessageTooBig, "message too big"},
    {Errc::UnexpectedContinuation, "continuation frame with no message started"},
    {Errc::ExpectedContinuation, "data frame while a fragmented message is open"},
    {Errc::InvalidUtf8, "invalid UTF-8 in text message"},
    {Errc::InvalidCloseReason, "invalid UTF-8 in close reason"},
    {Errc::ClosePayloadTooShort, "close payload of one byte"},
    {Errc::InvalidCloseCode, "invalid close code"},
    {Errc::TruncatedFrame, "input ended inside a frame"},
}}};

std::string_view to_string(Errc code) {
  return kErrcNames.name(code, "unknown error");
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
