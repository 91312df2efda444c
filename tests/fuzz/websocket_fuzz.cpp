// libFuzzer target for the WebSocket layer. The input is a byte stream as a peer would send
// it; it is fed to a server-role and a client-role session, whole and in pieces, and to a
// bare frame decoder. Invariants: nothing crashes; the split never changes the outcome; a
// failure carries a close code that may be sent (or 1006 for input ending inside a frame),
// an offset inside the input, and leaves exactly one Close frame with that code behind;
// every text message delivered is valid UTF-8; every decoded frame re-encodes to the bytes
// it came from.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "stack/websocket/close_code.hpp"
#include "stack/websocket/frame_decoder.hpp"
#include "stack/websocket/session.hpp"
#include "stack/websocket/utf8.hpp"

namespace {

using namespace tcpsim::websocket;
using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

#define WS_FUZZ_CHECK(cond)                                                             \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

// Small limits so that the size rules are reachable from short inputs.
SessionOptions options_for(std::uint8_t knob) {
  SessionOptions o;
  o.max_frame_payload = 64 + (knob & 0x3F) * 16;
  o.max_message_size = 128 + (knob >> 6) * 256;
  o.accept_registered_close_codes = (knob & 1) != 0;
  o.mask_seed = knob;
  return o;
}

struct Outcome {
  std::vector<Event> events;
  std::optional<Error> error;
  SessionState state = SessionState::Open;
  Bytes output;
};

bool same_events(const std::vector<Event>& a, const std::vector<Event>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Event& x, const Event& y) {
    return x.kind == y.kind && x.type == y.type && x.data == y.data && x.code == y.code &&
           x.reason == y.reason;
  });
}

// Frames in `out`, which a well-behaved session wrote; must decode without error.
std::vector<Frame> frames_of(const Bytes& out, Role writer) {
  DecoderOptions o;
  o.masking = writer == Role::Client ? MaskRule::Required : MaskRule::Forbidden;
  FrameDecoder d(o);
  ByteSpan in(out);
  std::vector<Frame> frames;
  while (!in.empty()) {
    const FeedResult r = d.feed(in);
    WS_FUZZ_CHECK(r.status == Status::Ok);
    in = in.subspan(r.consumed);
    frames.push_back(d.take_frame());
  }
  return frames;
}

Outcome run(Role role, std::uint8_t knob, ByteSpan input, std::size_t piece, bool finish) {
  Session s(role, options_for(knob));
  Outcome o;
  std::size_t at = 0;
  while (at < input.size()) {
    const std::size_t n = std::min(piece, input.size() - at);
    const FeedResult r = s.feed(input.subspan(at, n));
    WS_FUZZ_CHECK(r.consumed <= n);
    if (r.status == Status::Error) break;
    WS_FUZZ_CHECK(r.consumed == n);
    at += n;
  }
  if (finish) (void)s.finish();
  while (auto e = s.poll_event()) o.events.push_back(std::move(*e));
  o.error = s.error();
  o.state = s.state();
  o.output = s.take_output();

  for (const Event& e : o.events) {
    if (e.kind == EventKind::Message && e.type == MessageType::Text) {
      WS_FUZZ_CHECK(is_valid_utf8(ByteSpan(e.data)));
    }
    if (e.kind == EventKind::Close) {
      WS_FUZZ_CHECK(e.code == close_code::kNoStatus || is_valid_close_code(e.code, true));
      WS_FUZZ_CHECK(is_valid_utf8(std::string_view(e.reason)));
    }
    if (e.kind == EventKind::Ping || e.kind == EventKind::Pong) {
      WS_FUZZ_CHECK(e.data.size() <= kMaxControlPayload);
    }
  }

  const std::vector<Frame> sent = frames_of(o.output, role);
  std::size_t closes = 0;
  for (const Frame& f : sent) {
    WS_FUZZ_CHECK(f.fin);
    if (f.opcode == Opcode::Close) ++closes;
  }
  WS_FUZZ_CHECK(closes <= 1);
  if (o.error) {
    const std::uint16_t code = o.error->close_code();
    WS_FUZZ_CHECK(is_valid_close_code(code) || code == close_code::kAbnormal);
    WS_FUZZ_CHECK(o.error->offset <= input.size());
    WS_FUZZ_CHECK(o.state == SessionState::Closed);
    if (code != close_code::kAbnormal) {
      // No Close was sent before the failure (the peer's Close ends reading), so the one
      // Close written is the failure's, with its code.
      WS_FUZZ_CHECK(closes == 1 && sent.back().opcode == Opcode::Close);
      const auto& p = sent.back().payload;
      WS_FUZZ_CHECK(p.size() >= 2 && ((p[0] << 8) | p[1]) == code);
    }
  }
  if (closes == 0) WS_FUZZ_CHECK(o.state != SessionState::Closing);

  // The user API keeps its contract whatever state the input left behind.
  const SendStatus st = s.send_text("echo", 2);
  WS_FUZZ_CHECK((st == SendStatus::Ok) == (o.state == SessionState::Open));
  (void)s.close(close_code::kNormal, "bye");
  for (const Frame& f : frames_of(s.take_output(), role)) WS_FUZZ_CHECK(f.payload.size() < 8);
  return o;
}

