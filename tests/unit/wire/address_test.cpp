#include "stack/wire/address.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

namespace tcpsim::wire {
namespace {

TEST(MacAddress, PrintsAndParses) {
  const MacAddress mac{{0x02, 0x00, 0x5e, 0x0a, 0xbc, 0xff}};
  EXPECT_EQ(mac.to_string(), "02:00:5e:0a:bc:ff");
  EXPECT_EQ(MacAddress::parse("02:00:5e:0a:bc:ff"), mac);
  EXPECT_EQ(MacAddress::parse("02-00-5E-0A-BC-FF"), mac);
  EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
  EXPECT_TRUE(MacAddress::broadcast().is_multicast());
  EXPECT_FALSE(mac.is_multicast());
}

TEST(MacAddress, RejectsBadText) {
  for (const char* bad : {"", "02:00:5e:0a:bc", "02:00:5e:0a:bc:ff:00", "02:00-5e:0a:bc:ff",
                          "0g:00:5e:0a:bc:ff", "2:00:5e:0a:bc:ff0", "02:00:5e:0a:bc:f"}) {
    EXPECT_FALSE(MacAddress::parse(bad).has_value()) << bad;
  }
}

TEST(Ipv4Address, PrintsParsesAndConverts) {
  const Ipv4Address a{{192, 0, 2, 1}};
  EXPECT_EQ(a.to_string(), "192.0.2.1");
  EXPECT_EQ(Ipv4Address::parse("192.0.2.1"), a);
  EXPECT_EQ(a.to_u32(), 0xc0000201u);
  EXPECT_EQ(Ipv4Address::from_u32(0xc0000201u), a);
  EXPECT_EQ(Ipv4Address::parse("0.0.0.0"), Ipv4Address{});
  EXPECT_EQ(Ipv4Address::parse("255.255.255.255")->to_u32(), 0xffffffffu);
}

TEST(Ipv4Address, RejectsBadText) {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d",
        "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.1000", "1.2.3.-1", "1.2.3.4:80"}) {
    EXPECT_FALSE(Ipv4Address::parse(bad).has_value()) << bad;
  }
}

TEST(Ipv4Address, OrdersNumerically) {
  EXPECT_LT(*Ipv4Address::parse("9.255.255.255"), *Ipv4Address::parse("10.0.0.0"));
  EXPECT_LT(*Ipv4Address::parse("10.0.0.2"), *Ipv4Address::parse("10.0.0.10"));
}

struct Ipv6Case {
  const char* input;
  const char* canonical;
};

