// `tcpsim bridge` options: parsed by CLI11, then checked together; every refusal is one
// line naming the option.
#include "tools/bridge/options.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "sim/app/http_app.hpp"
#include "sim/app/peer.hpp"
#include "tools/bridge/bridge_scenario.hpp"

namespace tcpsim::bridge {
namespace {

using sim::Errc;

// Parses `args` as the bridge subcommand's command line and checks the result.
Result<BridgeConfig, sim::Error> parse(std::vector<std::string> args) {
  CLI::App app;
  BridgeArgs a;
  add_bridge_options(app, a);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return sim::fail_with(sim::Errc::BadSyntax, std::string("cli11: ") + e.what());
  }
  return check_bridge_args(a);
}

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().message;
}

TEST(BridgeOptions, ServeHttp_Defaults) {
  auto c = parse({"--serve", "http"});
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->tun, "tcpsim0");
  EXPECT_EQ(c->serve, Serve::Http);
  EXPECT_EQ(c->port, 80);
  EXPECT_FALSE(c->is_client());
  EXPECT_FALSE(c->duration);
  EXPECT_EQ(c->plan.pairs.size(), 2u);
  EXPECT_EQ(c->seed, 1u);
}

TEST(BridgeOptions, ServeEcho_Port7_OrGiven) {
  auto c = parse({"--serve", "echo"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 7);
  auto d = parse({"--serve", "echo", "--port", "9000", "--duration", "2s", "--tun", "br-1"});
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->port, 9000);
  EXPECT_EQ(*d->duration, 2 * kSecond);
  EXPECT_EQ(d->tun, "br-1");
}

TEST(BridgeOptions, ConnectWithBytes) {
  auto c = parse({"--connect", "198.18.0.1:9000", "--send-bytes", "1MB", "--close", "after-peer",
                  "--set", "link.loss=0.05", "--seed", "9"});
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c->is_client());
  EXPECT_EQ(c->connect->to_string(), "198.18.0.1:9000");
  EXPECT_EQ(c->send_bytes, 1'000'000u);
  EXPECT_TRUE(c->close_after_peer);
  ASSERT_EQ(c->sets.size(), 1u);
  EXPECT_EQ(c->sets[0].key, "link.loss");
  EXPECT_EQ(c->seed, 9u);
}

TEST(BridgeOptions, ConnectIpv6WithRequests) {
  auto c = parse({"--connect", "[fd00:7c5::1]:8000", "--request", "/a", "--request", "/b"});
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_TRUE(c->connect->addr.is_v6());
  EXPECT_EQ(c->connect->port, 8000);
  EXPECT_EQ(c->requests, (std::vector<std::string>{"/a", "/b"}));
}

struct Bad {
  std::vector<std::string> args;
  std::string says;
  sim::Errc code;
};

class BridgeOptionsRefuse : public ::testing::TestWithParam<Bad> {};

TEST_P(BridgeOptionsRefuse, WithAMessageAndKind) {
  auto r = parse(GetParam().args);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(GetParam().says), std::string::npos) << r.error();
  EXPECT_EQ(r.error().code, GetParam().code) << r.error();
}

TEST(BridgeOptions, Refusal_NamesTheOption) {
  EXPECT_EQ(parse({"--serve", "http", "--tun", "a/b"}).error().where, "--tun");
  EXPECT_EQ(parse({"--connect", "198.18.0.1:0"}).error().where, "--connect");
  EXPECT_EQ(parse({"--serve", "http", "--host-addr", "10.0.0.2"}).error().where, "--host-addr");
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BridgeOptionsRefuse,
    ::testing::Values(
        Bad{{}, "give exactly one of --serve", Errc::Missing},
        Bad{{"--serve", "http", "--connect", "198.18.0.1:80"},
            "give exactly one of --serve",
            Errc::Conflict},
        Bad{{"--serve", "ftp"},
            "--serve 'ftp' is not allowed (allowed: http, echo, websocket)",
            Errc::UnknownName},
        Bad{{"--serve", "http", "--port", "0"}, "--port 0", Errc::OutOfRange},
        Bad{{"--serve", "http", "--port", "70000"}, "1..65535", Errc::OutOfRange},
        Bad{{"--serve", "http", "--request", "/"}, "--request goes with --connect", Errc::Conflict},
        Bad{{"--serve", "http", "--send-bytes", "10"},
            "--send-bytes goes with --connect",
            Errc::Conflict},
        Bad{{"--serve", "http", "--tun", "this-name-is-too-long"}, "--tun", Errc::BadValue},
        Bad{{"--serve", "http", "--tun", "a/b"}, "--tun 'a/b'", Errc::BadValue},
        Bad{{"--serve", "http", "--duration", "10"}, "--duration '10'", Errc::BadValue},
        Bad{{"--serve", "http", "--set", "nonsense"}, "expected KEY=VALUE", Errc::BadSyntax},
        Bad{{"--serve", "http", "--pcap", "x.txt"}, "must end in .pcap or .pcapng", Errc::BadValue},
        Bad{{"--serve", "http", "--kernel-addr", "10.1.1.1/24", "--host-addr", "10.1.1.2"},
            "outside 198.18.0.0/15",
            Errc::OutOfRange},
        Bad{{"--connect", "198.18.0.1"}, "expected ADDRESS:PORT", Errc::BadValue},
        Bad{{"--connect", "fd00:7c5::1:80"}, "expected ADDRESS:PORT", Errc::BadValue},
        Bad{{"--connect", "[fd00:7c5::1]80"}, "expected ADDRESS:PORT", Errc::BadValue},
        Bad{{"--connect", "host:80"}, "'host' is not an IP address", Errc::BadValue},
        Bad{{"--connect", "198.18.0.1:0"}, "port '0'", Errc::OutOfRange},
        Bad{{"--connect", "8.8.8.8:53"}, "reaches only the kernel side", Errc::OutOfRange},
        Bad{{"--connect", "198.18.0.2:80"}, "reaches only the kernel side", Errc::OutOfRange},
        Bad{{"--connect", "198.18.0.1:80", "--port", "80"},
            "--port is the listening port",
            Errc::Conflict},
        Bad{{"--connect", "198.18.0.1:80", "--request", "/", "--send-bytes", "5"},
            "do not go together",
            Errc::Conflict},
        Bad{{"--connect", "198.18.0.1:80", "--request", "x"}, "--request 'x'", Errc::BadValue},
        Bad{{"--connect", "198.18.0.1:80", "--send-bytes", "lots"},
            "--send-bytes 'lots'",
            Errc::BadValue},
        Bad{{"--connect", "198.18.0.1:80", "--close", "never"}, "--close 'never'", Errc::BadValue},
        Bad{{"--connect", "[fd00:7c5::1]:80", "--kernel-addr", "198.18.0.1/24", "--host-addr",
             "198.18.0.2"},
            "no IPv6 network",
            Errc::Missing}));

