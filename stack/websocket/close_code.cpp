#include "stack/websocket/close_code.hpp"

namespace tcpsim::websocket {

bool is_valid_close_code(std::uint16_t code, bool accept_registered) {
  namespace cc = close_code;
  if (code >= cc::kNormal && code <= cc::kUnsupportedData) return true;
  if (code >= cc::kInvalidPayload && code <= cc::kInternalError) return true;
  if (code >= cc::kServiceRestart && code <= cc::kBadGateway) return accept_registered;
  return code >= 3000 && code <= 4999;
}

std::string_view close_code_name(std::uint16_t code) {
  namespace cc = close_code;
  switch (code) {
    case cc::kNormal:
      return "normal closure";
    case cc::kGoingAway:
      return "going away";
    case cc::kProtocolError:
      return "protocol error";
    case cc::kUnsupportedData:
      return "unsupported data";
    case cc::kReserved:
      return "reserved";
    case cc::kNoStatus:
      return "no status received";
    case cc::kAbnormal:
      return "abnormal closure";
    case cc::kInvalidPayload:
      return "invalid frame payload data";
    case cc::kPolicyViolation:
      return "policy violation";
    case cc::kMessageTooBig:
      return "message too big";
    case cc::kMandatoryExtension:
      return "mandatory extension";
    case cc::kInternalError:
      return "internal error";
    case cc::kServiceRestart:
      return "service restart";
    case cc::kTryAgainLater:
      return "try again later";
    case cc::kBadGateway:
      return "bad gateway";
    case cc::kTlsHandshake:
      return "TLS handshake";
    default:
      break;
  }
  if (code >= 3000 && code <= 3999) return "registered";
  if (code >= 4000 && code <= 4999) return "private use";
  return "unknown";
}

}  // namespace tcpsim::websocket
