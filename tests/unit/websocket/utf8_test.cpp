#include "stack/websocket/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tcpsim::websocket {
namespace {

using Bytes = std::vector<std::uint8_t>;

Status feed_all(Utf8Validator& v, const Bytes& b) {
  return v.feed(std::span<const std::uint8_t>(b));
}

TEST(Utf8Validator, Ascii_Ok) {
  Utf8Validator v;
  EXPECT_EQ(v.feed(std::string_view("Hello, world")), Status::Ok);
  EXPECT_EQ(v.finish(), Status::Ok);
  EXPECT_EQ(v.position(), 12u);
}

TEST(Utf8Validator, EmptyInput_Ok) {
  Utf8Validator v;
  EXPECT_EQ(v.feed(std::string_view()), Status::Ok);
  EXPECT_EQ(v.finish(), Status::Ok);
}

TEST(Utf8Validator, MultiByteForms_Ok) {
  // U+00E9, U+20AC, U+1F600, and the extremes U+0080, U+07FF, U+0800, U+FFFF, U+10000,
  // U+10FFFF, plus U+E000 just past the surrogates and U+D7FF just before them.
  const std::vector<Bytes> valid = {
      {0xC3, 0xA9},
      {0xE2, 0x82, 0xAC},
      {0xF0, 0x9F, 0x98, 0x80},
      {0xC2, 0x80},
      {0xDF, 0xBF},
      {0xE0, 0xA0, 0x80},
      {0xEF, 0xBF, 0xBF},
      {0xF0, 0x90, 0x80, 0x80},
      {0xF4, 0x8F, 0xBF, 0xBF},
      {0xEE, 0x80, 0x80},
      {0xED, 0x9F, 0xBF},
  };
  for (const Bytes& b : valid) {
    Utf8Validator v;
    EXPECT_EQ(feed_all(v, b), Status::Ok) << testing::PrintToString(b);
    EXPECT_TRUE(is_valid_utf8(std::span<const std::uint8_t>(b)));
  }
  EXPECT_TRUE(is_valid_utf8(std::string_view("κόσμε € 😀")));
}

TEST(Utf8Validator, CodePointSplitAcrossFeeds_Ok) {
  const Bytes smiley = {0xF0, 0x9F, 0x98, 0x80};
  for (std::size_t cut = 1; cut < smiley.size(); ++cut) {
    Utf8Validator v;
    EXPECT_EQ(v.feed(std::span<const std::uint8_t>(smiley.data(), cut)), Status::NeedMore);
    EXPECT_FALSE(v.at_boundary());
    EXPECT_EQ(v.feed(std::span<const std::uint8_t>(smiley.data() + cut, smiley.size() - cut)),
              Status::Ok);
    EXPECT_EQ(v.finish(), Status::Ok);
  }
}

TEST(Utf8Validator, OneByteAtATime_Ok) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
  Utf8Validator v;
  for (char c : text) EXPECT_NE(v.feed(std::string_view(&c, 1)), Status::Error);
  EXPECT_EQ(v.finish(), Status::Ok);
}

TEST(Utf8Validator, Overlong_Error) {
  const std::vector<Bytes> overlong = {
      {0xC0, 0xAF},              // '/' in two bytes
      {0xC1, 0xBF},              // U+007F in two bytes
      {0xE0, 0x80, 0xAF},        // '/' in three bytes
      {0xE0, 0x9F, 0xBF},        // U+07FF in three bytes
      {0xF0, 0x80, 0x80, 0xAF},  // '/' in four bytes
      {0xF0, 0x8F, 0xBF, 0xBF},  // U+FFFF in four bytes
  };
  for (const Bytes& b : overlong) {
    Utf8Validator v;
    EXPECT_EQ(feed_all(v, b), Status::Error) << testing::PrintToString(b);
    EXPECT_TRUE(v.failed());
  }
}

TEST(Utf8Validator, Surrogate_Error) {
  for (const Bytes& b : {Bytes{0xED, 0xA0, 0x80}, Bytes{0xED, 0xBF, 0xBF},
                         Bytes{0xED, 0xA0, 0xBD, 0xED, 0xB2, 0xA9}}) {
    Utf8Validator v;
    EXPECT_EQ(feed_all(v, b), Status::Error) << testing::PrintToString(b);
    EXPECT_EQ(v.position(), 1u);  // the byte after ED is the one out of range
  }
}

TEST(Utf8Validator, AboveMaxCodePoint_Error) {
  for (const Bytes& b : {Bytes{0xF4, 0x90, 0x80, 0x80}, Bytes{0xF5, 0x80, 0x80, 0x80},
                         Bytes{0xF7, 0xBF, 0xBF, 0xBF}, Bytes{0xFF}, Bytes{0xFE}}) {
    Utf8Validator v;
    EXPECT_EQ(feed_all(v, b), Status::Error) << testing::PrintToString(b);
  }
}

TEST(Utf8Validator, StrayContinuation_ErrorAtItsOffset) {
  const Bytes b = {'a', 'b', 0x80, 'c'};
  Utf8Validator v;
  EXPECT_EQ(feed_all(v, b), Status::Error);
  EXPECT_EQ(v.position(), 2u);
}

TEST(Utf8Validator, MissingContinuation_Error) {
  const Bytes b = {0xE2, 0x82, 'x'};
  Utf8Validator v;
  EXPECT_EQ(feed_all(v, b), Status::Error);
  EXPECT_EQ(v.position(), 2u);
}

TEST(Utf8Validator, TruncatedAtEnd_FinishError) {
  Utf8Validator v;
  EXPECT_EQ(feed_all(v, {'o', 'k', 0xE2, 0x82}), Status::NeedMore);
  EXPECT_EQ(v.finish(), Status::Error);
  EXPECT_FALSE(is_valid_utf8(std::string_view("ok\xE2\x82")));
}

TEST(Utf8Validator, ErrorIsSticky_UntilReset) {
  Utf8Validator v;
  EXPECT_EQ(feed_all(v, {0xFF}), Status::Error);
  EXPECT_EQ(v.feed(std::string_view("fine")), Status::Error);
  EXPECT_EQ(v.finish(), Status::Error);
  v.reset();
  EXPECT_EQ(v.feed(std::string_view("fine")), Status::Ok);
  EXPECT_EQ(v.position(), 4u);
}

TEST(Utf8Validator, ExhaustiveTwoByteRange_MatchesDefinition) {
  // Every lead/continuation pair: valid exactly when the lead is C2-DF and the trailer 80-BF.
  for (int lead = 0x80; lead <= 0xFF; ++lead) {
    for (int trail = 0x00; trail <= 0xFF; ++trail) {
      const Bytes b = {static_cast<std::uint8_t>(lead), static_cast<std::uint8_t>(trail)};
      const bool expect = lead >= 0xC2 && lead <= 0xDF && trail >= 0x80 && trail <= 0xBF;
      EXPECT_EQ(is_valid_utf8(std::span<const std::uint8_t>(b)), expect) << lead << ' ' << trail;
    }
  }
}

}  // namespace
}  // namespace tcpsim::websocket
