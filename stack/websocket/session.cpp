#include "stack/websocket/session.hpp"

#include "stack/base/enum_names.hpp"

#include <algorithm>
#include <utility>

namespace tcpsim::websocket {

namespace {

DecoderOptions decoder_options(Role role, const SessionOptions& o) {
  DecoderOptions d;
  d.max_frame_payload = o.max_frame_payload;
  // §5.1: a server fails on unmasked frames, a client on masked ones.
  d.masking = role == Role::Server ? MaskRule::Required : MaskRule::Forbidden;
  return d;
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Close body: 2-byte code and at most 123 bytes of reason (§5.5, §5.5.1).
constexpr std::size_t kMaxCloseReason = kMaxControlPayload - 2;

}  // namespace

constexpr EnumNames<SendStatus, 5> kSendStatusNames{{{
    {SendStatus::Ok, "ok"},
    {SendStatus::NotOpen, "connection not open"},
    {SendStatus::InvalidUtf8, "invalid UTF-8"},
    {SendStatus::ControlPayloadTooLong, "control payload too long"},
    {SendStatus::InvalidCloseCode, "invalid close code"},
}}};

std::string_view to_string(SendStatus s) {
  return kSendStatusNames.name(s, "unknown send status");
}

Session::Session(Role role, SessionOptions options)
    : role_(role), options_(std::move(options)), decoder_(decoder_options(role, options_)) {
  if (role_ == Role::Client && !options_.mask_source) {
    options_.mask_source = SeededMaskSource(options_.mask_seed);
  }
}

// --- input ---------------------------------------------------------------------------

FeedResult Session::feed(std::span<const std::uint8_t> bytes) {
  if (error_) return {0, Status::Error};
  if (state_ == SessionState::Closed) return {bytes.size(), Status::Ok};

  std::size_t used = 0;
  for (;;) {
    const FeedResult r = decoder_.feed(bytes.subspan(used));
    used += r.consumed;
    if (r.status == Status::Error) {
      fail(decoder_.error()->code, decoder_.error()->offset);
      return {used, Status::Error};
    }
    if (r.status == Status::NeedMore) return {used, Status::NeedMore};

    Frame frame = decoder_.take_frame();
    const std::uint64_t size =
        header_size(frame.payload.size(), frame.masked) + frame.payload.size();
    handle_frame(std::move(frame), decoder_.position() - size);
    if (error_) return {used, Status::Error};
    // After the closing handshake nothing more is read (§1.4); the rest is dropped.
    if (state_ == SessionState::Closed) return {bytes.size(), Status::Ok};
    if (used == bytes.size()) return {used, Status::Ok};
  }
}

Status Session::finish() {
  if (error_) return Status::Error;
  if (state_ == SessionState::Closed) return Status::Ok;
  if (decoder_.finish() == Status::Error) {
    error_ = decoder_.error();
    set_closed(close_code::kAbnormal);
    return Status::Error;
  }
  // §7.1.5: the transport closed with no Close frame received.
  set_closed(close_code::kAbnormal);
  return Status::Ok;
}

std::optional<Event> Session::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

Event& Session::push_event(EventKind kind, std::vector<std::uint8_t>&& data) {
  Event& e = events_.emplace_back();
  e.kind = kind;
  e.data = std::move(data);
  return e;
}

void Session::handle_frame(Frame&& frame, std::uint64_t frame_start) {
  switch (frame.opcode) {
    case Opcode::Continuation:
    case Opcode::Text:
    case Opcode::Binary:
      handle_data(std::move(frame), frame_start);
      return;
    case Opcode::Ping: {
      ++pings_received_;
      // §5.5.2: answer with the same payload. Our own Close is the last frame we write
      // (§1.4), so a ping that arrives after it is reported but not answered.
      if (!close_sent_) send_frame(Opcode::Pong, true, frame.payload);
      push_event(EventKind::Ping, std::move(frame.payload));
      return;
    }
    case Opcode::Pong:
      ++pongs_received_;
      push_event(EventKind::Pong, std::move(frame.payload));
      return;
    case Opcode::Close:
      handle_close(frame, frame_start);
      return;
  }
}

void Session::handle_data(Frame&& frame, std::uint64_t frame_start) {
  // §5.4: a message is one Text/Binary frame followed by continuations up to FIN.
  if (frame.opcode == Opcode::Continuation) {
    if (!message_open_) return fail(Errc::UnexpectedContinuation, frame_start);
  } else {
    if (message_open_) return fail(Errc::ExpectedContinuation, frame_start);
    message_open_ = true;
    message_type_ = frame.opcode == Opcode::Text ? MessageType::Text : MessageType::Binary;
    message_.clear();
    utf8_.reset();
  }

  const std::uint64_t payload_start = frame_start + header_size(frame.payload.size(), frame.masked);
  if (message_.size() + frame.payload.size() > options_.max_message_size) {
    return fail(Errc::MessageTooBig, frame_start);
  }
  if (message_type_ == MessageType::Text) {
    // §8.1: validated as it arrives, so a bad byte fails the connection without waiting
    // for the end of the message; a code point may straddle two fragments.
    const std::uint64_t before = utf8_.position();
    if (utf8_.feed(frame.payload) == Status::Error) {
      return fail(Errc::InvalidUtf8, payload_start + (utf8_.position() - before));
    }
    if (frame.fin && utf8_.finish() == Status::Error) {
      return fail(Errc::InvalidUtf8, payload_start + frame.payload.size());
    }
  }
  if (message_.empty()) {
    message_ = std::move(frame.payload);
  } else {
    message_.insert(message_.end(), frame.payload.begin(), frame.payload.end());
  }
  if (!frame.fin) return;

  message_open_ = false;
  push_event(EventKind::Message, std::move(message_)).type = message_type_;
  message_ = {};
}

void Session::handle_close(const Frame& frame, std::uint64_t frame_start) {
  const std::vector<std::uint8_t>& p = frame.payload;
  const std::uint64_t payload_start = frame_start + header_size(p.size(), frame.masked);
  // §5.5.1: the body, if any, starts with a 2-byte code, then a UTF-8 reason.
  if (p.size() == 1) return fail(Errc::ClosePayloadTooShort, payload_start);
  std::optional<std::uint16_t> code;
  std::string reason;
  if (p.size() >= 2) {
    code = static_cast<std::uint16_t>((p[0] << 8) | p[1]);
    if (!is_valid_close_code(*code, options_.accept_registered_close_codes)) {
      return fail(Errc::InvalidCloseCode, payload_start);
    }
    const auto reason_bytes = std::span<const std::uint8_t>(p).subspan(2);
    Utf8Validator v;
    if (v.feed(reason_bytes) == Status::Error || v.finish() == Status::Error) {
      return fail(Errc::InvalidCloseReason, payload_start + 2 + v.position());
    }
    reason.assign(reason_bytes.begin(), reason_bytes.end());
  }

  close_received_ = true;
  close_reason_ = reason;
  const std::uint16_t reported = code.value_or(close_code::kNoStatus);
  Event& e = push_event(EventKind::Close, {});
  e.code = reported;
  e.reason = std::move(reason);
  // §5.5.1: answer a Close we did not start, echoing its code.
  if (!close_sent_) send_close_frame(code, {});
  set_closed(reported);
}

void Session::fail(Errc code, std::uint64_t offset) {
  error_ = Error{code, offset};
  const std::uint16_t wire_code = close_code_for(code);
  if (!close_sent_ && is_valid_close_code(wire_code)) {
    send_close_frame(wire_code, to_string(code));
  }
  // §7.1.7: no further data from the peer is processed.
  set_closed(close_code::kAbnormal);
}

void Session::set_closed(std::uint16_t connection_close_code) {
  state_ = SessionState::Closed;
  connection_close_code_ = connection_close_code;
  message_open_ = false;
  message_.clear();
}

// --- output --------------------------------------------------------------------------

void Session::send_frame(Opcode opcode, bool fin, std::span<const std::uint8_t> payload) {
  Frame head;
  head.fin = fin;
  head.opcode = opcode;
  if (role_ == Role::Client) {
    // §5.3: a fresh key for every frame a client sends; a server never masks.
    head.masked = true;
    head.mask = options_.mask_source();
  }
  encode(head, payload, out_);
}

void Session::send_close_frame(std::optional<std::uint16_t> code, std::string_view reason) {
  std::vector<std::uint8_t> body;
  if (code) {
    body.push_back(static_cast<std::uint8_t>(*code >> 8));
    body.push_back(static_cast<std::uint8_t>(*code));
    body.insert(body.end(), reason.begin(), reason.end());
  }
  send_frame(Opcode::Close, true, body);
  close_sent_ = true;
}

SendStatus Session::send_message(Opcode opcode, std::span<const std::uint8_t> data,
                                 std::size_t fragment_size) {
  if (state_ != SessionState::Open) return SendStatus::NotOpen;
  if (fragment_size == 0 || data.size() <= fragment_size) {
    send_frame(opcode, true, data);
    return SendStatus::Ok;
  }
  for (std::size_t at = 0; at < data.size(); at += fragment_size) {
    const std::size_t n = std::min(fragment_size, data.size() - at);
    send_frame(at == 0 ? opcode : Opcode::Continuation, at + n == data.size(), data.subspan(at, n));
  }
  return SendStatus::Ok;
}

SendStatus Session::send_text(std::string_view text, std::size_t fragment_size) {
  if (state_ != SessionState::Open) return SendStatus::NotOpen;
  if (!is_valid_utf8(text)) return SendStatus::InvalidUtf8;
  return send_message(Opcode::Text, as_bytes(text), fragment_size);
}

SendStatus Session::send_binary(std::span<const std::uint8_t> data, std::size_t fragment_size) {
  return send_message(Opcode::Binary, data, fragment_size);
}

SendStatus Session::ping(std::span<const std::uint8_t> payload) {
  if (state_ != SessionState::Open) return SendStatus::NotOpen;
  if (payload.size() > kMaxControlPayload) return SendStatus::ControlPayloadTooLong;
  send_frame(Opcode::Ping, true, payload);
  return SendStatus::Ok;
}

SendStatus Session::ping(std::string_view payload) {
  return ping(as_bytes(payload));
}

SendStatus Session::pong(std::span<const std::uint8_t> payload) {
  if (state_ != SessionState::Open) return SendStatus::NotOpen;
  if (payload.size() > kMaxControlPayload) return SendStatus::ControlPayloadTooLong;
  send_frame(Opcode::Pong, true, payload);
  return SendStatus::Ok;
}

SendStatus Session::close(std::uint16_t code, std::string_view reason) {
  if (state_ != SessionState::Open) return SendStatus::NotOpen;
  if (code == close_code::kNoStatus) {
    if (!reason.empty()) return SendStatus::InvalidCloseCode;
    send_close_frame(std::nullopt, {});
  } else {
    if (!is_valid_close_code(code, options_.accept_registered_close_codes)) {
      return SendStatus::InvalidCloseCode;
    }
    if (reason.size() > kMaxCloseReason) return SendStatus::ControlPayloadTooLong;
    if (!is_valid_utf8(reason)) return SendStatus::InvalidUtf8;
    send_close_frame(code, reason);
  }
  // §7.1.2: wait for the peer's Close.
  state_ = SessionState::Closing;
  return SendStatus::Ok;
}

std::span<const std::uint8_t> Session::poll_output() const {
  return std::span<const std::uint8_t>(out_).subspan(out_head_);
}

void Session::consume_output(std::size_t n) {
  out_head_ += std::min(n, out_.size() - out_head_);
  if (out_head_ == out_.size()) {
    out_.clear();
    out_head_ = 0;
  }
}

std::vector<std::uint8_t> Session::take_output() {
  if (out_head_ > 0) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_head_));
    out_head_ = 0;
  }
  return std::exchange(out_, {});
}

}  // namespace tcpsim::websocket
