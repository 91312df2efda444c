#include "stack/websocket/session.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tcpsim::websocket {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// A frame as the peer would put it on the wire: clients mask (with a fixed key here),
// servers do not.
Bytes wire(Role from, Opcode op, const Bytes& payload, bool fin = true) {
  Frame f;
  f.fin = fin;
  f.opcode = op;
  f.payload = payload;
  if (from == Role::Client) {
    f.masked = true;
    f.mask = {0xA1, 0xB2, 0xC3, 0xD4};
  }
  Bytes out;
  encode(f, out);
  return out;
}

Bytes close_body(std::uint16_t code, std::string_view reason = {}) {
  Bytes b = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
  b.insert(b.end(), reason.begin(), reason.end());
  return b;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Frames a session has written, decoded with the rule its peer would apply.
std::vector<Frame> sent_frames(Session& s) {
  DecoderOptions o;
  o.masking = s.role() == Role::Client ? MaskRule::Required : MaskRule::Forbidden;
  FrameDecoder d(o);
  const Bytes out = s.take_output();
  std::span<const std::uint8_t> in(out);
  std::vector<Frame> frames;
  while (!in.empty()) {
    const FeedResult r = d.feed(in);
    in = in.subspan(r.consumed);
    EXPECT_EQ(r.status, Status::Ok) << (d.error() ? d.error()->message() : "incomplete");
    if (r.status != Status::Ok) break;
    frames.push_back(d.take_frame());
  }
  return frames;
}

// The peer of `from`'s viewpoint: a server is fed client frames and vice versa.
Role peer_of(Role r) {
  return r == Role::Server ? Role::Client : Role::Server;
}

class SessionTest : public testing::Test {
 protected:
  FeedResult inject(Session& s, const Bytes& b) { return s.feed(b); }
  FeedResult inject(Session& s, Opcode op, const Bytes& payload, bool fin = true) {
    return s.feed(wire(peer_of(s.role()), op, payload, fin));
  }
  // The session failed with `code`, sent exactly one Close frame carrying the matching
  // close code, and reads nothing more.
  void expect_failed(Session& s, Errc code, std::uint16_t close) {
    ASSERT_TRUE(s.error().has_value()) << "no failure";
    EXPECT_EQ(s.error()->code, code) << *s.error();
    EXPECT_EQ(s.error()->close_code(), close);
    EXPECT_EQ(s.state(), SessionState::Closed);
    const auto frames = sent_frames(s);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].opcode, Opcode::Close);
    ASSERT_GE(frames[0].payload.size(), 2u);
    EXPECT_EQ((frames[0].payload[0] << 8) | frames[0].payload[1], close);
    EXPECT_EQ(s.feed(wire(peer_of(s.role()), Opcode::Text, text("late"))).status, Status::Error);
    EXPECT_FALSE(s.has_output());
  }
  std::vector<Event> events(Session& s) {
    std::vector<Event> out;
    while (auto e = s.poll_event()) out.push_back(std::move(*e));
    return out;
  }

  Session server{Role::Server};
  Session client{Role::Client};
};

// --- messages --------------------------------------------------------------------------------

TEST_F(SessionTest, Server_MaskedText_MessageEvent) {
  EXPECT_EQ(inject(server, Opcode::Text, text("Hello")), (FeedResult{11, Status::Ok}));
  const auto ev = events(server);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::Message);
  EXPECT_EQ(ev[0].type, MessageType::Text);
  EXPECT_EQ(ev[0].text(), "Hello");
  EXPECT_FALSE(server.has_output());
}

TEST_F(SessionTest, Client_Rfc5_7FragmentedHello_OneMessage) {
  const Bytes bytes = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  EXPECT_EQ(inject(client, bytes), (FeedResult{9, Status::Ok}));
  const auto ev = events(client);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].text(), "Hello");
}

TEST_F(SessionTest, Server_PartialFrame_NeedMoreThenMessage) {
  const Bytes bytes = wire(Role::Client, Opcode::Binary, Bytes(300, 7));
  EXPECT_EQ(server.feed(std::span<const std::uint8_t>(bytes).first(100)),
            (FeedResult{100, Status::NeedMore}));
  EXPECT_FALSE(server.poll_event());
  EXPECT_EQ(server.feed(std::span<const std::uint8_t>(bytes).subspan(100)),
            (FeedResult{bytes.size() - 100, Status::Ok}));
  const auto ev = events(server);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, MessageType::Binary);
  EXPECT_EQ(ev[0].data, Bytes(300, 7));
}

