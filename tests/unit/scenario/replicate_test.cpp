// Replicated tables (`count = N`): the copies a scenario gets, their substituted values,
// --set on a copy, and the refusals with the original's file:line:column.
#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim {
namespace {

// Line numbers matter: the refusals below point into this text.
constexpr std::string_view kStar = R"(name = "star"
[params]
flows = 3
bytes = "3MB"
cc = "cubic:50%,newreno:50%"
[[host]]
count = "$flows"
name = "c{i}"
address = "10.1.{i / 250}.{i % 250 + 1}"
tcp = { cc = "{mix($cc)}" }
[[host]]
name = "server"
address = "10.0.0.2"
[[router]]
name = "r"
[[link]]
count = "$flows"
between = ["c{i}", "r"]
delay = "{1 + i}ms"
queue = "{100 * (i + 1)}"
[[link]]
between = ["r", "server"]
[[app]]
host = "server"
port = 5001
[[app]]
count = "$flows"
host = "c{i}"
connect = "server:5001"
send = "{$bytes / n}"
start = "{10 * i}us"
)";

Result<Scenario, Error> load(std::string_view text, const std::vector<Override>& o = {}) {
  return load_scenario(text, "f.toml", o);
}

// kStar with `from` replaced by `to` (once).
std::string edited(std::string_view from, std::string_view to) {
  std::string s(kStar);
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Replication, Count_MakesCopiesInPlaceWithTheIndexSubstituted) {
  auto s = load(kStar);
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(s->hosts.size(), 4u);
  EXPECT_EQ(s->hosts[0].name, "c0");
  EXPECT_EQ(s->hosts[2].name, "c2");
  EXPECT_EQ(s->hosts[3].name, "server");
  EXPECT_EQ(s->hosts[2].addresses[0].to_string(), "10.1.0.3");
  EXPECT_EQ(s->hosts[0].tcp.congestion, tcp::CongestionAlgorithm::Cubic);
  EXPECT_EQ(s->hosts[1].tcp.congestion, tcp::CongestionAlgorithm::NewReno);
  EXPECT_EQ(s->hosts[2].tcp.congestion, tcp::CongestionAlgorithm::Cubic);
  ASSERT_EQ(s->links.size(), 4u);
  EXPECT_EQ(s->links[1].a, "c1");
  EXPECT_EQ(s->links[1].b, "r");
  EXPECT_EQ(s->links[1].params.delay, 2 * kMillisecond);
  EXPECT_EQ(s->links[2].params.queue_packets, 300u);  // "{...}" alone reads as an integer
  EXPECT_EQ(s->links[3].a, "r");
  ASSERT_EQ(s->apps.size(), 4u);
  EXPECT_EQ(s->apps[3].name, "c2");
  EXPECT_EQ(s->apps[3].config.get<PeerConfig>().send_bytes, 1'000'000u);
  EXPECT_EQ(s->apps[3].config.get<PeerConfig>().start, 20 * kMicrosecond);
}

TEST(Replication, CountFromParams_FollowsSet) {
  auto s = load(kStar, {{"flows", "300"}, {"bytes", "30MB"}});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->hosts.size(), 301u);
  EXPECT_EQ(s->hosts[299].addresses[0].to_string(), "10.1.1.50");
  EXPECT_EQ(s->apps.back().config.get<PeerConfig>().send_bytes, 100'000u);
}

