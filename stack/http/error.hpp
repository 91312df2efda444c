// Why an HTTP/1.1 message was refused: one code per broken rule, a reason and a byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace tcpsim::http {

// One value per rule the parser enforces. Each names the rule, not the symptom, so a test
// (or a server choosing its answer) can tell a smuggling attempt from a truncated message.
enum class Error : std::uint8_t {
  // Start line (RFC 9112 §3, §4).
  InvalidMethod,       // method is not a token
  InvalidTarget,       // request-target empty or holding a byte outside VCHAR
  InvalidVersion,      // not "HTTP/" DIGIT "." DIGIT, or not where the grammar puts it
  UnsupportedVersion,  // well-formed, but the major version is not 1
  InvalidStatus,       // status code not three digits in 100-599, or no SP after it
  InvalidReason,       // reason phrase holding a control character
  StartLineTooLong,    // request or status line longer than Limits::max_start_line
  // Line endings (RFC 9112 §2.2).
  BareCr,  // CR not followed by LF
  BareLf,  // LF not preceded by CR (unless Leniency::allow_bare_lf)
  // Field lines (RFC 9112 §5, RFC 9110 §5).
  WhitespaceAfterStartLine,  // a line starting with SP/HTAB right after the start line
  ObsFold,                   // obsolete line folding (unless Leniency::allow_obs_fold)
  InvalidHeaderName,         // field name empty or holding a non-token byte
  WhitespaceBeforeColon,     // SP/HTAB between the field name and the colon
  MissingColon,              // field line without a colon
  InvalidHeaderValue,        // field value holding a control character other than HTAB
  HeaderSectionTooLarge,     // header or trailer section longer than Limits::max_header_bytes
  TooManyHeaders,            // more field lines than Limits::max_headers
  MissingHost,               // HTTP/1.1 request without Host (RFC 9112 §3.2)
  MultipleHost,              // request with more than one Host field line
  // Message framing (RFC 9112 §6, RFC 9110 §8.6).
  InvalidContentLength,               // not 1*DIGIT, or too large to represent
  ConflictingContentLength,           // several Content-Length values that differ
  ContentLengthWithTransferEncoding,  // both framing fields in one message
  InvalidTransferEncoding,            // malformed coding list, or chunked applied twice
  TransferEncodingNotChunked,         // request whose final transfer coding is not chunked
  UnknownTransferCoding,              // request with a transfer coding we do not know
  TransferEncodingInHttp10,           // Transfer-Encoding in an HTTP/1.0 message (§6.1)
  // Chunked transfer coding (RFC 9112 §7.1).
  InvalidChunkSize,       // chunk-size not 1*HEXDIG, too large, or followed by junk
  InvalidChunkExtension,  // chunk-ext that is not ; name [ = token / quoted-string ]
  ChunkLineTooLong,       // chunk-size line longer than Limits::max_chunk_line
  InvalidChunkData,       // chunk data not followed by CRLF
  // The stream as a whole.
  BodyTooLarge,    // body longer than Limits::max_body
  UnexpectedEof,   // finish() in the middle of a message that has a defined end
  DataAfterClose,  // bytes after a message that closes the connection, or after finish()
};

// The enumerator's name, e.g. "BareLf": stable, used in event logs and golden files.
std::string_view name(Error code);

// The status a server should answer a request with when parsing failed this way:
// 400 in general; 413 body too large, 414 start line too long, 431 header section too
// large, 501 unknown transfer coding, 505 unsupported major version.
int response_status_for(Error code);

struct ParseError {
  Error code = Error::InvalidMethod;
  // Offset of the offending byte, counted from the first byte the parser was ever fed
  // (or from the last reset()), so it stays meaningful however the input was split.
  std::size_t offset = 0;
  // A static sentence naming the rule, e.g. "LF without CR before it ends a line".
  std::string_view reason;

  // One line, e.g. "BareLf at byte 16: LF without CR before it ends a line".
  std::string message() const;
  bool operator==(const ParseError&) const = default;
};

std::ostream& operator<<(std::ostream& os, Error code);
std::ostream& operator<<(std::ostream& os, const ParseError& e);

}  // namespace tcpsim::http
