#include "stack/websocket/frame.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "stack/websocket/frame_decoder.hpp"

namespace tcpsim::websocket {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Frame make(Opcode op, Bytes payload, bool fin = true) {
  Frame f;
  f.opcode = op;
  f.fin = fin;
  f.payload = std::move(payload);
  return f;
}

Frame masked(Frame f, MaskKey key) {
  f.masked = true;
  f.mask = key;
  return f;
}

Bytes encoded(const Frame& f) {
  Bytes out;
  encode(f, out);
  return out;
}

// Decodes every frame in `bytes` fed in pieces of the given sizes (cycled).
std::vector<Frame> decode_in_pieces(const Bytes& bytes, const std::vector<std::size_t>& sizes,
                                    DecoderOptions options = {}) {
  FrameDecoder d(options);
  std::vector<Frame> frames;
  std::size_t at = 0;
  std::size_t k = 0;
  while (at < bytes.size()) {
    const std::size_t n = std::min(sizes[k++ % sizes.size()], bytes.size() - at);
    std::span<const std::uint8_t> piece(bytes.data() + at, n);
    while (true) {
      const FeedResult r = d.feed(piece);
      EXPECT_NE(r.status, Status::Error) << *d.error();
      if (r.status == Status::Error) return frames;
      piece = piece.subspan(r.consumed);
      if (r.status == Status::NeedMore) break;
      frames.push_back(d.take_frame());
      if (piece.empty()) break;
    }
    at += n;
  }
  EXPECT_EQ(d.finish(), Status::Ok);
  EXPECT_EQ(d.position(), bytes.size());
  return frames;
}

Error decode_error(const Bytes& bytes, DecoderOptions options = {}) {
  FrameDecoder d(options);
  std::span<const std::uint8_t> in(bytes);
  for (;;) {
    const FeedResult r = d.feed(in);
    in = in.subspan(r.consumed);
    if (r.status == Status::Error) return *d.error();
    if (r.status == Status::NeedMore) break;
    d.take_frame();
  }
  ADD_FAILURE() << "no error";
  return {};
}

constexpr MaskKey kRfcMask = {0x37, 0xfa, 0x21, 0x3d};

// --- RFC 6455 §5.7 examples, byte for byte -------------------------------------------------

TEST(FrameCodec, Rfc5_7UnmaskedHello_ByteExact) {
  const Bytes wire = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  const Frame f = make(Opcode::Text, text("Hello"));
  EXPECT_EQ(encoded(f), wire);
  EXPECT_EQ(encoded_size(f), wire.size());
  EXPECT_EQ(decode_in_pieces(wire, {wire.size()}), std::vector<Frame>{f});
}

TEST(FrameCodec, Rfc5_7MaskedHello_ByteExact) {
  const Bytes wire = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  const Frame f = masked(make(Opcode::Text, text("Hello")), kRfcMask);
  EXPECT_EQ(encoded(f), wire);
  const auto frames = decode_in_pieces(wire, {wire.size()});
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], f);
  EXPECT_EQ(frames[0].payload, text("Hello"));  // unmasked on the way in
}

TEST(FrameCodec, Rfc5_7FragmentedHello_ByteExact) {
  const Bytes wire = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  const Frame first = make(Opcode::Text, text("Hel"), false);
  const Frame second = make(Opcode::Continuation, text("lo"));
  Bytes out;
  encode(first, out);
  encode(second, out);
  EXPECT_EQ(out, wire);
  EXPECT_EQ(decode_in_pieces(wire, {1}), (std::vector<Frame>{first, second}));
}

