// Escaping bytes for text output, in one place: JSON string bodies (the trace) and
// ASCII-only byte logs (the HTTP event logs of the golden tests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tcpsim {

enum class EscapeStyle : std::uint8_t {
  // RFC 8259 §7: quote, backslash and control characters escaped; valid UTF-8 (RFC 3629)
  // kept as it is; each byte of an invalid sequence becomes U+FFFD.
  Json,
  // Printable ASCII as it is, \" \\ \r \n \t, every other byte as \xHH.
  Bytes,
};

// Appends `bytes` escaped in `style` (without surrounding quotes).
void append_escaped(std::string& out, std::string_view bytes, EscapeStyle style);

// Length of the valid multi-byte UTF-8 sequence starting at text[i], or 0 when it is not
// one (ASCII included; see utf8_lead).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

}  // namespace tcpsim
