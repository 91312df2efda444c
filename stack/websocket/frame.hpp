// WebSocket frames (RFC 6455 §5.2) as plain values, and their encoding.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string_view>
#include <vector>

#include "stack/websocket/masking.hpp"

namespace tcpsim::websocket {

// §5.2 / §11.8. Values 3-7 and 11-15 are reserved; the decoder refuses them, the encoder
// writes whatever it is given (tests use that to build bad input).
enum class Opcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Control frames have the high bit of the opcode set (§5.5).
constexpr bool is_control(Opcode op) {
  return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}
// Whether the decoder accepts this opcode value.
constexpr bool is_known_opcode(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}
std::string_view to_string(Opcode op);
std::ostream& operator<<(std::ostream& os, Opcode op);

// Largest payload a control frame may carry (§5.5).
inline constexpr std::size_t kMaxControlPayload = 125;

// One frame. `payload` always holds the application data unmasked: the encoder masks it on
// the way out when `masked` is set, and the decoder unmasks it on the way in.
struct Frame {
  bool fin = true;
  bool rsv1 = false, rsv2 = false, rsv3 = false;
  Opcode opcode = Opcode::Text;
  bool masked = false;
  MaskKey mask{};
  std::vector<std::uint8_t> payload;

  bool operator==(const Frame&) const = default;
};

// Bytes of the frame header for a payload of `payload_size` (2 to 14).
std::size_t header_size(std::uint64_t payload_size, bool masked);
// Bytes `frame` takes on the wire.
std::size_t encoded_size(const Frame& frame);

// Appends `frame` to `out`, with the shortest of the 7-, 16- and 64-bit length forms
// (§5.2: "the minimal number of bytes MUST be used").
void encode(const Frame& frame, std::vector<std::uint8_t>& out);
// The same, taking the flags, opcode and mask from `head` and the payload from `payload`
// (head.payload is ignored): lets a sender frame pieces of a buffer without copying them.
void encode(const Frame& head, std::span<const std::uint8_t> payload,
            std::vector<std::uint8_t>& out);

}  // namespace tcpsim::websocket
