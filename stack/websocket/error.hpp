// Codec status and the typed failures of a WebSocket connection, each tied to the close
// code that RFC 6455 says to send when it happens.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace tcpsim::websocket {

// Outcome of pushing bytes into a decoder (house rule 11): NeedMore is not an error.
enum class Status : std::uint8_t {
  Ok,        // a unit (frame, code point boundary, ...) is complete
  NeedMore,  // all input was used and more is needed to complete the unit
  Error,     // the input broke a rule; the decoder stays in error
};

struct FeedResult {
  std::size_t consumed = 0;
  Status status = Status::NeedMore;
  bool operator==(const FeedResult&) const = default;
};

// One value per rule whose breaking fails the connection (RFC 6455 §7.1.7).
enum class Errc : std::uint8_t {
  ReservedBits,            // RSV1-3 set with no extension that defines them (§5.2)
  UnknownOpcode,           // opcode 3-7 or 11-15 (§5.2)
  ControlFrameTooLong,     // control frame payload over 125 bytes (§5.5)
  FragmentedControlFrame,  // control frame without FIN (§5.5)
  NonMinimalLength,        // 16- or 64-bit length where a shorter form fits (§5.2)
  LengthHighBit,           // 64-bit length with its top bit set (§5.2)
  UnmaskedFrame,           // a server got a frame the client did not mask (§5.1)
  MaskedFrame,             // a client got a masked frame from the server (§5.1)
  FrameTooBig,             // frame payload over the configured limit (§7.4.1, 1009)
  MessageTooBig,           // assembled message over the configured limit (§7.4.1, 1009)
  UnexpectedContinuation,  // continuation frame with no message started (§5.4)
  ExpectedContinuation,    // new text/binary frame while a message is open (§5.4)
  InvalidUtf8,             // text message is not UTF-8 (§8.1, 1007)
  InvalidCloseReason,      // close reason is not UTF-8 (§5.5.1, 1007)
  ClosePayloadTooShort,    // close payload of exactly one byte (§5.5.1)
  InvalidCloseCode,        // close code that may not be sent (§7.4)
  TruncatedFrame,          // input ended inside a frame (§7.1.5, reported as 1006)
};

// Lower-case phrase, e.g. "unknown opcode".
std::string_view to_string(Errc code);
// The close code to send (or, for TruncatedFrame, to report) when `code` happens.
std::uint16_t close_code_for(Errc code);

struct Error {
  Errc code = Errc::ReservedBits;
  std::uint64_t offset = 0;  // position in the received byte stream where the rule broke

  std::uint16_t close_code() const { return close_code_for(code); }
  // One line, e.g. "unknown opcode at byte 12 (close 1002)".
  std::string message() const;
  bool operator==(const Error&) const = default;
};

std::ostream& operator<<(std::ostream& os, Status s);
std::ostream& operator<<(std::ostream& os, Errc code);
std::ostream& operator<<(std::ostream& os, const Error& e);

}  // namespace tcpsim::websocket
