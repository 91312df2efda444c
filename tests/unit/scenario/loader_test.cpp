// Scenario files: good ones load, bad ones give one line naming file:line:column and key.
#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim {
namespace {

constexpr std::string_view kBase = R"(name = "t"
[params]
bytes = "1KB"
[[host]]
name = "a"
address = "10.0.0.1"
[[host]]
name = "b"
address = ["10.0.0.2", "fd00::2"]
profile = "freebsd"
[host.tcp]
nagle = false
[[link]]
between = ["a", "b"]
rate = "10Mbps"
delay = "5ms"
[[app]]
name = "srv"
host = "b"
port = 80
[[app]]
name = "cli"
host = "a"
connect = "b:80"
send = "$bytes"
)";

std::string error_of(std::string_view text, const std::vector<Override>& o = {}) {
  auto s = load_scenario(text, "f.toml", o);
  if (s.ok()) return "(loaded)";
  return s.error().message;
}

TEST(ScenarioLoader, GoodFile_Loads) {
  auto s = load_scenario(kBase, "f.toml");
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(s->hosts.size(), 2u);
  EXPECT_EQ(s->hosts[1].addresses.size(), 2u);
  EXPECT_EQ(s->hosts[1].tcp.profile, "freebsd");
  EXPECT_FALSE(s->hosts[1].tcp.nagle);
  EXPECT_EQ(s->hosts[1].tcp.delayed_ack_timeout, 40 * kMillisecond);
  EXPECT_EQ(s->links[0].params.rate_bps, 10'000'000u);
  EXPECT_EQ(s->links[0].params.delay, 5 * kMillisecond);
  EXPECT_EQ(s->apps[1].config.get<PeerConfig>().send_bytes, 1000u);
  EXPECT_EQ(s->apps[1].connect_host, "b");
}

TEST(ScenarioLoader, Overrides_ApplyToParamsLinksHostsApps) {
  auto s = load_scenario(kBase, "f.toml",
                         {{"bytes", "2MB"},
                          {"link.loss", "0.25"},
                          {"tcp.cc", "reno"},
                          {"host.a.profile", "freebsd"},
                          {"app.cli.start", "7ms"},
                          {"seed", "9"}});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->apps[1].config.get<PeerConfig>().send_bytes, 2'000'000u);
  EXPECT_DOUBLE_EQ(s->links[0].faults.loss, 0.25);
  EXPECT_EQ(s->hosts[0].tcp.congestion, tcp::CongestionAlgorithm::Reno);
  EXPECT_EQ(s->hosts[0].tcp.profile, "freebsd");
  EXPECT_EQ(s->apps[1].config.get<PeerConfig>().start, 7 * kMillisecond);
  EXPECT_EQ(s->seed, 9u);
}

TEST(ScenarioLoader, UnknownSetKey_Refused) {
  EXPECT_NE(error_of(kBase, {{"bytez", "1"}}).find("unknown --set key 'bytez'"), std::string::npos);
  EXPECT_NE(error_of(kBase, {{"link.speed", "1"}}).find("unknown --set key 'link.speed'"),
            std::string::npos);
  EXPECT_NE(error_of(kBase, {{"app.nobody.send", "1"}}).find("no app named 'nobody'"),
            std::string::npos);
  EXPECT_FALSE(parse_override("novalue").ok());
}

TEST(ScenarioLoader, BadValues_NameFileLineColumnAndKey) {
  std::string e = error_of(std::string(kBase) + "[[check]]\nkind = \"integrity\"\nbogus = 1\n");
  EXPECT_NE(e.find("f.toml:28:9:"), std::string::npos) << e;
  EXPECT_NE(e.find("bogus: unknown key in [[check]]"), std::string::npos) << e;

  e = error_of(kBase, {{"link.delay", "-5ms"}});
  EXPECT_NE(e.find("delay: expected a duration"), std::string::npos) << e;
  e = error_of(kBase, {{"link.loss", "1.5"}});
  EXPECT_NE(e.find("loss: 1.5 is not a probability in [0, 1]"), std::string::npos) << e;
  e = error_of(kBase, {{"link.rate", "0bps"}});
  EXPECT_NE(e.find("rate: expected a rate"), std::string::npos) << e;
  e = error_of(kBase, {{"tcp.cc", "vegas"}});
  EXPECT_NE(e.find("unknown congestion control 'vegas'"), std::string::npos) << e;
  e = error_of(kBase, {{"host.a.profile", "windows"}});
  EXPECT_NE(e.find("unknown profile 'windows'"), std::string::npos) << e;
}

