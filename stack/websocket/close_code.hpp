// WebSocket close status codes (RFC 6455 §7.4) and which of them may appear on the wire.
#pragma once

#include <cstdint>
#include <string_view>

namespace tcpsim::websocket {

// Named codes from RFC 6455 §7.4.1 plus the three later IANA registrations.
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;              // purpose fulfilled
inline constexpr std::uint16_t kGoingAway = 1001;           // server shutting down, page left
inline constexpr std::uint16_t kProtocolError = 1002;       // peer broke a framing rule
inline constexpr std::uint16_t kUnsupportedData = 1003;     // a data type the endpoint refuses
inline constexpr std::uint16_t kReserved = 1004;            // reserved, never sent
inline constexpr std::uint16_t kNoStatus = 1005;            // local only: close had no body
inline constexpr std::uint16_t kAbnormal = 1006;            // local only: transport ended early
inline constexpr std::uint16_t kInvalidPayload = 1007;      // e.g. text that is not UTF-8
inline constexpr std::uint16_t kPolicyViolation = 1008;     // generic refusal
inline constexpr std::uint16_t kMessageTooBig = 1009;       // frame or message over the limit
inline constexpr std::uint16_t kMandatoryExtension = 1010;  // client needed an extension
inline constexpr std::uint16_t kInternalError = 1011;       // server hit an unexpected condition
inline constexpr std::uint16_t kServiceRestart = 1012;      // IANA registry only
inline constexpr std::uint16_t kTryAgainLater = 1013;       // IANA registry only
inline constexpr std::uint16_t kBadGateway = 1014;          // IANA registry only
inline constexpr std::uint16_t kTlsHandshake = 1015;        // local only: TLS failed
}  // namespace close_code

// Whether `code` may be carried in a Close frame (RFC 6455 §7.4.1, §7.4.2):
//   1000-1003 and 1007-1011   defined by RFC 6455 for use on the wire
//   3000-4999                 libraries/frameworks (IANA) and private use
//   1012-1014                 registered with IANA after RFC 6455; accepted only when
//                             `accept_registered` is set, since RFC 6455 itself does not
//                             define them (strict by default)
// Everything else is refused: below 1000 (unused), 1004 (reserved), 1005/1006/1015 (must
// never be sent), 1016-2999 (reserved for future revisions) and 5000 and above.
bool is_valid_close_code(std::uint16_t code, bool accept_registered = false);

// Short English name, e.g. "normal closure"; "private use" / "registered" / "unknown" for
// codes without a name of their own.
std::string_view close_code_name(std::uint16_t code);

}  // namespace tcpsim::websocket
