// A WebSocket connection after the opening handshake (RFC 6455 §5-§7), sans-I/O: bytes from
// the transport go in through feed(), messages and control events come out of
// poll_event(), and bytes for the transport collect until poll_output()/take_output().
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stack/websocket/close_code.hpp"
#include "stack/websocket/error.hpp"
#include "stack/websocket/frame_decoder.hpp"
#include "stack/websocket/masking.hpp"
#include "stack/websocket/utf8.hpp"

namespace tcpsim::websocket {

enum class Role : std::uint8_t { Client, Server };

// Open: data flows both ways. Closing: we sent Close and wait for the peer's (§7.1.2).
// Closed: both Close frames crossed, the connection was failed, or the transport ended;
// the caller may now close the TCP connection (the server first, §7.1.1).
enum class SessionState : std::uint8_t { Open, Closing, Closed };

enum class MessageType : std::uint8_t { Text, Binary };

// Largest assembled message accepted unless the caller says otherwise (16 MiB).
inline constexpr std::uint64_t kDefaultMaxMessageSize = std::uint64_t{16} << 20;

struct SessionOptions {
  std::uint64_t max_frame_payload = kDefaultMaxFramePayload;  // over it: fail with 1009
  std::uint64_t max_message_size = kDefaultMaxMessageSize;    // over it: fail with 1009
  // Client only: where masking keys come from. When empty, keys come from
  // SeededMaskSource(mask_seed), so two runs with the same seed send the same bytes.
  MaskSource mask_source;
  std::uint64_t mask_seed = 0;
  // Accept 1012-1014 (IANA-registered after RFC 6455) in received Close frames.
  bool accept_registered_close_codes = false;
};

enum class EventKind : std::uint8_t {
  Message,  // a whole text or binary message
  Ping,     // a ping arrived (a pong with the same payload is already queued when allowed)
  Pong,     // a pong arrived
  Close,    // the peer's Close frame arrived
};

struct Event {
  EventKind kind = EventKind::Message;
  MessageType type = MessageType::Binary;  // Message only
  std::vector<std::uint8_t> data;          // message, ping or pong payload
  std::uint16_t code = 0;                  // Close: the peer's code, 1005 if it sent none
  std::string reason;                      // Close: the peer's reason

  std::string_view text() const {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
  }
};

// Result of a user call; nothing is queued unless it is Ok.
enum class SendStatus : std::uint8_t {
  Ok,
  NotOpen,                // Close already sent, or the connection is closed
  InvalidUtf8,            // send_text() with text that is not UTF-8, or a bad close reason
  ControlPayloadTooLong,  // ping/pong over 125 bytes, close reason over 123 bytes
  InvalidCloseCode,       // a code that may not be sent (see is_valid_close_code)
};

std::string_view to_string(SendStatus s);

class Session {
 public:
  explicit Session(Role role, SessionOptions options = {});

  // --- input ---------------------------------------------------------------------------
  // Takes bytes from the transport, any split. Status Ok: the input ended on a frame
  // boundary; NeedMore: a frame is partly read; Error: the connection was failed (see
  // error(); a Close frame with its code is queued). Once the connection is Closed without
  // error, further bytes are consumed and ignored.
  FeedResult feed(std::span<const std::uint8_t> bytes);
  // The transport delivered its last byte. If the closing handshake had not finished, the
  // connection closes abnormally (1006); ending inside a frame is also an Error.
  Status finish();
  // Next message or control event, in arrival order.
  std::optional<Event> poll_event();

  // --- output --------------------------------------------------------------------------
  // With fragment_size > 0, the message is sent as frames of at most that many payload
  // bytes (a text fragment may end inside a code point; §5.4 allows it).
  SendStatus send_text(std::string_view text, std::size_t fragment_size = 0);
  SendStatus send_binary(std::span<const std::uint8_t> data, std::size_t fragment_size = 0);
  SendStatus ping(std::span<const std::uint8_t> payload = {});
  SendStatus ping(std::string_view payload);
  // An unsolicited pong (a unidirectional heartbeat, §5.5.3).
  SendStatus pong(std::span<const std::uint8_t> payload = {});
  // Starts the closing handshake. close_code::kNoStatus sends a Close frame with no body
  // (and then `reason` must be empty).
  SendStatus close(std::uint16_t code = close_code::kNormal, std::string_view reason = {});

  bool has_output() const { return out_head_ < out_.size(); }
  // Bytes waiting for the transport; stays valid until the next call on this session.
  std::span<const std::uint8_t> poll_output() const;
  // Marks the first `n` bytes of poll_output() as written.
  void consume_output(std::size_t n);
  // Everything waiting, moved out.
  std::vector<std::uint8_t> take_output();

  // --- status --------------------------------------------------------------------------
  Role role() const { return role_; }
  SessionState state() const { return state_; }
  // Why the connection was failed; error()->close_code() is the code sent to the peer.
  const std::optional<Error>& error() const { return error_; }
  bool close_sent() const { return close_sent_; }
  bool close_received() const { return close_received_; }
  // "The WebSocket Connection Close Code" of §7.1.5, set once Closed: the code in the peer's
  // Close frame, 1005 if it had none, 1006 if no Close frame arrived (failure, lost transport).
  std::optional<std::uint16_t> connection_close_code() const { return connection_close_code_; }
  // The peer's close reason (§7.1.6); empty when none.
  const std::string& close_reason() const { return close_reason_; }
  std::uint64_t pings_received() const { return pings_received_; }
  std::uint64_t pongs_received() const { return pongs_received_; }

 private:
  Event& push_event(EventKind kind, std::vector<std::uint8_t>&& data);
  void handle_frame(Frame&& frame, std::uint64_t frame_start);
  void handle_data(Frame&& frame, std::uint64_t frame_start);
  void handle_close(const Frame& frame, std::uint64_t frame_start);
  // Fails the connection (§7.1.7): queue our Close if not sent yet, stop reading.
  void fail(Errc code, std::uint64_t offset);
  void set_closed(std::uint16_t connection_close_code);
  void send_frame(Opcode opcode, bool fin, std::span<const std::uint8_t> payload);
  void send_close_frame(std::optional<std::uint16_t> code, std::string_view reason);
  SendStatus send_message(Opcode opcode, std::span<const std::uint8_t> data,
                          std::size_t fragment_size);

  Role role_;
  SessionOptions options_;
  FrameDecoder decoder_;
  SessionState state_ = SessionState::Open;

  // The message being assembled from fragments (§5.4).
  bool message_open_ = false;
  MessageType message_type_ = MessageType::Binary;
  std::vector<std::uint8_t> message_;
  Utf8Validator utf8_;

  std::deque<Event> events_;
  std::vector<std::uint8_t> out_;
  std::size_t out_head_ = 0;

  bool close_sent_ = false;
  bool close_received_ = false;
  std::optional<std::uint16_t> connection_close_code_;
  std::string close_reason_;
  std::optional<Error> error_;
  std::uint64_t pings_received_ = 0;
  std::uint64_t pongs_received_ = 0;
};

}  // namespace tcpsim::websocket