TEST(BridgeOptions, UnknownFlag_RefusedByParser) {
  EXPECT_NE(error_of({"--serve", "http", "--frobnicate"}).find("cli11"), std::string::npos);
}

TEST(BridgeOptions, DeviceNames) {
  EXPECT_TRUE(valid_device_name("tcpsim0"));
  EXPECT_TRUE(valid_device_name("a.b-c_d"));
  EXPECT_TRUE(valid_device_name("fifteen-chars-x"));
  EXPECT_FALSE(valid_device_name("sixteen-chars-xy"));
  EXPECT_FALSE(valid_device_name(""));
  EXPECT_FALSE(valid_device_name(".."));
  EXPECT_FALSE(valid_device_name("tun%d"));
  EXPECT_FALSE(valid_device_name("a b"));
}

TEST(BridgeScenario, LoadsAndTakesOverrides) {
  auto c = parse({"--serve", "http", "--port", "8080", "--set", "link.loss=0.05", "--set",
                  "link.delay=20ms", "--set", "tcp.profile=freebsd"});
  ASSERT_TRUE(c.ok()) << c.error();
  auto s = bridge_scenario(*c);
  ASSERT_TRUE(s.ok()) << s.error() << "\n" << scenario_text(*c);
  ASSERT_EQ(s->hosts.size(), 2u);
  EXPECT_EQ(s->hosts[0].name, kHostName);
  EXPECT_EQ(s->hosts[1].name, kKernelName);
  ASSERT_EQ(s->links.size(), 1u);
  EXPECT_DOUBLE_EQ(s->links[0].faults.loss, 0.05);
  EXPECT_EQ(s->links[0].params.delay, 20 * kMillisecond);
  ASSERT_EQ(s->apps.size(), 1u);
  EXPECT_TRUE(s->apps[0].config.holds<sim::HttpServerConfig>());
  EXPECT_EQ(s->apps[0].config.get<sim::HttpServerConfig>().port, 8080);
}

TEST(BridgeScenario, ClientCloseOrders) {
  auto first = parse({"--connect", "198.18.0.1:9", "--send-bytes", "100"});
  auto second =
      parse({"--connect", "198.18.0.1:9", "--send-bytes", "100", "--close", "after-peer"});
  ASSERT_TRUE(first.ok() && second.ok());
  auto a = bridge_scenario(*first);
  auto b = bridge_scenario(*second);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->apps[0].config.get<sim::PeerConfig>().shutdown_after_send);
  EXPECT_FALSE(b->apps[0].config.get<sim::PeerConfig>().shutdown_after_send);
  EXPECT_EQ(a->apps[0].config.get<sim::PeerConfig>().send_bytes, 100u);
  EXPECT_EQ(b->apps[0].config.get<sim::PeerConfig>().close, sim::PeerConfig::Close::AfterPeerClose);
}

TEST(BridgeScenario, UnknownSetKey_Refused) {
  auto c = parse({"--serve", "echo", "--set", "link.nonsense=1"});
  ASSERT_TRUE(c.ok());
  auto s = bridge_scenario(*c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("unknown --set key 'link.nonsense'"), std::string::npos)
      << s.error();
}

}  // namespace
}  // namespace tcpsim::bridge
