// Incremental frame decoder (RFC 6455 §5.2): push any split of the input, get whole frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "stack/websocket/error.hpp"
#include "stack/websocket/frame.hpp"

namespace tcpsim::websocket {

// Largest frame payload accepted unless the caller says otherwise (16 MiB).
inline constexpr std::uint64_t kDefaultMaxFramePayload = std::uint64_t{16} << 20;

// What the mask bit must be on incoming frames (§5.1): a server requires it, a client
// forbids it, a bare decoder (e.g. a capture reader) accepts either.
enum class MaskRule : std::uint8_t { Any, Required, Forbidden };

struct DecoderOptions {
  std::uint64_t max_frame_payload = kDefaultMaxFramePayload;  // larger gives FrameTooBig
  MaskRule masking = MaskRule::Any;
  // RSV bits an extension has given meaning to: 0x4 = RSV1, 0x2 = RSV2, 0x1 = RSV3.
  // With no extension negotiated any set bit fails the connection (§5.2).
  std::uint8_t allowed_rsv = 0;
  // Leniency: accept 16/64-bit lengths that a shorter form could hold (§5.2 forbids them).
  bool allow_non_minimal_length = false;
};

// Usage: call feed() with whatever bytes arrived. Ok means a frame is complete and input
// from `consumed` on was not looked at: take_frame(), then feed the rest. NeedMore means
// every byte was used. Error is sticky; error() says which rule broke and where.
// feed() returns at most one frame per call, so a caller loops until NeedMore.
class FrameDecoder {
 public:
  explicit FrameDecoder(DecoderOptions options = {}) : options_(options) {}

  FeedResult feed(std::span<const std::uint8_t> bytes);
  // End of input: Ok at a frame boundary, otherwise Error (TruncatedFrame).
  Status finish();

  bool has_frame() const { return has_frame_; }
  const Frame& frame() const { return frame_; }
  // Moves the completed frame out; valid once after feed() returned Ok.
  Frame take_frame();

  const std::optional<Error>& error() const { return error_; }
  // Bytes consumed over the decoder's life (offsets in errors count from here).
  std::uint64_t position() const { return position_; }
  // True when no frame is partly read.
  bool at_boundary() const;
  const DecoderOptions& options() const { return options_; }

 private:
  enum class Stage : std::uint8_t { Head, Tail, Payload, Done, Failed };

  void start_frame();
  // Checks the first two header bytes; returns false after recording an error.
  bool parse_head();
  // Checks the extended length and reads the mask key.
  bool parse_tail();
  // Records the error and returns false.
  bool fail(Errc code, std::uint64_t offset_in_frame);

  DecoderOptions options_;
  Stage stage_ = Stage::Head;
  std::array<std::uint8_t, 14> header_{};
  std::size_t header_have_ = 0;
  std::size_t header_need_ = 2;
  std::uint64_t payload_size_ = 0;
  std::uint64_t frame_start_ = 0;
  std::uint64_t position_ = 0;
  Frame frame_;
  bool has_frame_ = false;
  std::optional<Error> error_;
};

}  // namespace tcpsim::websocket