TEST(FrameCodec, Rfc5_7PingAndMaskedPong_ByteExact) {
  const Bytes ping = {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  const Bytes pong = {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  EXPECT_EQ(encoded(make(Opcode::Ping, text("Hello"))), ping);
  EXPECT_EQ(encoded(masked(make(Opcode::Pong, text("Hello")), kRfcMask)), pong);
  EXPECT_EQ(decode_in_pieces(ping, {3})[0].opcode, Opcode::Ping);
  EXPECT_EQ(decode_in_pieces(pong, {3})[0].payload, text("Hello"));
}

TEST(FrameCodec, Rfc5_7Binary256_SixteenBitLength) {
  Bytes payload(256);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  const Frame f = make(Opcode::Binary, payload);
  const Bytes wire = encoded(f);
  ASSERT_EQ(wire.size(), 4u + 256u);
  EXPECT_EQ((Bytes(wire.begin(), wire.begin() + 4)), (Bytes{0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ((Bytes(wire.begin() + 4, wire.end())), payload);
  EXPECT_EQ(decode_in_pieces(wire, {7, 1, 100}), std::vector<Frame>{f});
}

TEST(FrameCodec, Rfc5_7Binary64KiB_SixtyFourBitLength) {
  Bytes payload(65536);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  const Frame f = make(Opcode::Binary, payload);
  const Bytes wire = encoded(f);
  ASSERT_EQ(wire.size(), 10u + 65536u);
  EXPECT_EQ((Bytes(wire.begin(), wire.begin() + 10)),
            (Bytes{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
  EXPECT_EQ(decode_in_pieces(wire, {4096, 3}), std::vector<Frame>{f});
}

// --- length forms --------------------------------------------------------------------------

TEST(FrameCodec, LengthBoundaries_MinimalForm) {
  struct Case {
    std::size_t size;
    std::size_t header;
  };
  for (const Case c : {Case{0, 2}, Case{125, 2}, Case{126, 4}, Case{65535, 4}, Case{65536, 10}}) {
    const Frame f = make(Opcode::Binary, Bytes(c.size, 0xAB));
    EXPECT_EQ(header_size(c.size, false), c.header);
    EXPECT_EQ(header_size(c.size, true), c.header + 4);
    EXPECT_EQ(encoded(f).size(), c.header + c.size);
    EXPECT_EQ(decode_in_pieces(encoded(f), {c.size + c.header}), std::vector<Frame>{f});
  }
}

TEST(FrameCodec, RsvBitsAndMask_RoundTrip) {
  Frame f = masked(make(Opcode::Binary, text("data"), false), {9, 8, 7, 6});
  f.rsv1 = f.rsv3 = true;
  DecoderOptions o;
  o.allowed_rsv = 0x5;
  const Bytes wire = encoded(f);
  EXPECT_EQ(wire[0], 0x52);
  EXPECT_EQ(decode_in_pieces(wire, {2}, o), std::vector<Frame>{f});
}

// --- splits --------------------------------------------------------------------------------

Bytes mixed_stream() {
  Bytes out;
  encode(masked(make(Opcode::Text, text("Hel"), false), {1, 2, 3, 4}), out);
  encode(make(Opcode::Ping, {}), out);
  encode(masked(make(Opcode::Continuation, text("lo")), {5, 6, 7, 8}), out);
  encode(make(Opcode::Binary, Bytes(300, 0x5A)), out);
  encode(masked(make(Opcode::Binary, Bytes(70000, 0xA5)), {0xff, 0, 0xff, 0}), out);
  encode(make(Opcode::Close, {0x03, 0xE8}), out);
  return out;
}

TEST(FrameDecoder, OneByteAtATime_SameFrames) {
  const Bytes wire = mixed_stream();
  const auto whole = decode_in_pieces(wire, {wire.size()});
  ASSERT_EQ(whole.size(), 6u);
  EXPECT_EQ(decode_in_pieces(wire, {1}), whole);
}

TEST(FrameDecoder, RandomSplits_SameFrames) {
  const Bytes wire = mixed_stream();
  const auto whole = decode_in_pieces(wire, {wire.size()});
  std::mt19937 rng(6455);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 64; ++i) sizes.push_back(1 + rng() % (round < 25 ? 16 : 5000));
    EXPECT_EQ(decode_in_pieces(wire, sizes), whole) << "round " << round;
  }
}

TEST(FrameDecoder, ZeroLengthFrame_CompletesWithHeader) {
  FrameDecoder d;
  const Bytes wire = {0x89, 0x00, 0x8A};
  const FeedResult r = d.feed(wire);
  EXPECT_EQ(r, (FeedResult{2, Status::Ok}));
  EXPECT_TRUE(d.has_frame());
  EXPECT_TRUE(d.take_frame().payload.empty());
  EXPECT_EQ(d.feed(std::span<const std::uint8_t>(wire).subspan(2)),
            (FeedResult{1, Status::NeedMore}));
  EXPECT_FALSE(d.at_boundary());
}

// --- decoder errors --------------------------------------------------------------------------

TEST(FrameDecoder, ReservedBits_Error1002) {
  for (std::uint8_t b0 : {0xC1, 0xA1, 0x91}) {
    const Error e = decode_error({b0, 0x00});
    EXPECT_EQ(e.code, Errc::ReservedBits);
    EXPECT_EQ(e.close_code(), 1002);
    EXPECT_EQ(e.offset, 0u);
  }
}

TEST(FrameDecoder, ReservedOpcodes_Error1002) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    const Error e = decode_error({0x81, 0x00, static_cast<std::uint8_t>(0x80 | op), 0x00});
    EXPECT_EQ(e.code, Errc::UnknownOpcode) << int(op);
    EXPECT_EQ(e.offset, 2u);  // the second frame's first byte
    EXPECT_EQ(e.close_code(), 1002);
  }
}

TEST(FrameDecoder, ControlFrameOver125_Error1002) {
  const Error e = decode_error({0x89, 0x7E, 0x00, 0x7E});
  EXPECT_EQ(e.code, Errc::ControlFrameTooLong);
  EXPECT_EQ(e.offset, 1u);
  EXPECT_EQ(e.close_code(), 1002);
}

TEST(FrameDecoder, FragmentedControl_Error1002) {
  const Error e = decode_error({0x09, 0x00});
  EXPECT_EQ(e.code, Errc::FragmentedControlFrame);
  EXPECT_EQ(e.close_code(), 1002);
}

TEST(FrameDecoder, NonMinimalLength_ErrorUnlessLenient) {
  const Bytes sixteen = {0x82, 0x7E, 0x00, 0x05, 1, 2, 3, 4, 5};
  EXPECT_EQ(decode_error(sixteen).code, Errc::NonMinimalLength);
  const Bytes sixty_four = {0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  EXPECT_EQ(decode_error(sixty_four).code, Errc::NonMinimalLength);
  EXPECT_EQ(decode_error(sixty_four).offset, 2u);
  DecoderOptions lenient;
  lenient.allow_non_minimal_length = true;
  const auto frames = decode_in_pieces(sixteen, {1}, lenient);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].payload, (Bytes{1, 2, 3, 4, 5}));
}

TEST(FrameDecoder, LengthTopBit_Error1002) {
  const Error e = decode_error({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(e.code, Errc::LengthHighBit);
  EXPECT_EQ(e.close_code(), 1002);
}

TEST(FrameDecoder, OverFrameLimit_Error1009BeforePayload) {
  DecoderOptions o;
  o.max_frame_payload = 1000;
  // Only the header is fed: the limit is enforced before any payload is buffered.
  const Error e = decode_error({0x82, 0x7E, 0x03, 0xE9}, o);
  EXPECT_EQ(e.code, Errc::FrameTooBig);
  EXPECT_EQ(e.close_code(), 1009);
  o.max_frame_payload = 10;
  EXPECT_EQ(decode_error({0x82, 0x0B}, o).code, Errc::FrameTooBig);
  EXPECT_EQ(decode_in_pieces(encoded(make(Opcode::Binary, Bytes(10))), {3}, o).size(), 1u);
}

TEST(FrameDecoder, MaskRules_Error1002) {
  DecoderOptions server;
  server.masking = MaskRule::Required;
  const Error unmasked = decode_error({0x81, 0x00}, server);
  EXPECT_EQ(unmasked.code, Errc::UnmaskedFrame);
  EXPECT_EQ(unmasked.close_code(), 1002);
  DecoderOptions client;
  client.masking = MaskRule::Forbidden;
  const Error with_mask = decode_error({0x81, 0x80, 1, 2, 3, 4}, client);
  EXPECT_EQ(with_mask.code, Errc::MaskedFrame);
  EXPECT_EQ(with_mask.close_code(), 1002);
}

TEST(FrameDecoder, AfterError_StaysInError) {
  FrameDecoder d;
  const Bytes bad = {0xF1, 0x00};
  EXPECT_EQ(d.feed(bad).status, Status::Error);
  const Bytes good = {0x81, 0x00};
  EXPECT_EQ(d.feed(good), (FeedResult{0, Status::Error}));
  EXPECT_EQ(d.finish(), Status::Error);
  EXPECT_EQ(d.error()->code, Errc::ReservedBits);
}

TEST(FrameDecoder, EndInsideFrame_FinishTruncated1006) {
  FrameDecoder d;
  const Bytes part = {0x81, 0x05, 'H', 'e'};
  EXPECT_EQ(d.feed(part), (FeedResult{4, Status::NeedMore}));
  EXPECT_EQ(d.finish(), Status::Error);
  EXPECT_EQ(d.error()->code, Errc::TruncatedFrame);
  EXPECT_EQ(d.error()->offset, 4u);
  EXPECT_EQ(d.error()->close_code(), 1006);
}

TEST(FrameDecoder, EmptyFeed_NeedMore) {
  FrameDecoder d;
  EXPECT_EQ(d.feed({}), (FeedResult{0, Status::NeedMore}));
  EXPECT_TRUE(d.at_boundary());
  EXPECT_EQ(d.finish(), Status::Ok);
}

TEST(Masking, ApplyInPieces_SameAsWhole) {
  Bytes whole = text("abcdefghij");
  Bytes pieces = whole;
  const MaskKey key = {1, 2, 3, 4};
  apply_mask(whole, key);
  apply_mask(std::span<std::uint8_t>(pieces.data(), 3), key, 0);
  apply_mask(std::span<std::uint8_t>(pieces.data() + 3, 7), key, 3);
  EXPECT_EQ(whole, pieces);
  EXPECT_EQ(whole[0], 'a' ^ 1);
  EXPECT_EQ(whole[5], 'f' ^ 2);
}

TEST(Masking, SeededSource_Deterministic) {
  SeededMaskSource a(42), b(42), c(43);
  const MaskKey a1 = a(), a2 = a();
  EXPECT_EQ(a1, b());
  EXPECT_EQ(a2, b());
  EXPECT_NE(a1, a2);
  EXPECT_NE(a1, c());
}

}  // namespace
}  // namespace tcpsim::websocket
