#include "stack/websocket/frame.hpp"

#include "stack/base/enum_names.hpp"

#include <ostream>

namespace tcpsim::websocket {

constexpr EnumNames<Opcode, 6> kOpcodeNames{{{
    {Opcode::Continuation, "continuation"},
    {Opcode::Text, "text"},
    {Opcode::Binary, "binary"},
    {Opcode::Close, "close"},
    {Opcode::Ping, "ping"},
    {Opcode::Pong, "pong"},
}}};

std::string_view to_string(Opcode op) {
  return kOpcodeNames.name(op, "reserved");
}

std::ostream& operator<<(std::ostream& os, Opcode op) {
  return os << to_string(op) << " (0x" << std::hex << static_cast<int>(op) << std::dec << ')';
}

std::size_t header_size(std::uint64_t payload_size, bool masked) {
  std::size_t n = 2;
  if (payload_size > 0xFFFF) {
    n += 8;
  } else if (payload_size > 125) {
    n += 2;
  }
  return n + (masked ? 4 : 0);
}

std::size_t encoded_size(const Frame& frame) {
  return header_size(frame.payload.size(), frame.masked) + frame.payload.size();
}

void encode(const Frame& head, std::span<const std::uint8_t> payload,
            std::vector<std::uint8_t>& out) {
  const std::uint64_t len = payload.size();
  std::uint8_t b0 = static_cast<std::uint8_t>(static_cast<std::uint8_t>(head.opcode) & 0x0F);
  if (head.fin) b0 |= 0x80;
  if (head.rsv1) b0 |= 0x40;
  if (head.rsv2) b0 |= 0x20;
  if (head.rsv3) b0 |= 0x10;
  const std::uint8_t mask_bit = head.masked ? 0x80 : 0x00;

  out.reserve(out.size() + header_size(len, head.masked) + payload.size());
  out.push_back(b0);
  if (len <= 125) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | len));
  } else if (len <= 0xFFFF) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(len));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<std::uint8_t>(len >> shift));
    }
  }
  if (head.masked) out.insert(out.end(), head.mask.begin(), head.mask.end());

  const std::size_t start = out.size();
  out.insert(out.end(), payload.begin(), payload.end());
  if (head.masked) {
    apply_mask(std::span<std::uint8_t>(out.data() + start, payload.size()), head.mask);
  }
}

void encode(const Frame& frame, std::vector<std::uint8_t>& out) {
  encode(frame, frame.payload, out);
}

}  // namespace tcpsim::websocket
