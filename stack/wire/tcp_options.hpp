// TCP options (RFC 9293 §3.1 and §3.2, RFC 7323 window scale and timestamps, RFC 2018 SACK),
// kept as the raw option bytes in wire order so that parse then emit is byte-exact. No heap.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "stack/wire/error.hpp"

namespace tcpsim::wire {

// One SACK block: the edges of a received, non-contiguous run of data (RFC 2018 §3).
struct SackBlock {
  std::uint32_t left = 0;
  std::uint32_t right = 0;
  bool operator==(const SackBlock&) const = default;
};

// RFC 7323 §3.2.
struct TcpTimestamps {
  std::uint32_t tsval = 0;
  std::uint32_t tsecr = 0;
  bool operator==(const TcpTimestamps&) const = default;
};

namespace tcp_option {
constexpr std::uint8_t kEol = 0;
constexpr std::uint8_t kNop = 1;
constexpr std::uint8_t kMss = 2;
constexpr std::uint8_t kWindowScale = 3;
constexpr std::uint8_t kSackPermitted = 4;
constexpr std::uint8_t kSack = 5;
constexpr std::uint8_t kTimestamps = 8;
constexpr std::size_t kMaxSackBlocks = 4;
}  // namespace tcp_option

// The option area of one TCP header. Always well formed: every way to fill it (parse and the
// add_* calls) checks the framing, so the accessors and for_each cannot fail.
class TcpOptions {
 public:
  static constexpr std::size_t kMaxLen = 40;

  // Validates and copies `bytes` (the whole option area, padding included). For each option
  // before an EOL: a length byte must be present and at least 2 and the option must fit
  // (OptionOverrun), and a known kind must have its one length - MSS 4, window scale 3,
  // SACK-permitted 2, timestamps 10, SACK 2+8n with 1 <= n <= 4 (BadOptionLength). Unknown
  // kinds are kept; bytes after an EOL are kept as padding and not looked at. Errors point at
  // the option's length byte, offset by `base_offset`; the field names the option, e.g.
  // "tcp.options.mss". More than 40 bytes is OptionOverrun at base_offset + 40.
  static ParseResult<TcpOptions> parse(std::span<const std::uint8_t> bytes,
                                       std::size_t base_offset = 0);

  // Appenders: each returns false and changes nothing when the option would not fit in 40
  // bytes, when an EOL has already been added (only add_eol may follow one), or, for
  // add_sack, with 0 or more than 4 blocks.
  bool add_mss(std::uint16_t mss);
  bool add_window_scale(std::uint8_t shift);
  bool add_sack_permitted();
  bool add_timestamps(std::uint32_t tsval, std::uint32_t tsecr);
  bool add_sack(std::span<const SackBlock> blocks);
  bool add_nop();
  bool add_eol();
  // Any kind >= 2 with its data; refused for EOL/NOP and for a known kind whose length would
  // be wrong for it.
  bool add_unknown(std::uint8_t kind, std::span<const std::uint8_t> data);

  // The first option of each kind, if present.
  std::optional<std::uint16_t> mss() const;
  std::optional<std::uint8_t> window_scale() const;  // as sent; RFC 7323 §2.3's cap of 14 is
                                                     // the receiver's business
  bool sack_permitted() const;
  std::optional<TcpTimestamps> timestamps() const;
  // Copies the blocks of the first SACK option into `out`; returns how many (0 if none).
  std::size_t sack_blocks(std::array<SackBlock, tcp_option::kMaxSackBlocks>& out) const;

  // Calls f(kind, data) for each option in order, where data excludes the kind and length
  // bytes. NOP is reported with empty data; EOL is reported once, after which iteration stops.
  template <class F>
  void for_each(F&& f) const;

  std::span<const std::uint8_t> bytes() const { return {buf_.data(), len_}; }
  std::size_t size() const { return len_; }
  // size() rounded up to a multiple of 4; TcpRepr::emit fills the gap with zero (EOL) bytes.
  std::size_t padded_size() const { return (std::size_t{len_} + 3) & ~std::size_t{3}; }
  bool empty() const { return len_ == 0; }

  // packetdrill style: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7", "sack 1:2 3:4",
  // unknown kinds as "opt-254 len 4". Nothing after an EOL is shown, and an EOL is shown
  // only when a non-zero byte follows it (otherwise it is just padding), so options that
  // compare equal print the same.
  std::string to_string() const;

  // Equal when they put the same bytes on the wire, i.e. compared after padding to
  // padded_size() with zeros: [wscale 7] equals [wscale 7, eol].
  bool operator==(const TcpOptions& other) const;

 private:
  bool append(std::span<const std::uint8_t> option);
  bool ended() const;  // an EOL has been reached

  std::array<std::uint8_t, kMaxLen> buf_{};
  std::uint8_t len_ = 0;
};

template <class F>
void TcpOptions::for_each(F&& f) const {
  const std::span<const std::uint8_t> none;
  std::size_t i = 0;
  while (i < len_) {
    const std::uint8_t kind = buf_[i];
    if (kind == tcp_option::kEol) {
      f(kind, none);
      return;
    }
    if (kind == tcp_option::kNop) {
      f(kind, none);
      ++i;
      continue;
    }
    // Framing was checked when the bytes went in; the guard only keeps this safe regardless.
    if (i + 1 >= len_) return;
    const std::size_t len = buf_[i + 1];
    if (len < 2 || i + len > len_) return;
    f(kind, std::span<const std::uint8_t>(buf_.data() + i + 2, len - 2));
    i += len;
  }
}

}  // namespace tcpsim::wire