TEST(ScenarioLoader, Structure_Errors) {
  EXPECT_NE(error_of("name = \"x\"\n").find("at least one [[host]]"), std::string::npos);
  EXPECT_NE(error_of("[[host]]\nname = \"a\"\n").find("needs an address"), std::string::npos);
  EXPECT_NE(error_of("[[host]]\nname = \"a\"\naddress = \"10.0.0.1\"\n[[host]]\nname = "
                     "\"b\"\naddress = \"10.0.0.1\"\n")
                .find("10.0.0.1 is used by two hosts"),
            std::string::npos);
  EXPECT_NE(
      error_of("[[host]]\nname = \"a\"\naddress = \"10.0.0.300\"\n").find("f.toml:3:11: address"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          "[[host]]\nname = \"a\"\naddress = \"10.0.0.1\"\n[[link]]\nbetween = [\"a\", \"zz\"]\n")
          .find("unknown node 'zz'"),
      std::string::npos);
  EXPECT_NE(error_of("this is not toml").find("f.toml:1:"), std::string::npos);
  EXPECT_NE(
      error_of(std::string(kBase) + "[[check]]\nkind = \"state\"\nhost = \"a\"\nstate = \"OPEN\"\n")
          .find("unknown state 'OPEN'"),
      std::string::npos);
}

