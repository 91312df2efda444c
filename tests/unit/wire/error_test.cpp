#include "stack/wire/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tcpsim::wire {
namespace {

TEST(ParseError, MessageNamesFieldRuleAndOffset) {
  const ParseError e{Errc::BadChecksum, 16, "tcp.checksum"};
  EXPECT_EQ(e.message(), "tcp.checksum: bad checksum at byte 16");
}

TEST(ParseError, MessageAppendsDetail) {
  const ParseError e{Errc::UnsupportedExtensionHeader, 20, "ipv6.next_header", "Routing (43)"};
  EXPECT_EQ(e.message(),
            "ipv6.next_header: unsupported extension header at byte 20 (Routing (43))");
}

TEST(ParseError, ShiftedMovesOnlyTheOffset) {
  const ParseError e{Errc::Truncated, 3, "tcp.header", "x"};
  const ParseError moved = e.shifted(34);
  EXPECT_EQ(moved.offset, 37u);
  EXPECT_EQ(moved.code, e.code);
  EXPECT_EQ(moved.field, e.field);
  EXPECT_EQ(moved.detail, e.detail);
}

TEST(Errc, EveryCodeHasADistinctPhrase) {
  const Errc all[] = {Errc::Truncated,
                      Errc::BadEtherType,
                      Errc::BadVersion,
                      Errc::BadHeaderLength,
                      Errc::BadTotalLength,
                      Errc::BadChecksum,
                      Errc::BadDataOffset,
                      Errc::OptionOverrun,
                      Errc::BadOptionLength,
                      Errc::BadProtocol,
                      Errc::UnsupportedExtensionHeader,
                      Errc::BadAddress,
                      Errc::Fragmented};
  std::set<std::string> seen;
  for (Errc c : all) {
    const std::string phrase(to_string(c));
    EXPECT_FALSE(phrase.empty());
    EXPECT_NE(phrase, "unknown error");
    EXPECT_TRUE(seen.insert(phrase).second) << phrase;
  }
  EXPECT_EQ(to_string(Errc::BadChecksum), "bad checksum");
}

}  // namespace
}  // namespace tcpsim::wire
