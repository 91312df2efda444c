// TCP header (RFC 9293 §3.1): a zero-copy view over a segment and a plain value to parse/emit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "stack/wire/checksum.hpp"
#include "stack/wire/error.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::wire {

// Control bits, byte 13 of the header (RFC 9293 §3.1; ECE and CWR from RFC 3168 §6.1).
namespace tcp_flag {
constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kRst = 0x04;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;
constexpr std::uint8_t kUrg = 0x20;
constexpr std::uint8_t kEce = 0x40;
constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcp_flag

// "SYN,ACK", "FIN,PSH,ACK", or "none"; always in the order SYN,FIN,RST,PSH,ACK,URG,ECE,CWR.
std::string flags_to_string(std::uint8_t flags);

constexpr std::size_t kTcpMinHeaderLen = 20;
constexpr std::size_t kTcpChecksumOffset = 16;

// A TCP segment (header and payload) in a caller's buffer. Construct, then call check() once
// (or use create()); after a successful check every accessor is safe.
class TcpView {
 public:
  explicit TcpView(std::span<const std::uint8_t> segment) : b_(segment) {}

  // Checks, in order: at least 20 bytes (Truncated @0 tcp.header); data offset at least 5
  // (BadDataOffset @12 tcp.data_offset); header not longer than the segment (same).
  std::optional<ParseError> check() const;
  // A view that has passed check().
  static ParseResult<TcpView> create(std::span<const std::uint8_t> segment);

  std::uint16_t src_port() const { return load_be16(b_.data()); }
  std::uint16_t dst_port() const { return load_be16(b_.data() + 2); }
  std::uint32_t seq() const { return load_be32(b_.data() + 4); }
  std::uint32_t ack() const { return load_be32(b_.data() + 8); }
  std::uint8_t data_offset() const { return b_[12] >> 4; }  // in 32-bit words
  std::size_t header_len() const { return std::size_t{data_offset()} * 4; }
  std::uint8_t reserved() const { return b_[12] & 0x0f; }
  std::uint8_t flags() const { return b_[13]; }
  std::uint16_t window() const { return load_be16(b_.data() + 14); }
  std::uint16_t checksum() const { return load_be16(b_.data() + kTcpChecksumOffset); }
  std::uint16_t urgent() const { return load_be16(b_.data() + 18); }
  std::span<const std::uint8_t> options_bytes() const {
    return b_.subspan(kTcpMinHeaderLen, header_len() - kTcpMinHeaderLen);
  }
  std::span<const std::uint8_t> payload() const { return b_.subspan(header_len()); }
  std::span<const std::uint8_t> segment() const { return b_; }

  // True when the segment plus the pseudo-header sum add up to all ones.
  bool verify_checksum(std::uint32_t pseudo_sum) const;

 private:
  std::span<const std::uint8_t> b_;
};

struct TcpRepr {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::uint16_t urgent = 0;
  std::uint8_t reserved = 0;  // the 4 reserved bits of byte 12, kept for round trip
  TcpOptions options;

  std::size_t header_len() const { return kTcpMinHeaderLen + options.padded_size(); }
  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }

  // Parses a whole segment (header and payload). TcpView::check()'s errors first; then, if
  // `pseudo_sum` is given, the checksum (BadChecksum @16 tcp.checksum); then the options
  // (TcpOptions::parse, offsets from the segment start). On success, *payload (if given) is
  // set to the bytes after the header.
  static ParseResult<TcpRepr> parse(std::span<const std::uint8_t> segment,
                                    std::optional<std::uint32_t> pseudo_sum,
                                    std::span<const std::uint8_t>* payload = nullptr);

  // Writes header_len() bytes into out (precondition: out.size() >= header_len()), the
  // options padded with zeros, and a checksum over the header, `payload` and `pseudo_sum`.
  // `payload` is only read; it may already sit right after the header in the same buffer.
  void emit(std::span<std::uint8_t> out, std::span<const std::uint8_t> payload,
            std::uint32_t pseudo_sum) const;

  // One line: "40000 > 80 [SYN] seq=1 ack=0 win=65535 <mss 1460,sackOK>"; the option list is
  // left out when it prints empty, "urg=" shown when URG is set or the pointer is non-zero, "res="
  // when reserved bits are set.
  std::string to_string() const;

  bool operator==(const TcpRepr&) const = default;
};

}  // namespace tcpsim::wire
