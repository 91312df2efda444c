// Writes Request and Response values as HTTP/1.1 bytes (RFC 9112), refusing values that
// would not parse back the same way (a CR or LF in a field value, a name that is not a
// token, ...), so a simulated application cannot split its own responses by accident.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "stack/base/result.hpp"
#include "stack/http/error.hpp"
#include "stack/http/message.hpp"

namespace tcpsim::http {

// How the body is delimited on the wire.
enum class Framing : std::uint8_t {
  // Chunked if there are trailers; no framing field for a bodiless status (1xx, 204, 304)
  // or for a request with no body whose method does not expect one; else Content-Length.
  Auto,
  ContentLength,  // Content-Length: body.size()
  Chunked,        // Transfer-Encoding: chunked, body in chunks, then the trailers
  // Fields and body exactly as given: for answers to HEAD (Content-Length without body)
  // and for deliberately odd messages in tests. Still refuses malformed fields.
  AsIs,
};

struct WriteOptions {
  Framing framing = Framing::Auto;
  std::size_t chunk_size = 0;  // largest chunk for Chunked; 0 = the whole body in one
};

// What made a value unwritable.
enum class WriteErrc : std::uint8_t {
  InvalidMethod,       // not a token
  InvalidTarget,       // empty, or a byte outside VCHAR
  InvalidVersion,      // not 1.x with one-digit minor
  InvalidStatus,       // outside 100-599
  InvalidReason,       // a control character other than HTAB
  InvalidHeaderName,   // not a token
  InvalidHeaderValue,  // a control character, or leading/trailing whitespace
  BodyNotAllowed,      // content on a 1xx, 204 or 304 response
  ChunkedNeedsHttp11,  // chunked framing or trailers on an HTTP/1.0 message
};
std::string_view name(WriteErrc code);

struct WriteError {
  WriteErrc code = WriteErrc::InvalidMethod;
  std::size_t index = 0;  // which field (in headers or trailers) for the field errors
  bool operator==(const WriteError&) const = default;
};
std::ostream& operator<<(std::ostream& os, const WriteError& e);

// Serialized message. With framing Auto, ContentLength or Chunked, the caller's own
// Content-Length and Transfer-Encoding fields are replaced by the serializer's; a 1xx, 204
// or 304 response then gets no framing field at all.
Result<std::string, WriteError> serialize(const Request& request, WriteOptions options = {});
Result<std::string, WriteError> serialize(const Response& response, WriteOptions options = {});

// The response a server sends when it cannot parse a request: the status from
// response_status_for(), its reason phrase, "Connection: close" (the framing can no longer
// be trusted, RFC 9112 §6.3) and a one-line text body naming the error.
Response error_response(const ParseError& error);

}  // namespace tcpsim::http
