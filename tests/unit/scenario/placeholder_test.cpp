// Placeholders of replicated tables: {EXPR} arithmetic over i, n and [params], {mix(...)}
// shares, literal braces, and the refusals with what they name.
#include <gtest/gtest.h>

#include <map>

#include "sim/scenario/placeholder.hpp"

namespace tcpsim::sim {
namespace {

const std::map<std::string, std::string, std::less<>> kParams = {
    {"flows", "4"},    {"bytes", "100MB"},
    {"spread", "2ms"}, {"rate", "1Gbps"},
    {"loss", "0.01"},  {"cc", "cubic:50%,newreno:50%"},
    {"one", "reno"},   {"odd", "reno:25%,cubic:75%"}};

PlaceholderScope scope(std::int64_t i, std::int64_t n) {
  PlaceholderScope s;
  s.i = i;
  s.n = n;
  s.param = [](std::string_view name) -> std::optional<std::string> {
    auto it = kParams.find(name);
    if (it == kParams.end()) return std::nullopt;
    return it->second;
  };
  return s;
}

std::string expand(std::string_view text, std::int64_t i = 3, std::int64_t n = 10) {
  auto e = expand_placeholders(text, scope(i, n));
  return e.ok() ? e->text : "error: " + e.error().message;
}

Errc code_of(std::string_view text, std::int64_t i = 3, std::int64_t n = 10) {
  auto e = expand_placeholders(text, scope(i, n));
  EXPECT_FALSE(e.ok()) << text << " gave " << e->text;
  return e.ok() ? Errc::System : e.error().code;
}

TEST(Placeholder, Index_CountAndArithmetic) {
  EXPECT_EQ(expand("c{i}"), "c3");
  EXPECT_EQ(expand("c{i + 1}"), "c4");
  EXPECT_EQ(expand("{n}"), "10");
  EXPECT_EQ(expand("10.{1 + i / 250}.{i % 250}.1", 600), "10.3.100.1");
  EXPECT_EQ(expand("{(i + 2) * 3 - -1}"), "16");
  EXPECT_EQ(expand("{-7 / 2} {-7 % 2}"), "-3 -1");  // rounding toward zero
  EXPECT_EQ(expand("{min(i, 2)}:{max(i, 2)}"), "2:3");
  EXPECT_EQ(expand("plain text"), "plain text");
}

TEST(Placeholder, Params_InTheirBaseUnit) {
  EXPECT_EQ(expand("{$flows * 2}"), "8");
  EXPECT_EQ(expand("{$bytes / n}"), "10000000");
  EXPECT_EQ(expand("{$spread * i / (n - 1)}ns"), "666666ns");
  EXPECT_EQ(expand("{$rate / 1000}"), "1000000");
}

TEST(Placeholder, WholeExpression_IsAlsoAnInteger) {
  auto e = expand_placeholders("{5000 + i}", scope(3, 10));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->integer, 5003);
  e = expand_placeholders("p{5000 + i}", scope(3, 10));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->integer.has_value());
  e = expand_placeholders("{i}}}", scope(3, 10));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->text, "3}");
  EXPECT_FALSE(e->integer.has_value());
  e = expand_placeholders("{mix(reno)}", scope(3, 10));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->integer.has_value());
}

TEST(Placeholder, DoubledBraces_AreLiteral) {
  EXPECT_EQ(expand("{{\"id\": {i}}}"), "{\"id\": 3}");
}

TEST(Placeholder, Mix_InterleavesByShares) {
  std::string picks;
  for (int i = 0; i < 6; ++i) picks += expand("{mix($cc)}", i) + " ";
  EXPECT_EQ(picks, "cubic newreno cubic newreno cubic newreno ");
  picks.clear();
  for (int i = 0; i < 8; ++i) picks += expand("{mix($odd)}", i) + " ";
  // Every four copies: one reno, three cubic, spread out.
  EXPECT_EQ(picks, "cubic reno cubic cubic cubic reno cubic cubic ");
  EXPECT_EQ(expand("{mix($one)}", 7), "reno");
  EXPECT_EQ(expand("{ mix (a:10%, b:90%) }", 0), "b");
  int a = 0;
  for (int i = 0; i < 100; ++i) a += expand("{mix(a:37%,b:63%)}", i) == "a" ? 1 : 0;
  EXPECT_EQ(a, 37);
}

TEST(Placeholder, Refusals_NameWhatIsWrong) {
  EXPECT_EQ(code_of("c{i"), Errc::BadSyntax);
  EXPECT_EQ(code_of("c}"), Errc::BadSyntax);
  EXPECT_EQ(code_of("{}"), Errc::BadSyntax);
  EXPECT_EQ(code_of("{i +}"), Errc::BadSyntax);
  EXPECT_EQ(code_of("{(i}"), Errc::BadSyntax);
  EXPECT_EQ(code_of("{i i}"), Errc::BadSyntax);
  EXPECT_EQ(code_of("{j}"), Errc::UnknownName);
  EXPECT_EQ(code_of("{$nope}"), Errc::UnknownName);
  EXPECT_EQ(code_of("{$loss * 2}"), Errc::BadValue);
  EXPECT_EQ(code_of("{i / (n - 1)}", 0, 1), Errc::OutOfRange);
  EXPECT_EQ(code_of("{99999999999999999999}"), Errc::OutOfRange);
  EXPECT_EQ(code_of("{9223372036854775807 + i}"), Errc::OutOfRange);
  EXPECT_EQ(code_of("{mix(a:50%,b:40%)}"), Errc::BadValue);
  EXPECT_EQ(code_of("{mix(a:50%,b)}"), Errc::BadValue);
  EXPECT_EQ(code_of("{mix(a:half)}"), Errc::BadValue);

  EXPECT_EQ(expand("{i +}"),
            "error: placeholder '{i +}': expected a value (a number, i, n, "
            "$name, min(a, b), max(a, b) or '(') at its end");
  EXPECT_EQ(expand("{j}"),
            "error: placeholder '{j}': 'j' is not a name a placeholder knows (allowed: i, n, "
            "$name, min(a, b), max(a, b), mix(SHARES))");
  EXPECT_EQ(expand("{i / (n - 1)}", 0, 1),
            "error: placeholder '{i / (n - 1)}': division by zero (i = 0, n = 1)");
  EXPECT_EQ(expand("{mix(a:50%,b:40%)}"),
            "error: placeholder '{mix(a:50%,b:40%)}': the shares of 'a:50%,b:40%' add up to 90%, "
            "not 100%");
  EXPECT_EQ(expand("c{i"), "error: '{' without a closing '}' (write {{ for a literal brace)");
}

}  // namespace
}  // namespace tcpsim::sim
