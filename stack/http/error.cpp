#include "stack/http/error.hpp"

#include "stack/base/enum_names.hpp"

#include <ostream>

namespace tcpsim::http {

constexpr EnumNames<Error, 33> kErrorNames{{{
    {Error::InvalidMethod, "InvalidMethod"},
    {Error::InvalidTarget, "InvalidTarget"},
    {Error::InvalidVersion, "InvalidVersion"},
    {Error::UnsupportedVersion, "UnsupportedVersion"},
    {Error::InvalidStatus, "InvalidStatus"},
    {Error::InvalidReason, "InvalidReason"},
    {Error::StartLineTooLong, "StartLineTooLong"},
    {Error::BareCr, "BareCr"},
    {Error::BareLf, "BareLf"},
    {Error::WhitespaceAfterStartLine, "WhitespaceAfterStartLine"},
    {Error::ObsFold, "ObsFold"},
    {Error::InvalidHeaderName, "InvalidHeaderName"},
    {Error::WhitespaceBeforeColon, "WhitespaceBeforeColon"},
    {Error::MissingColon, "MissingColon"},
    {Error::InvalidHeaderValue, "InvalidHeaderValue"},
    {Error::HeaderSectionTooLarge, "HeaderSectionTooLarge"},
    {Error::TooManyHeaders, "TooManyHeaders"},
    {Error::MissingHost, "MissingHost"},
    {Error::MultipleHost, "MultipleHost"},
    {Error::InvalidContentLength, "InvalidContentLength"},
    {Error::ConflictingContentLength, "ConflictingContentLength"},
    {Error::ContentLengthWithTransferEncoding, "ContentLengthWithTransferEncoding"},
    {Error::InvalidTransferEncoding, "InvalidTransferEncoding"},
    {Error::TransferEncodingNotChunked, "TransferEncodingNotChunked"},
    {Error::UnknownTransferCoding, "UnknownTransferCoding"},
    {Error::TransferEncodingInHttp10, "TransferEncodingInHttp10"},
    {Error::InvalidChunkSize, "InvalidChunkSize"},
    {Error::InvalidChunkExtension, "InvalidChunkExtension"},
    {Error::ChunkLineTooLong, "ChunkLineTooLong"},
    {Error::InvalidChunkData, "InvalidChunkData"},
    {Error::BodyTooLarge, "BodyTooLarge"},
    {Error::UnexpectedEof, "UnexpectedEof"},
    {Error::DataAfterClose, "DataAfterClose"},
}}};

std::string_view name(Error code) {
  return kErrorNames.name(code, "UnknownError");
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
