#include "stack/wire/tcp_options.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>
#include <vector>

namespace tcpsim::wire {
namespace {

// A Linux SYN's options: MSS 1460, SACK-permitted, timestamps 123456/0, NOP, window scale 7.
constexpr std::array<std::uint8_t, 20> kLinuxSyn = {0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
                                                    0x0a, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00,
                                                    0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

TcpOptions parse_ok(std::span<const std::uint8_t> bytes) {
  auto r = TcpOptions::parse(bytes, 20);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : TcpOptions{};
}

ParseError parse_failure(std::vector<std::uint8_t> bytes, std::size_t base = 20) {
  const auto r = TcpOptions::parse(bytes, base);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ParseError{} : r.error();
}

TEST(TcpOptions, ParsesLinuxSynOptions) {
  const TcpOptions o = parse_ok(kLinuxSyn);
  EXPECT_EQ(o.mss(), 1460);
  EXPECT_TRUE(o.sack_permitted());
  EXPECT_EQ(o.timestamps(), (TcpTimestamps{123456, 0}));
  EXPECT_EQ(o.window_scale(), 7);
  EXPECT_EQ(o.size(), 20u);
  EXPECT_EQ(o.padded_size(), 20u);
  EXPECT_TRUE(std::equal(o.bytes().begin(), o.bytes().end(), kLinuxSyn.begin(), kLinuxSyn.end()));
  EXPECT_EQ(o.to_string(), "mss 1460,sackOK,TS val 123456 ecr 0,nop,wscale 7");
}

TEST(TcpOptions, AddersWriteTheSameBytes) {
  TcpOptions o;
  EXPECT_TRUE(o.add_mss(1460));
  EXPECT_TRUE(o.add_sack_permitted());
  EXPECT_TRUE(o.add_timestamps(123456, 0));
  EXPECT_TRUE(o.add_nop());
  EXPECT_TRUE(o.add_window_scale(7));
  EXPECT_TRUE(std::equal(o.bytes().begin(), o.bytes().end(), kLinuxSyn.begin(), kLinuxSyn.end()));
  EXPECT_EQ(o, parse_ok(kLinuxSyn));
}

TEST(TcpOptions, EmptyByDefault) {
  const TcpOptions o;
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(o.padded_size(), 0u);
  EXPECT_FALSE(o.mss().has_value());
  EXPECT_FALSE(o.window_scale().has_value());
  EXPECT_FALSE(o.sack_permitted());
  EXPECT_FALSE(o.timestamps().has_value());
  std::array<SackBlock, 4> blocks;
  EXPECT_EQ(o.sack_blocks(blocks), 0u);
  EXPECT_EQ(o.to_string(), "");
}

TEST(TcpOptions, SackBlocks) {
  TcpOptions o;
  ASSERT_TRUE(o.add_nop());
  ASSERT_TRUE(o.add_nop());
  const SackBlock in[] = {{100, 200}, {300, 400}, {0xfffffff0u, 0x10}};
  ASSERT_TRUE(o.add_sack(in));
  EXPECT_EQ(o.size(), 28u);
  std::array<SackBlock, 4> out;
  ASSERT_EQ(o.sack_blocks(out), 3u);
  EXPECT_EQ(out[0], in[0]);
  EXPECT_EQ(out[1], in[1]);
  EXPECT_EQ(out[2], in[2]);
  EXPECT_EQ(o.to_string(), "nop,nop,sack 100:200 300:400 4294967280:16");
  EXPECT_EQ(parse_ok(o.bytes()), o);
}

TEST(TcpOptions, KeepsUnknownKindsInOrder) {
  const std::vector<std::uint8_t> bytes = {0xfe, 0x04, 0xab, 0xcd, 0x02, 0x04, 0x02, 0x18};
  const TcpOptions o = parse_ok(bytes);
  EXPECT_EQ(o.to_string(), "opt-254 len 4,mss 536");
  std::vector<std::pair<int, std::vector<std::uint8_t>>> seen;
  o.for_each([&](std::uint8_t kind, std::span<const std::uint8_t> data) {
    seen.emplace_back(kind, std::vector<std::uint8_t>(data.begin(), data.end()));
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, 254);
  EXPECT_EQ(seen[0].second, (std::vector<std::uint8_t>{0xab, 0xcd}));
  EXPECT_EQ(seen[1].first, 2);
  EXPECT_EQ(seen[1].second, (std::vector<std::uint8_t>{0x02, 0x18}));

  TcpOptions built;
  const std::uint8_t data[] = {0xab, 0xcd};
  ASSERT_TRUE(built.add_unknown(254, data));
  ASSERT_TRUE(built.add_mss(536));
  EXPECT_EQ(built, o);
}

TEST(TcpOptions, KeepsBytesAfterEolAsPadding) {
  // After EOL nothing is interpreted, even bytes that would be malformed options.
  const std::vector<std::uint8_t> bytes = {0x03, 0x03, 0x02, 0x00, 0x02, 0x09, 0xff, 0x01};
  const TcpOptions o = parse_ok(bytes);
  EXPECT_EQ(o.size(), 8u);
  EXPECT_TRUE(std::equal(o.bytes().begin(), o.bytes().end(), bytes.begin(), bytes.end()));
  EXPECT_EQ(o.window_scale(), 2);
  EXPECT_FALSE(o.mss().has_value());
  EXPECT_EQ(o.to_string(), "wscale 2,eol");
  int calls = 0;
  o.for_each([&](std::uint8_t, std::span<const std::uint8_t>) { ++calls; });
  EXPECT_EQ(calls, 2);  // wscale, eol
}

TEST(TcpOptions, FirstOfEachKindWins) {
  TcpOptions o;
  ASSERT_TRUE(o.add_mss(1000));
  ASSERT_TRUE(o.add_mss(2000));
  EXPECT_EQ(o.mss(), 1000);
}

TEST(TcpOptions, EqualityComparesPaddedWireImage) {
  TcpOptions a;
  ASSERT_TRUE(a.add_window_scale(7));
  TcpOptions b = a;
  ASSERT_TRUE(b.add_eol());
  EXPECT_EQ(a.padded_size(), 4u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b.to_string(), "wscale 7");  // an EOL followed by zeros is padding
  EXPECT_EQ(a.to_string(), b.to_string());
  TcpOptions c = a;
  ASSERT_TRUE(c.add_nop());
  EXPECT_NE(a, c);
  EXPECT_NE(a, TcpOptions{});
}

TEST(TcpOptions, AddersRefuseWhenFull) {
  TcpOptions o;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(o.add_timestamps(1, 2));
  EXPECT_EQ(o.size(), 40u);
  EXPECT_FALSE(o.add_nop());
  EXPECT_FALSE(o.add_eol());
  EXPECT_EQ(o.size(), 40u);

  TcpOptions p;
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(p.add_mss(1));
  EXPECT_EQ(p.size(), 36u);
  EXPECT_FALSE(p.add_timestamps(1, 2));  // would need 46
  EXPECT_TRUE(p.add_window_scale(1));
  EXPECT_EQ(p.size(), 39u);
}

TEST(TcpOptions, AddersRefuseInvalidInput) {
  TcpOptions o;
  EXPECT_FALSE(o.add_sack({}));
  const SackBlock five[5] = {};
  EXPECT_FALSE(o.add_sack(five));
  const std::uint8_t three[3] = {};
  EXPECT_FALSE(o.add_unknown(tcp_option::kNop, {}));
  EXPECT_FALSE(o.add_unknown(tcp_option::kEol, {}));
  EXPECT_FALSE(o.add_unknown(tcp_option::kMss, three));  // MSS is 4 bytes, not 5
  const std::uint8_t too_long[39] = {};
  EXPECT_FALSE(o.add_unknown(200, too_long));
  EXPECT_TRUE(o.empty());
  EXPECT_TRUE(o.add_unknown(tcp_option::kMss, std::span(three).first(2)));  // a valid MSS
  EXPECT_EQ(o.mss(), 0);
}

TEST(TcpOptions, NothingButEolAfterEol) {
  TcpOptions o;
  ASSERT_TRUE(o.add_mss(1460));
  ASSERT_TRUE(o.add_eol());
  EXPECT_FALSE(o.add_nop());
  EXPECT_FALSE(o.add_window_scale(1));
  EXPECT_TRUE(o.add_eol());
  EXPECT_EQ(o.size(), 6u);
  EXPECT_EQ(o.padded_size(), 8u);
}

TEST(TcpOptions, ErrorLengthByteMissing) {
  const auto e = parse_failure({0x01, 0x01, 0x01, 0x02});
  EXPECT_EQ(e.code, Errc::OptionOverrun);
  EXPECT_EQ(e.offset, 20u + 4);  // where the length byte would be
  EXPECT_EQ(e.field, "tcp.options.mss");
}

TEST(TcpOptions, ErrorLengthBelowTwo) {
  for (std::uint8_t len : {0, 1}) {
    const auto e = parse_failure({0x01, 0xfe, len, 0x00});
    EXPECT_EQ(e.code, Errc::OptionOverrun);
    EXPECT_EQ(e.offset, 22u);
    EXPECT_EQ(e.field, "tcp.options");
  }
}

TEST(TcpOptions, ErrorOptionRunsPastTheEnd) {
  const auto e = parse_failure({0x01, 0xfe, 0x06, 0x00}, 32);
  EXPECT_EQ(e.code, Errc::OptionOverrun);
  EXPECT_EQ(e.offset, 34u);
  EXPECT_EQ(e.field, "tcp.options");
  const auto ts = parse_failure({0x08, 0x0a, 0x00, 0x00});
  EXPECT_EQ(ts.code, Errc::OptionOverrun);
  EXPECT_EQ(ts.field, "tcp.options.timestamps");
}

TEST(TcpOptions, ErrorMoreThanFortyBytes) {
  const auto e = parse_failure(std::vector<std::uint8_t>(44, 0x01));
  EXPECT_EQ(e.code, Errc::OptionOverrun);
  EXPECT_EQ(e.offset, 60u);
  EXPECT_EQ(e.field, "tcp.options");
}

TEST(TcpOptions, ErrorKnownKindWithWrongLength) {
  struct Case {
    std::vector<std::uint8_t> bytes;
    std::string_view field;
  };
  const Case cases[] = {
      {{0x02, 0x03, 0x05, 0x00}, "tcp.options.mss"},
      {{0x02, 0x05, 0x05, 0xb4, 0x00, 0x00, 0x00, 0x00}, "tcp.options.mss"},
      {{0x03, 0x02, 0x00, 0x00}, "tcp.options.wscale"},
      {{0x03, 0x04, 0x07, 0x00}, "tcp.options.wscale"},
      {{0x04, 0x03, 0x00, 0x00}, "tcp.options.sack_permitted"},
      {{0x08, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "tcp.options.timestamps"},
      {{0x05, 0x02, 0x00, 0x00}, "tcp.options.sack"},                    // no blocks
      {{0x05, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "tcp.options.sack"},  // not 2 + 8n
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    std::vector<std::uint8_t> bytes = {0x01};  // one NOP first, so the offset is checked too
    bytes.insert(bytes.end(), cases[i].bytes.begin(), cases[i].bytes.end());
    const auto e = parse_failure(bytes);
    EXPECT_EQ(e.code, Errc::BadOptionLength) << i;
    EXPECT_EQ(e.offset, 22u) << i;
    EXPECT_EQ(e.field, cases[i].field) << i;
  }
  // SACK with five blocks (42 bytes) cannot fit in 40; the length is wrong before it overruns.
  std::vector<std::uint8_t> sack5 = {0x05, 42};
  sack5.resize(40, 0);
  EXPECT_EQ(parse_failure(sack5).code, Errc::BadOptionLength);
}

}  // namespace
}  // namespace tcpsim::wire
