#include "stack/http/error.hpp"

#include <ostream>

namespace tcpsim::http {

std::string_view name(Error code) {
  switch (code) {
    case Error::InvalidMethod:
      return "InvalidMethod";
    case Error::InvalidTarget:
      return "InvalidTarget";
    case Error::InvalidVersion:
      return "InvalidVersion";
    case Error::UnsupportedVersion:
      return "UnsupportedVersion";
    case Error::InvalidStatus:
      return "InvalidStatus";
    case Error::InvalidReason:
      return "InvalidReason";
    case Error::StartLineTooLong:
      return "StartLineTooLong";
    case Error::BareCr:
      return "BareCr";
    case Error::BareLf:
      return "BareLf";
    case Error::WhitespaceAfterStartLine:
      return "WhitespaceAfterStartLine";
    case Error::ObsFold:
      return "ObsFold";
    case Error::InvalidHeaderName:
      return "InvalidHeaderName";
    case Error::WhitespaceBeforeColon:
      return "WhitespaceBeforeColon";
    case Error::MissingColon:
      return "MissingColon";
    case Error::InvalidHeaderValue:
      return "InvalidHeaderValue";
    case Error::HeaderSectionTooLarge:
      return "HeaderSectionTooLarge";
    case Error::TooManyHeaders:
      return "TooManyHeaders";
    case Error::MissingHost:
      return "MissingHost";
    case Error::MultipleHost:
      return "MultipleHost";
    case Error::InvalidContentLength:
      return "InvalidContentLength";
    case Error::ConflictingContentLength:
      return "ConflictingContentLength";
    case Error::ContentLengthWithTransferEncoding:
      return "ContentLengthWithTransferEncoding";
    case Error::InvalidTransferEncoding:
      return "InvalidTransferEncoding";
    case Error::TransferEncodingNotChunked:
      return "TransferEncodingNotChunked";
    case Error::UnknownTransferCoding:
      return "UnknownTransferCoding";
    case Error::TransferEncodingInHttp10:
      return "TransferEncodingInHttp10";
    case Error::InvalidChunkSize:
      return "InvalidChunkSize";
    case Error::InvalidChunkExtension:
      return "InvalidChunkExtension";
    case Error::ChunkLineTooLong:
      return "ChunkLineTooLong";
    case Error::InvalidChunkData:
      return "InvalidChunkData";
    case Error::BodyTooLarge:
      return "BodyTooLarge";
    case Error::UnexpectedEof:
      return "UnexpectedEof";
    case Error::DataAfterClose:
      return "DataAfterClose";
  }
  return "UnknownError";
}

int response_status_for(Error code) {
  switch (code) {
    case Error::BodyTooLarge:
      return 413;  // Content Too Large, RFC 9110 §15.5.14
    case Error::StartLineTooLong:
      return 414;  // URI Too Long, RFC 9110 §15.5.15; RFC 9112 §3 suggests it for long lines
    case Error::HeaderSectionTooLarge:
    case Error::TooManyHeaders:
      return 431;  // Request Header Fields Too Large, RFC 6585 §5
    case Error::UnknownTransferCoding:
      return 501;  // Not Implemented, RFC 9112 §6.1
    case Error::UnsupportedVersion:
      return 505;  // HTTP Version Not Supported, RFC 9110 §15.6.6
    default:
      return 400;  // Bad Request; RFC 9112 §6.3 asks for it on every framing fault
  }
}

std::string ParseError::message() const {
  std::string out(name(code));
  out.append(" at byte ");
  out.append(std::to_string(offset));
  if (!reason.empty()) {
    out.append(": ");
    out.append(reason);
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, Error code) {
  return os << name(code);
}

std::ostream& operator<<(std::ostream& os, const ParseError& e) {
  return os << e.message();
}

}  // namespace tcpsim::http