TEST_F(SessionTest, Server_ControlFramesBetweenFragments_MessageAssembled) {
  const Bytes stream = concat({wire(Role::Client, Opcode::Text, text("frag"), false),
                               wire(Role::Client, Opcode::Ping, text("p1")),
                               wire(Role::Client, Opcode::Continuation, text("men"), false),
                               wire(Role::Client, Opcode::Pong, text("p2")),
                               wire(Role::Client, Opcode::Continuation, text("ted"))});
  for (std::size_t i = 0; i < stream.size(); ++i) {
    EXPECT_NE(server.feed(std::span<const std::uint8_t>(&stream[i], 1)).status, Status::Error);
  }
  const auto ev = events(server);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, EventKind::Ping);
  EXPECT_EQ(ev[0].data, text("p1"));
  EXPECT_EQ(ev[1].kind, EventKind::Pong);
  EXPECT_EQ(ev[2].kind, EventKind::Message);
  EXPECT_EQ(ev[2].text(), "fragmented");
  EXPECT_EQ(server.pings_received(), 1u);
  EXPECT_EQ(server.pongs_received(), 1u);
  const auto out = sent_frames(server);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].opcode, Opcode::Pong);
  EXPECT_EQ(out[0].payload, text("p1"));
}

TEST_F(SessionTest, Server_Ping_UnmaskedPongSamePayload) {
  ASSERT_EQ(inject(server, Opcode::Ping, text("Hello")).status, Status::Ok);
  // RFC 6455 §5.7: the unmasked pong of "Hello".
  EXPECT_EQ(server.take_output(), (Bytes{0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST_F(SessionTest, Client_Ping_PongMaskedWithCallerKey) {
  SessionOptions o;
  o.mask_source = [] { return MaskKey{0x37, 0xfa, 0x21, 0x3d}; };
  Session c(Role::Client, o);
  ASSERT_EQ(inject(c, Opcode::Ping, text("Hello")).status, Status::Ok);
  // RFC 6455 §5.7: the masked pong of "Hello".
  EXPECT_EQ(c.take_output(),
            (Bytes{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST_F(SessionTest, Client_SendText_MaskedRfcBytes) {
  SessionOptions o;
  o.mask_source = [] { return MaskKey{0x37, 0xfa, 0x21, 0x3d}; };
  Session c(Role::Client, o);
  EXPECT_EQ(c.send_text("Hello"), SendStatus::Ok);
  EXPECT_EQ(c.take_output(),
            (Bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST_F(SessionTest, Server_SendFragmentedText_Rfc5_7Bytes) {
  EXPECT_EQ(server.send_text("Hello", 3), SendStatus::Ok);
  EXPECT_EQ(server.take_output(), (Bytes{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
}

TEST_F(SessionTest, Client_SendBinaryFragments_EachFrameFreshKey) {
  Bytes data(10);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(client.send_binary(data, 4), SendStatus::Ok);
  const auto frames = sent_frames(client);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].opcode, Opcode::Binary);
  EXPECT_FALSE(frames[0].fin);
  EXPECT_EQ(frames[1].opcode, Opcode::Continuation);
  EXPECT_FALSE(frames[1].fin);
  EXPECT_EQ(frames[2].opcode, Opcode::Continuation);
  EXPECT_TRUE(frames[2].fin);
  EXPECT_EQ(frames[2].payload, (Bytes{8, 9}));
  EXPECT_NE(frames[0].mask, frames[1].mask);
}

TEST_F(SessionTest, Client_SameSeed_SameBytes) {
  SessionOptions o;
  o.mask_seed = 99;
  Session a(Role::Client, o), b(Role::Client, o);
  for (Session* s : {&a, &b}) {
    ASSERT_EQ(s->send_text("deterministic", 5), SendStatus::Ok);
    ASSERT_EQ(s->ping("x"), SendStatus::Ok);
    ASSERT_EQ(s->close(1000, "done"), SendStatus::Ok);
  }
  EXPECT_EQ(a.take_output(), b.take_output());
}

TEST_F(SessionTest, Server_SendEmptyText_OneEmptyFrame) {
  EXPECT_EQ(server.send_text("", 4), SendStatus::Ok);
  EXPECT_EQ(server.take_output(), (Bytes{0x81, 0x00}));
}

TEST_F(SessionTest, SendText_InvalidUtf8_Refused) {
  EXPECT_EQ(server.send_text("\xC0\xAF"), SendStatus::InvalidUtf8);
  EXPECT_FALSE(server.has_output());
}

TEST_F(SessionTest, PingOver125_Refused) {
  EXPECT_EQ(server.ping(Bytes(126, 0)), SendStatus::ControlPayloadTooLong);
  EXPECT_EQ(server.pong(Bytes(126, 0)), SendStatus::ControlPayloadTooLong);
  EXPECT_EQ(server.ping(Bytes(125, 0)), SendStatus::Ok);
  EXPECT_EQ(server.pong(Bytes(0, 0)), SendStatus::Ok);
  EXPECT_EQ(sent_frames(server).size(), 2u);
}

TEST_F(SessionTest, Output_PartialConsume_KeepsRest) {
  ASSERT_EQ(server.send_text("abc"), SendStatus::Ok);
  ASSERT_EQ(server.poll_output().size(), 5u);
  server.consume_output(2);
  EXPECT_EQ(Bytes(server.poll_output().begin(), server.poll_output().end()), text("abc"));
  ASSERT_EQ(server.send_text("d"), SendStatus::Ok);
  EXPECT_EQ(server.take_output(), (Bytes{'a', 'b', 'c', 0x81, 0x01, 'd'}));
  EXPECT_FALSE(server.has_output());
  server.consume_output(10);
  EXPECT_TRUE(server.poll_output().empty());
}

// --- UTF-8 in text messages --------------------------------------------------------------------

TEST_F(SessionTest, Server_CodePointSplitAcrossFragments_Ok) {
  const Bytes euro = {0xE2, 0x82, 0xAC};
  ASSERT_EQ(inject(server, Opcode::Text, {euro[0]}, false).status, Status::Ok);
  ASSERT_EQ(inject(server, Opcode::Continuation, {euro[1]}, false).status, Status::Ok);
  ASSERT_EQ(inject(server, Opcode::Continuation, {euro[2]}).status, Status::Ok);
  const auto ev = events(server);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, euro);
  EXPECT_FALSE(server.error());
}

TEST_F(SessionTest, Server_InvalidUtf8InFirstFragment_1007WithoutWaitingForFin) {
  EXPECT_EQ(inject(server, Opcode::Text, {'o', 'k', 0xFF}, false).status, Status::Error);
  EXPECT_EQ(server.error()->offset, 6u + 2u);  // header of 6 bytes, then "ok", then 0xFF
  expect_failed(server, Errc::InvalidUtf8, 1007);
}

TEST_F(SessionTest, Server_SurrogateInLaterFragment_1007) {
  ASSERT_EQ(inject(server, Opcode::Text, text("a"), false).status, Status::Ok);
  EXPECT_EQ(inject(server, Opcode::Continuation, {0xED, 0xA0, 0x80}).status, Status::Error);
  expect_failed(server, Errc::InvalidUtf8, 1007);
}

TEST_F(SessionTest, Server_IncompleteCodePointAtMessageEnd_1007) {
  EXPECT_EQ(inject(server, Opcode::Text, {'a', 0xF0, 0x9F}).status, Status::Error);
  expect_failed(server, Errc::InvalidUtf8, 1007);
}

TEST_F(SessionTest, Server_InvalidUtf8InBinary_Accepted) {
  EXPECT_EQ(inject(server, Opcode::Binary, {0xFF, 0xC0}).status, Status::Ok);
  EXPECT_EQ(events(server).size(), 1u);
}

// --- fail-the-connection rules -----------------------------------------------------------------

TEST_F(SessionTest, Server_UnmaskedFrame_1002) {
  EXPECT_EQ(inject(server, wire(Role::Server, Opcode::Text, text("hi"))).status, Status::Error);
  expect_failed(server, Errc::UnmaskedFrame, 1002);
}

TEST_F(SessionTest, Client_MaskedFrame_1002) {
  EXPECT_EQ(inject(client, wire(Role::Client, Opcode::Text, text("hi"))).status, Status::Error);
  expect_failed(client, Errc::MaskedFrame, 1002);
}

TEST_F(SessionTest, Server_RsvBitWithoutExtension_1002) {
  Bytes b = wire(Role::Client, Opcode::Text, text("hi"));
  b[0] |= 0x40;  // RSV1, as permessage-deflate would use
  inject(server, b);
  expect_failed(server, Errc::ReservedBits, 1002);
}

TEST_F(SessionTest, Server_ReservedOpcode_1002) {
  inject(server, wire(Role::Client, static_cast<Opcode>(0x3), {}));
  expect_failed(server, Errc::UnknownOpcode, 1002);
  inject(client, wire(Role::Server, static_cast<Opcode>(0xB), {}));
  expect_failed(client, Errc::UnknownOpcode, 1002);
}

TEST_F(SessionTest, Server_PingOver125_1002) {
  inject(server, Opcode::Ping, Bytes(126, 'x'));
  expect_failed(server, Errc::ControlFrameTooLong, 1002);
}

TEST_F(SessionTest, Server_FragmentedPing_1002) {
  inject(server, Opcode::Ping, text("x"), false);
  expect_failed(server, Errc::FragmentedControlFrame, 1002);
}

TEST_F(SessionTest, Server_ContinuationWithoutMessage_1002) {
  inject(server, Opcode::Continuation, text("orphan"));
  expect_failed(server, Errc::UnexpectedContinuation, 1002);
}

TEST_F(SessionTest, Server_NewMessageWhileFragmentOpen_1002) {
  ASSERT_EQ(inject(server, Opcode::Text, text("one"), false).status, Status::Ok);
  EXPECT_EQ(inject(server, Opcode::Binary, text("two")).status, Status::Error);
  expect_failed(server, Errc::ExpectedContinuation, 1002);
}

TEST_F(SessionTest, Server_MessageOverLimit_1009) {
  SessionOptions o;
  o.max_message_size = 10;
  Session s(Role::Server, o);
  ASSERT_EQ(inject(s, Opcode::Binary, Bytes(6, 1), false).status, Status::Ok);
  EXPECT_EQ(inject(s, Opcode::Continuation, Bytes(5, 2)).status, Status::Error);
  expect_failed(s, Errc::MessageTooBig, 1009);
}

TEST_F(SessionTest, Server_MessageAtLimit_Delivered) {
  SessionOptions o;
  o.max_message_size = 10;
  Session s(Role::Server, o);
  ASSERT_EQ(inject(s, Opcode::Binary, Bytes(6, 1), false).status, Status::Ok);
  ASSERT_EQ(inject(s, Opcode::Continuation, Bytes(4, 2)).status, Status::Ok);
  EXPECT_EQ(events(s).at(0).data.size(), 10u);
}

TEST_F(SessionTest, Server_FrameOverLimit_1009) {
  SessionOptions o;
  o.max_frame_payload = 100;
  Session s(Role::Server, o);
  inject(s, Opcode::Binary, Bytes(101, 1));
  expect_failed(s, Errc::FrameTooBig, 1009);
}

TEST_F(SessionTest, Server_CloseWithOneBytePayload_1002) {
  inject(server, Opcode::Close, {0x03});
  expect_failed(server, Errc::ClosePayloadTooShort, 1002);
}

TEST_F(SessionTest, Server_CloseReasonNotUtf8_1007) {
  Bytes body = close_body(1000);
  body.push_back(0xC3);  // lead byte with nothing after it
  inject(server, Opcode::Close, body);
  expect_failed(server, Errc::InvalidCloseReason, 1007);
  EXPECT_FALSE(server.close_received());
}

TEST_F(SessionTest, Server_InvalidCloseCodes_1002) {
  for (std::uint16_t code :
       {0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    Session s(Role::Server);
    inject(s, Opcode::Close, close_body(code));
    SCOPED_TRACE(code);
    expect_failed(s, Errc::InvalidCloseCode, 1002);
  }
}

TEST_F(SessionTest, Server_ValidCloseCodes_Echoed) {
  for (std::uint16_t code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    Session s(Role::Server);
    ASSERT_EQ(inject(s, Opcode::Close, close_body(code, "r")).status, Status::Ok) << code;
    EXPECT_EQ(s.state(), SessionState::Closed);
    EXPECT_EQ(s.connection_close_code(), code);
    const auto out = sent_frames(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload, close_body(code)) << code;
  }
}

TEST_F(SessionTest, Server_RegisteredCloseCodesWhenAllowed_Echoed) {
  SessionOptions o;
  o.accept_registered_close_codes = true;
  for (std::uint16_t code : {1012, 1013, 1014}) {
    Session s(Role::Server, o);
    ASSERT_EQ(inject(s, Opcode::Close, close_body(code)).status, Status::Ok) << code;
    EXPECT_EQ(s.connection_close_code(), code);
  }
  Session s(Role::Server, o);
  inject(s, Opcode::Close, close_body(1015));
  expect_failed(s, Errc::InvalidCloseCode, 1002);
}

TEST_F(SessionTest, Server_FailureAfterOwnClose_NoSecondClose) {
  ASSERT_EQ(server.close(1001, "shutting down"), SendStatus::Ok);
  ASSERT_EQ(sent_frames(server).size(), 1u);
  EXPECT_EQ(inject(server, Opcode::Continuation, text("x")).status, Status::Error);
  EXPECT_EQ(server.error()->code, Errc::UnexpectedContinuation);
  EXPECT_EQ(server.state(), SessionState::Closed);
  EXPECT_FALSE(server.has_output());
}

TEST_F(SessionTest, Failure_CloseFrame_ReasonNamesRule) {
  inject(server, Opcode::Continuation, text("orphan"));
  const auto out = sent_frames(server);
  ASSERT_EQ(out.size(), 1u);
  const std::string reason(out[0].payload.begin() + 2, out[0].payload.end());
  EXPECT_EQ(reason, to_string(Errc::UnexpectedContinuation));
  EXPECT_EQ(server.connection_close_code(), 1006);
}

TEST_F(SessionTest, Failure_Offset_CountsFromStreamStart) {
  const Bytes stream = concat({wire(Role::Client, Opcode::Text, text("ok")),  // 8 bytes
                               wire(Role::Client, Opcode::Continuation, text("x"))});
  EXPECT_EQ(server.feed(stream).status, Status::Error);
  EXPECT_EQ(server.error()->offset, 8u);
  EXPECT_EQ(events(server).size(), 1u);  // the first message was still delivered
}

// --- closing handshake ------------------------------------------------------------------------

TEST_F(SessionTest, Server_PeerStartsClose_EchoAndClosed) {
  ASSERT_EQ(inject(server, Opcode::Close, close_body(1001, "bye")).status, Status::Ok);
  EXPECT_EQ(server.state(), SessionState::Closed);
  EXPECT_TRUE(server.close_received());
  EXPECT_TRUE(server.close_sent());
  EXPECT_EQ(server.connection_close_code(), 1001);
  EXPECT_EQ(server.close_reason(), "bye");
  const auto ev = events(server);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::Close);
  EXPECT_EQ(ev[0].code, 1001);
  EXPECT_EQ(ev[0].reason, "bye");
  EXPECT_EQ(server.take_output(), (Bytes{0x88, 0x02, 0x03, 0xE9}));
  EXPECT_EQ(server.send_text("late"), SendStatus::NotOpen);
  EXPECT_EQ(server.close(), SendStatus::NotOpen);
}

TEST_F(SessionTest, Client_EmptyClose_EmptyEchoAnd1005) {
  ASSERT_EQ(inject(client, Opcode::Close, {}).status, Status::Ok);
  EXPECT_EQ(client.connection_close_code(), 1005);
  EXPECT_EQ(events(client).at(0).code, 1005);
  const auto out = sent_frames(client);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].opcode, Opcode::Close);
  EXPECT_TRUE(out[0].payload.empty());
  EXPECT_TRUE(out[0].masked);
}

TEST_F(SessionTest, Server_StartsClose_ClosingThenClosed) {
  ASSERT_EQ(server.close(1000, "done"), SendStatus::Ok);
  EXPECT_EQ(server.state(), SessionState::Closing);
  const auto out = sent_frames(server);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, close_body(1000, "done"));
  EXPECT_EQ(server.send_binary(Bytes{1}), SendStatus::NotOpen);
  EXPECT_EQ(server.ping(), SendStatus::NotOpen);

  // Data still in flight from the peer is delivered; its pings are not answered.
  ASSERT_EQ(inject(server, Opcode::Text, text("in flight")).status, Status::Ok);
  ASSERT_EQ(inject(server, Opcode::Ping, text("?")).status, Status::Ok);
  EXPECT_FALSE(server.has_output());
  ASSERT_EQ(inject(server, Opcode::Close, close_body(1000)).status, Status::Ok);
  EXPECT_EQ(server.state(), SessionState::Closed);
  EXPECT_FALSE(server.has_output());  // no second Close
  const auto ev = events(server);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].text(), "in flight");
  EXPECT_EQ(ev[1].kind, EventKind::Ping);
  EXPECT_EQ(ev[2].kind, EventKind::Close);
  EXPECT_FALSE(server.error());
}

TEST_F(SessionTest, Closed_LaterBytes_Ignored) {
  const Bytes stream = concat({wire(Role::Client, Opcode::Close, close_body(1000)),
                               wire(Role::Client, Opcode::Text, text("after"))});
  EXPECT_EQ(server.feed(stream), (FeedResult{stream.size(), Status::Ok}));
  EXPECT_EQ(events(server).size(), 1u);
  EXPECT_EQ(server.feed(stream), (FeedResult{stream.size(), Status::Ok}));
  EXPECT_TRUE(events(server).empty());
}

TEST_F(SessionTest, Close_BadArguments_Refused) {
  EXPECT_EQ(server.close(1005, "x"), SendStatus::InvalidCloseCode);
  EXPECT_EQ(server.close(1006), SendStatus::InvalidCloseCode);
  EXPECT_EQ(server.close(999), SendStatus::InvalidCloseCode);
  EXPECT_EQ(server.close(1000, std::string(124, 'r')), SendStatus::ControlPayloadTooLong);
  EXPECT_EQ(server.close(1000, "\xFF"), SendStatus::InvalidUtf8);
  EXPECT_FALSE(server.has_output());
  EXPECT_EQ(server.state(), SessionState::Open);
  EXPECT_EQ(server.close(1000, std::string(123, 'r')), SendStatus::Ok);
}

TEST_F(SessionTest, Close_NoStatus_EmptyBody) {
  EXPECT_EQ(server.close(close_code::kNoStatus), SendStatus::Ok);
  EXPECT_EQ(server.take_output(), (Bytes{0x88, 0x00}));
}

TEST_F(SessionTest, Finish_AfterHandshake_Ok) {
  ASSERT_EQ(inject(server, Opcode::Close, close_body(1000)).status, Status::Ok);
  EXPECT_EQ(server.finish(), Status::Ok);
  EXPECT_EQ(server.connection_close_code(), 1000);
}

TEST_F(SessionTest, Finish_WithoutClose_Abnormal1006) {
  ASSERT_EQ(inject(server, Opcode::Text, text("hi"), false).status, Status::Ok);
  EXPECT_EQ(server.finish(), Status::Ok);
  EXPECT_EQ(server.state(), SessionState::Closed);
  EXPECT_EQ(server.connection_close_code(), 1006);
  EXPECT_FALSE(server.error());
}

TEST_F(SessionTest, Finish_InsideFrame_TruncatedError) {
  const Bytes b = wire(Role::Client, Opcode::Text, text("Hello"));
  ASSERT_EQ(server.feed(std::span<const std::uint8_t>(b).first(5)).status, Status::NeedMore);
  EXPECT_EQ(server.finish(), Status::Error);
  EXPECT_EQ(server.error()->code, Errc::TruncatedFrame);
  EXPECT_EQ(server.error()->close_code(), 1006);
  EXPECT_EQ(server.connection_close_code(), 1006);
  EXPECT_FALSE(server.has_output());  // the transport is gone; nothing to send
}

// --- two sessions talking --------------------------------------------------------------------

void pump(Session& from, Session& to) {
  const Bytes b = from.take_output();
  if (b.empty()) return;
  EXPECT_NE(to.feed(b).status, Status::Error) << *to.error();
}

TEST_F(SessionTest, ClientServer_Conversation_ClosedCleanly) {
  ASSERT_EQ(client.send_text("héllo wörld", 4), SendStatus::Ok);
  ASSERT_EQ(client.ping("are you there"), SendStatus::Ok);
  pump(client, server);
  ASSERT_EQ(server.send_binary(Bytes(70000, 0x42), 30000), SendStatus::Ok);
  pump(server, client);

  auto sev = events(server);
  ASSERT_EQ(sev.size(), 2u);
  EXPECT_EQ(sev[0].text(), "héllo wörld");
  EXPECT_EQ(sev[1].kind, EventKind::Ping);
  auto cev = events(client);
  ASSERT_EQ(cev.size(), 2u);
  EXPECT_EQ(cev[0].kind, EventKind::Pong);
  EXPECT_EQ(cev[0].text(), "are you there");
  EXPECT_EQ(cev[1].data, Bytes(70000, 0x42));

  ASSERT_EQ(client.close(4001, "app done"), SendStatus::Ok);
  pump(client, server);
  EXPECT_EQ(server.state(), SessionState::Closed);
  pump(server, client);
  EXPECT_EQ(client.state(), SessionState::Closed);
  EXPECT_EQ(client.connection_close_code(), 4001);
  EXPECT_EQ(server.connection_close_code(), 4001);
  EXPECT_EQ(server.close_reason(), "app done");
  EXPECT_FALSE(client.error());
  EXPECT_FALSE(server.error());
}

TEST_F(SessionTest, ClientServer_ServerStartsClose_BothClosed) {
  ASSERT_EQ(server.close(1001, "restarting"), SendStatus::Ok);
  pump(server, client);
  EXPECT_EQ(client.state(), SessionState::Closed);
  EXPECT_EQ(client.connection_close_code(), 1001);
  EXPECT_EQ(client.close_reason(), "restarting");
  EXPECT_EQ(server.state(), SessionState::Closing);
  pump(client, server);
  EXPECT_EQ(server.state(), SessionState::Closed);
  EXPECT_EQ(server.connection_close_code(), 1001);  // echoed by the client
  EXPECT_TRUE(server.close_received());
  EXPECT_FALSE(server.has_output());
  EXPECT_FALSE(client.has_output());
  EXPECT_EQ(server.finish(), Status::Ok);
  EXPECT_EQ(client.finish(), Status::Ok);
}

// --- close code table ---------------------------------------------------------------------

TEST(CloseCode, Validity_MatchesRfc6455Section7_4) {
  for (std::uint32_t c = 0; c <= 0xFFFF; ++c) {
    const auto code = static_cast<std::uint16_t>(c);
    const bool rfc =
        (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1011) || (c >= 3000 && c <= 4999);
    const bool registered = c >= 1012 && c <= 1014;
    ASSERT_EQ(is_valid_close_code(code), rfc) << c;
    ASSERT_EQ(is_valid_close_code(code, true), rfc || registered) << c;
  }
  EXPECT_EQ(close_code_name(1000), "normal closure");
  EXPECT_EQ(close_code_name(4123), "private use");
  EXPECT_EQ(close_code_name(2000), "unknown");
}

TEST(CloseCode, EveryErrc_HasSendableCodeOrIsLocal) {
  for (int i = 0; i <= static_cast<int>(Errc::TruncatedFrame); ++i) {
    const auto e = static_cast<Errc>(i);
    const std::uint16_t code = close_code_for(e);
    EXPECT_TRUE(is_valid_close_code(code) || code == close_code::kAbnormal) << e;
    EXPECT_NE(to_string(e), "unknown error");
  }
  EXPECT_EQ((Error{Errc::UnknownOpcode, 12}).message(), "unknown opcode at byte 12 (close 1002)");
}

}  // namespace
}  // namespace tcpsim::websocket
