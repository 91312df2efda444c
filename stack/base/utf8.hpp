// The one rule of UTF-8's well-formed sequences (RFC 3629 §4, Unicode Table 3-7), shared by
// the WebSocket text validator and the JSON escaper: what a lead byte announces.
#pragma once

#include <cstdint>
#include <optional>

namespace tcpsim {

struct Utf8Lead {
  std::uint8_t continuation = 0;  // continuation bytes that follow (0: ASCII)
  std::uint8_t lo = 0x80;         // the range the first of them must lie in
  std::uint8_t hi = 0xBF;
};

// What `b` starts, or nothing for a byte that starts no sequence (80-BF out of place, C0,
// C1, F5-FF). The narrowed ranges rule out overlong forms, UTF-16 surrogates and values
// past U+10FFFF.
constexpr std::optional<Utf8Lead> utf8_lead(std::uint8_t b) {
  if (b <= 0x7F) return Utf8Lead{0, 0x80, 0xBF};
  if (b >= 0xC2 && b <= 0xDF) return Utf8Lead{1, 0x80, 0xBF};  // C0, C1: overlong ASCII
  if (b >= 0xE0 && b <= 0xEF) {
    // E0 below A0 is an overlong two-byte value; ED above 9F encodes a surrogate.
    return Utf8Lead{2, static_cast<std::uint8_t>(b == 0xE0 ? 0xA0 : 0x80),
                    static_cast<std::uint8_t>(b == 0xED ? 0x9F : 0xBF)};
  }
  if (b >= 0xF0 && b <= 0xF4) {
    // F0 below 90 is an overlong three-byte value; F4 above 8F is past U+10FFFF.
    return Utf8Lead{3, static_cast<std::uint8_t>(b == 0xF0 ? 0x90 : 0x80),
                    static_cast<std::uint8_t>(b == 0xF4 ? 0x8F : 0xBF)};
  }
  return std::nullopt;
}

}  // namespace tcpsim