void check_role(Role role, std::uint8_t knob, std::size_t piece, ByteSpan input) {
  const Outcome whole = run(role, knob, input, input.size() + 1, false);
  const Outcome split = run(role, knob, input, piece, false);
  WS_FUZZ_CHECK(same_events(whole.events, split.events));
  WS_FUZZ_CHECK(whole.error == split.error);
  WS_FUZZ_CHECK(whole.state == split.state);
  WS_FUZZ_CHECK(whole.output == split.output);
  (void)run(role, knob, input, piece, true);
}

// A lenient bare decoder: every frame it accepts encodes back to exactly the bytes read.
void check_codec(ByteSpan input) {
  DecoderOptions o;
  o.max_frame_payload = 1 << 16;
  o.allowed_rsv = 0x7;
  FrameDecoder d(o);
  ByteSpan in = input;
  std::size_t offset = 0;
  while (!in.empty()) {
    const FeedResult r = d.feed(in);
    WS_FUZZ_CHECK(r.consumed <= in.size());
    if (r.status == Status::Error) {
      WS_FUZZ_CHECK(d.error()->offset <= input.size());
      WS_FUZZ_CHECK(d.error()->code != Errc::TruncatedFrame);
      return;
    }
    if (r.status == Status::NeedMore) {
      WS_FUZZ_CHECK(r.consumed == in.size());
      WS_FUZZ_CHECK(d.finish() == Status::Error && d.error()->code == Errc::TruncatedFrame);
      return;
    }
    const Frame f = d.take_frame();
    Bytes again;
    encode(f, again);
    const std::size_t frame_size = d.position() - offset;
    WS_FUZZ_CHECK(again.size() == frame_size);
    WS_FUZZ_CHECK(std::equal(again.begin(), again.end(), input.begin() + offset));
    offset += frame_size;
    in = in.subspan(r.consumed);
  }
  WS_FUZZ_CHECK(d.finish() == Status::Ok);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Byte 0 picks the limits, byte 1 the piece size for the split run; the rest is the stream.
  const std::uint8_t knob = data[0];
  const std::size_t piece = 1 + data[1] % 17;
  const ByteSpan input(data + 2, size - 2);
  check_role(Role::Server, knob, piece, input);
  check_role(Role::Client, knob, piece, input);
  check_codec(input);
  Utf8Validator v;
  const bool ok = v.feed(input) != Status::Error && v.finish() == Status::Ok;
  WS_FUZZ_CHECK(ok == is_valid_utf8(input));
  return 0;
}