TEST(Ipv6Address, PrintsRfc5952Form) {
  const Ipv6Case cases[] = {
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8::1", "2001:db8::1"},
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"0:0:0:0:0:0:0:0", "::"},
      // §4.2.2: a single zero group is not compressed.
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      // §4.2.3: the longest run wins; on a tie, the first.
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      // §4.3: lower case.
      {"FE80::ABCD:0000:00EF", "fe80::abcd:0:ef"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
      {"1:0:0:0:0:0:0:8", "1::8"},
      {"0:0:0:0:0:0:0:8", "::8"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      // §5: IPv4-mapped addresses end in dotted quad; others with a dotted quad input do not.
      {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
      {"::FFFF:c000:0201", "::ffff:192.0.2.1"},
      {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
      {"::1.2.3.4", "::102:304"},
  };
  for (const auto& c : cases) {
    const auto parsed = Ipv6Address::parse(c.input);
    ASSERT_TRUE(parsed.has_value()) << c.input;
    EXPECT_EQ(parsed->to_string(), c.canonical) << c.input;
    EXPECT_EQ(Ipv6Address::parse(c.canonical), parsed) << c.canonical;
  }
}

TEST(Ipv6Address, ParsesIntoTheRightBytes) {
  const auto a = Ipv6Address::parse("2001:db8::ff00:42:8329");
  ASSERT_TRUE(a.has_value());
  const Ipv6Address expected{
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29}};
  EXPECT_EQ(*a, expected);
  EXPECT_TRUE(Ipv6Address::parse("::ffff:10.0.0.1")->is_v4_mapped());
  EXPECT_FALSE(a->is_v4_mapped());
}

TEST(Ipv6Address, RejectsBadText) {
  for (const char* bad : {"",
                          ":",
                          ":::",
                          "1:2:3:4:5:6:7",
                          "1:2:3:4:5:6:7:8:9",
                          "1::2::3",
                          "12345::",
                          "g::",
                          "1:2:3:4:5:6:7::8",
                          "::1.2.3",
                          "1.2.3.4::",
                          "fe80::1%eth0",
                          ":1::",
                          "1:::2",
                          "1::2:",
                          ":1:2:3:4:5:6:7:8",
                          "1:2:3:4:5:6:7:8:",
                          "::1.2.3.4:5",
                          "1:2:3:4:5:6:7:1.2.3.4",
                          "::256.0.0.1",
                          " ::1",
                          "::1 ",
                          "1.2.3.4"}) {
    EXPECT_FALSE(Ipv6Address::parse(bad).has_value()) << bad;
  }
}

TEST(Ipv6Address, RandomAddressesSurvivePrintThenParse) {
  std::mt19937 rng(5952);
  for (int i = 0; i < 3000; ++i) {
    Ipv6Address a;
    // Mostly zero groups, so that runs of every length and position appear.
    for (std::size_t g = 0; g < 8; ++g) {
      const std::uint16_t v = (rng() % 3 == 0) ? static_cast<std::uint16_t>(rng()) : 0;
      a.bytes[2 * g] = static_cast<std::uint8_t>(v >> 8);
      a.bytes[2 * g + 1] = static_cast<std::uint8_t>(v);
    }
    const std::string text = a.to_string();
    ASSERT_EQ(Ipv6Address::parse(text), a) << text;
    ASSERT_EQ(text.find(":::"), std::string::npos) << text;
  }
}

TEST(IpAddress, HoldsEitherFamily) {
  const IpAddress v4 = Ipv4Address{{10, 0, 0, 1}};
  const IpAddress v6 = *Ipv6Address::parse("2001:db8::1");
  EXPECT_EQ(v4.family(), IpAddress::Family::V4);
  EXPECT_TRUE(v4.is_v4());
  EXPECT_EQ(v4.v4().to_string(), "10.0.0.1");
  EXPECT_EQ(v6.family(), IpAddress::Family::V6);
  EXPECT_FALSE(v6.is_v4());
  EXPECT_EQ(v6.to_string(), "2001:db8::1");
  EXPECT_EQ(IpAddress().to_string(), "0.0.0.0");
}

TEST(IpAddress, ParsesEitherFamily) {
  EXPECT_EQ(IpAddress::parse("10.0.0.1"), IpAddress(Ipv4Address{{10, 0, 0, 1}}));
  EXPECT_EQ(IpAddress::parse("::1")->family(), IpAddress::Family::V6);
  EXPECT_EQ(IpAddress::parse("::ffff:10.0.0.1")->family(), IpAddress::Family::V6);
  EXPECT_FALSE(IpAddress::parse("10.0.0.256").has_value());
  EXPECT_FALSE(IpAddress::parse("::g").has_value());
  EXPECT_FALSE(IpAddress::parse("").has_value());
}

TEST(IpAddress, ComparesAndHashesByValue) {
  const IpAddress a = *IpAddress::parse("10.0.0.1");
  const IpAddress b = *IpAddress::parse("10.0.0.2");
  const IpAddress c = *IpAddress::parse("::1");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);  // every IPv4 address sorts before every IPv6 one
  EXPECT_NE(IpAddress(Ipv4Address{}), IpAddress(Ipv6Address{}));
  std::unordered_set<IpAddress> set{a, b, c, *IpAddress::parse("10.0.0.1")};
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(std::hash<Ipv4Address>{}(a.v4()), std::hash<Ipv4Address>{}(Ipv4Address{{10, 0, 0, 1}}));
  std::unordered_set<MacAddress> macs{MacAddress{}, MacAddress::broadcast(), MacAddress{}};
  EXPECT_EQ(macs.size(), 2u);
}

}  // namespace
}  // namespace tcpsim::wire