TEST(Replication, SetOnACopy_UsesItsExpandedName) {
  auto s = load(kStar, {{"app.c1.send", "5KB"}, {"host.c2.cc", "reno"}, {"link.delay", "7ms"}});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->apps[2].config.get<PeerConfig>().send_bytes, 5000u);
  EXPECT_EQ(s->apps[1].config.get<PeerConfig>().send_bytes, 1'000'000u);
  EXPECT_EQ(s->hosts[2].tcp.congestion, tcp::CongestionAlgorithm::Reno);
  for (const LinkSpec& l : s->links) EXPECT_EQ(l.params.delay, 7 * kMillisecond);
  auto bad = load(kStar, {{"app.c{i}.send", "5KB"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--set app.c{i}.send: no app named 'c{i}'");
  // A value --set put on a copy is placed as --set's, not as the original's.
  bad = load(kStar, {{"host.c1.address", "10.9.9.300"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "f.toml (--set)");
}

struct Refusal {
  std::string from, to;  // the edit of kStar
  Errc code;
  std::string message;
};

class ReplicationRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(ReplicationRefuses, WithThePlaceOfTheOriginal) {
  const Refusal& c = GetParam();
  auto s = load(edited(c.from, c.to));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, c.code) << s.error();
  EXPECT_EQ(s.error().message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, ReplicationRefuses,
    ::testing::Values(
        Refusal{"flows = 3", "flows = 0", Errc::OutOfRange,
                "f.toml:7:9: count: 0 is outside [1, 100000]"},
        Refusal{"flows = 3", "flows = -2", Errc::OutOfRange,
                "f.toml:7:9: count: -2 is outside [1, 100000]"},
        Refusal{"flows = 3", "flows = 100001", Errc::OutOfRange,
                "f.toml:7:9: count: 100001 is outside [1, 100000]"},
        Refusal{"flows = 3", "flows = \"many\"", Errc::BadValue,
                "f.toml:7:9: count: expected an integer in [1, 100000]"},
        Refusal{"name = \"c{i}\"", "name = \"c{j}\"", Errc::UnknownName,
                "f.toml:8:8: name: placeholder '{j}': 'j' is not a name a placeholder knows "
                "(allowed: i, n, $name, min(a, b), max(a, b), mix(SHARES))"},
        Refusal{"delay = \"{1 + i}ms\"", "delay = \"{1 + }ms\"", Errc::BadSyntax,
                "f.toml:19:9: delay: placeholder '{1 + }': expected a value (a number, i, n, "
                "$name, min(a, b), max(a, b) or '(') at its end"},
        Refusal{"name = \"c{i}\"", "name = \"c\"", Errc::Duplicate,
                "f.toml:8:8: name: copies i = 0 and i = 1 are both named 'c' (put a "
                "placeholder such as {i} in it)"},
        Refusal{"name = \"c{i}\"", "name = \"c{i % 2}\"", Errc::Duplicate,
                "f.toml:8:8: name: copies i = 0 and i = 2 are both named 'c0' (put a "
                "placeholder such as {i} in it)"},
        Refusal{"between = [\"c{i}\", \"r\"]", "between = [\"c0\", \"r\"]", Errc::Duplicate,
                "f.toml:18:11: between: copies i = 0 and i = 1 both join c0 and r (put a "
                "placeholder such as {i} in a name)"},
        Refusal{"host = \"server\"\nport", "name = \"c1\"\nhost = \"server\"\nport",
                Errc::Duplicate,
                "f.toml:29:8: host: copy i = 1 is named 'c1', as another "
                "[[app]] is"},
        Refusal{"name = \"server\"", "name = \"c2\"", Errc::Duplicate,
                "f.toml:12:8: name: 'c2' is used twice"},
        Refusal{"address = \"10.1.{i / 250}.{i % 250 + 1}\"", "address = \"10.1.0.{254 + i}\"",
                Errc::BadValue,
                "f.toml:9:11: address: expected an IPv4 or IPv6 address such as \"10.0.0.1\" "
                "(copy i = 2)"}));

TEST(Replication, CopyKeys_AreCheckedAsWrittenOnes) {
  auto s = load(edited("start = \"{10 * i}us\"", "start = \"{10 * i}us\"\nbogus = 1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::UnknownKey);
  EXPECT_EQ(s.error().where, "f.toml:32:9");
  EXPECT_TRUE(s.error().message.starts_with("f.toml:32:9: bogus: unknown key in [[app]]"))
      << s.error();
  EXPECT_TRUE(s.error().message.ends_with(" (copy i = 0)")) << s.error();
}

TEST(Replication, ADateInACopiedTable_IsRefusedWhereItStands) {
  auto s = load(edited("start = \"{10 * i}us\"", "start = 1979-05-27"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::BadValue);
  EXPECT_EQ(s.error().where, "f.toml:31:9");
  EXPECT_NE(s.error().message.find("start: a TOML date or time is not a value"), std::string::npos)
      << s.error();
}

TEST(Replication, CountOutsideTheReplicatedTables_IsAnUnknownKey) {
  auto s = load(std::string(kStar) + "[[check]]\ncount = 2\nkind = \"integrity\"\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::UnknownKey);
  EXPECT_EQ(s.error().where, "f.toml:33:9");
}

TEST(Replication, PlaceholdersOutsideACountedTable_StayText) {
  auto s = load(std::string(kStar) + "[[app]]\nname = \"x{i}\"\nhost = \"server\"\nport = 6000\n");
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->apps.back().name, "x{i}");
}

}  // namespace
}  // namespace tcpsim::sim
