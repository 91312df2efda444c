// Typed parse errors for the wire formats: what rule was broken, where, and in which field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "stack/base/result.hpp"

namespace tcpsim::wire {

// One value per rule a parser can find broken.
enum class Errc : std::uint8_t {
  Truncated,                   // fewer bytes than the fixed header needs
  BadEtherType,                // not Ethernet II, or not a protocol the caller accepts
  BadVersion,                  // IP version nibble is not the expected one
  BadHeaderLength,             // IPv4 IHL below 5 or past the end of the packet
  BadTotalLength,              // IP length field smaller than the header or past the data
  BadChecksum,                 // IPv4 header or TCP checksum does not verify
  BadDataOffset,               // TCP data offset below 5 or past the end of the segment
  OptionOverrun,               // a TCP option's length byte is missing, below 2, or runs past
  BadOptionLength,             // a known TCP option kind with a length it never has
  BadProtocol,                 // the IP packet does not carry TCP
  UnsupportedExtensionHeader,  // IPv6 extension headers are not modelled
  BadAddress,                  // an address that cannot appear where it was found
  Fragmented,                  // an IPv4 fragment: TCP cannot be parsed from a piece
};

// Lower-case phrase, e.g. "bad checksum".
std::string_view to_string(Errc code);

struct ParseError {
  Errc code = Errc::Truncated;
  std::size_t offset = 0;     // byte offset of the offending field from the start of the input
  std::string_view field;     // static string naming the field, e.g. "tcp.data_offset"
  std::string_view detail{};  // optional static phrase, e.g. "Routing (43)"; may be empty

  // One line, e.g. "tcp.checksum: bad checksum at byte 16".
  std::string message() const;
  // The same error with its offset moved by `base` (for a header nested in a larger buffer).
  ParseError shifted(std::size_t base) const {
    ParseError e = *this;
    e.offset += base;
    return e;
  }
  bool operator==(const ParseError&) const = default;
};

std::ostream& operator<<(std::ostream& os, Errc code);
std::ostream& operator<<(std::ostream& os, const ParseError& e);

template <class T>
using ParseResult = tcpsim::Result<T, ParseError>;

// Shorthand for `return parse_error(...)` in parsers.
inline Failure<ParseError> parse_error(Errc code, std::size_t offset, std::string_view field,
                                       std::string_view detail = {}) {
  return tcpsim::fail(ParseError{code, offset, field, detail});
}

}  // namespace tcpsim::wire