TEST(ScenarioLoader, BadFault_RefusedBeforeTheRun) {
  auto s = load_scenario(
      std::string("faults = [\"drop syn-ack #1 from a to nobody\"]\n") + std::string(kBase),
      "f.toml");
  ASSERT_TRUE(s.ok()) << s.error();
  auto r = ScenarioRun::build(*s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown node 'nobody'"), std::string::npos) << r.error();

  s = load_scenario(std::string("faults = [\"drop synack #1\"]\n") + std::string(kBase), "f.toml");
  ASSERT_TRUE(s.ok());
  r = ScenarioRun::build(*s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("f.toml:1:"), std::string::npos) << r.error();
}

// Each refusal's kind and place, for bad input of every sort: the kind is what a program
// (or a test) can act on without reading the message.
struct Refusal {
  std::string text;  // appended to kBase, unless it starts with '!' (then the whole file)
  std::vector<Override> overrides;
  Errc code;
  std::string where;
};

class ScenarioLoaderRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(ScenarioLoaderRefuses, WithKindAndPlace) {
  const Refusal& c = GetParam();
  std::string text = c.text.starts_with('!') ? c.text.substr(1) : std::string(kBase) + c.text;
  auto s = load_scenario(text, "f.toml", c.overrides);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, c.code) << s.error();
  EXPECT_EQ(s.error().where, c.where) << s.error();
  EXPECT_NE(s.error().message.find(c.where), std::string::npos) << s.error();
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, ScenarioLoaderRefuses,
    ::testing::Values(
        Refusal{
            "[[check]]\nkind = \"integrity\"\nbogus = 1\n", {}, Errc::UnknownKey, "f.toml:28:9"},
        Refusal{"[[host]]\nname = \"c\"\naddress = \"10.0.0.3\"\n[host.tcp]\nwscale = 20\n",
                {},
                Errc::OutOfRange,
                "f.toml:30:10"},
        Refusal{"[[host]]\nname = \"c\"\naddress = \"10.0.0.3\"\n[host.tcp]\nsyncookies = 3\n",
                {},
                Errc::OutOfRange,
                "f.toml:30:14"},
        Refusal{"[[host]]\nname = \"c\"\naddress = \"10.0.0.3\"\n[host.tcp]\necn = 3\n",
                {},
                Errc::OutOfRange,
                "f.toml:30:7"},
        Refusal{"[[host]]\nname = \"c\"\naddress = \"10.0.0.3\"\n[host.tcp]\nreordering = 0\n",
                {},
                Errc::OutOfRange,
                "f.toml:30:14"},
        Refusal{"!name = \"x\"\n", {}, Errc::Missing, "f.toml"},
        Refusal{"[[host]]\nname = \"c\"\n", {}, Errc::Missing, "f.toml:26:1"},
        Refusal{
            "[[host]]\nname = \"a\"\naddress = \"10.0.0.9\"\n", {}, Errc::Duplicate, "f.toml:27:8"},
        Refusal{"[[host]]\nname = \"c\"\naddress = \"10.0.0.1\"\n",
                {},
                Errc::Duplicate,
                "f.toml:28:11"},
        Refusal{"[[app]]\nhost = \"zz\"\nport = 1\n", {}, Errc::UnknownName, "f.toml:27:8"},
        Refusal{"[[link]]\nbetween = [\"a\", \"zz\"]\n", {}, Errc::UnknownName, "f.toml:27:11"},
        Refusal{"[[link]]\nbetween = [\"a\", \"b\"]\nreorder = 0.5\nreorder_delay = 0\n",
                {},
                Errc::Conflict,
                "f.toml:26:1"},
        Refusal{"[[link]]\nbetween = [\"a\", \"b\"]\ndelay = \"5\"\n",
                {},
                Errc::BadValue,
                "f.toml:28:9"},
        Refusal{"[[oops\n", {}, Errc::BadSyntax, "f.toml:26:7"},
        Refusal{"[[app]]\nhost = \"a\"\nrole = \"gopher\"\n", {}, Errc::UnknownName, "f.toml:28:8"},
        Refusal{"[[app]]\nhost = \"a\"\nrole = \"server\"\n", {}, Errc::Missing, "f.toml:26:1"},
        Refusal{"[[app]]\nhost = \"a\"\nport = 1\nsend = \"$nope\"\n",
                {},
                Errc::UnknownName,
                "f.toml:29:8"},
        Refusal{"[[check]]\nkind = \"state\"\nhost = \"a\"\nstate = \"OPEN\"\n",
                {},
                Errc::UnknownName,
                "f.toml:29:9"},
        Refusal{"[[app]]\nhost = \"a\"\nrole = \"websocket-client\"\nconnect = \"b:80\"\n"
                "messages = [{ping = \"x\", fragment = 2}]\n",
                {},
                Errc::Conflict,
                "f.toml:30:13"},
        Refusal{"", {{"bytez", "1"}}, Errc::UnknownKey, "--set"},
        Refusal{"", {{"app.nobody.send", "1"}}, Errc::UnknownName, "--set"},
        Refusal{"", {{"link.loss", "1.5"}}, Errc::OutOfRange, "f.toml (--set)"}));

TEST(ScenarioLoader, MalformedOverride_IsBadSyntax) {
  auto o = parse_override("novalue");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, Errc::BadSyntax);
  EXPECT_EQ(o.error().where, "--set");
}

// What only building the run finds: the links and the fault script against the network.
Error build_error(std::string_view faults, std::string_view extra = {}) {
  std::string text = std::string(faults) + std::string(kBase) + std::string(extra);
  auto s = load_scenario(text, "f.toml");
  EXPECT_TRUE(s.ok()) << s.error();
  if (!s.ok()) return s.error();
  auto r = ScenarioRun::build(*s);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(ScenarioRunBuild, Refusals_NameTheirKind) {
  EXPECT_EQ(build_error("", "[[host]]\nname = \"c\"\naddress = \"10.0.0.3\"\n").code, Errc::NoLink);
  EXPECT_EQ(build_error("faults = [\"drop syn-ack #1 from a to nobody\"]\n").code,
            Errc::UnknownName);
  EXPECT_EQ(build_error("faults = [\"drop syn #1 from b to b\"]\n").code, Errc::NoLink);
  EXPECT_EQ(build_error("faults = [\"at 5ms set reorder 0.5\"]\n").code, Errc::Conflict);
  Error parse = build_error("faults = [\"drop synack #1\"]\n");
  EXPECT_EQ(parse.code, Errc::UnknownName);
  EXPECT_EQ(parse.where, "f.toml:1:11");
}

}  // namespace
}  // namespace tcpsim::sim
