// The registry of application kinds: what the loader and the run take from it.
#include <gtest/gtest.h>

#include <any>
#include <set>
#include <string>

#include "sim/app/http_app.hpp"
#include "sim/app/peer.hpp"
#include "sim/app/websocket_app.hpp"
#include "sim/scenario/app_kind.hpp"
#include "sim/scenario/loader.hpp"

namespace tcpsim::sim {
namespace {

TEST(AppRegistry, RolesAndConfigTypes_AreDistinct) {
  std::set<std::string_view> roles;
  std::set<const std::type_info*> types;
  for (const AppKind& k : app_kinds()) {
    EXPECT_FALSE(k.roles.empty());
    for (const AppRole& r : k.roles) EXPECT_TRUE(roles.insert(r.name).second) << r.name;
    EXPECT_TRUE(types.insert(k.config_type).second);
    EXPECT_NE(k.read, nullptr);
    EXPECT_NE(k.adopt, nullptr);
    EXPECT_NE(k.make, nullptr);
  }
  EXPECT_EQ(app_kind_count(), app_kinds().size());
}

// The install order: part of what a seed reproduces, so it only ever grows at the end.
TEST(AppRegistry, InstallOrder_IsTheOrderItHasAlwaysHad) {
  EXPECT_EQ(app_kind<PeerConfig>(), 0u);
  EXPECT_EQ(app_kind<HttpServerConfig>(), 1u);
  EXPECT_EQ(app_kind<HttpClientConfig>(), 2u);
  EXPECT_EQ(app_kind<WebSocketServerConfig>(), 3u);
  EXPECT_EQ(app_kind<WebSocketClientConfig>(), 4u);
  EXPECT_EQ(app_kind<PollingClientConfig>(), 5u);
}

TEST(AppConfig, HoldsOneKindsConfig) {
  HttpClientConfig h;
  h.paths = {"/a"};
  AppConfig c = h;
  EXPECT_EQ(c.index(), app_kind<HttpClientConfig>());
  EXPECT_TRUE(c.holds<HttpClientConfig>());
  EXPECT_FALSE(c.holds<PeerConfig>());
  EXPECT_EQ(c.get<HttpClientConfig>().paths, std::vector<std::string>{"/a"});
  EXPECT_THROW(c.get<PeerConfig>(), std::bad_any_cast);
  AppConfig copy = c;
  EXPECT_EQ(copy.get<HttpClientConfig>().paths, h.paths);
}

// The allowed keys of an [[app]] are the common ones and then each kind's, in registry
// order; the message lists them as it always has.
TEST(AppRegistry, UnknownAppKey_ListsEveryKindsKeys) {
  auto s = load_scenario(
      "[[host]]\nname = \"a\"\naddress = \"10.0.0.1\"\n[[app]]\nhost = \"a\"\nport = 1\nbogus = "
      "1\n",
      "f.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "f.toml:7:9: bogus: unknown key in [[app]] (allowed: name, host, role, connect, port, "
            "start, send, send_at, reply_after, echo, close, half_close, abort_at, read, "
            "read_from, rcvbuf, sndbuf, maxseg, nodelay, linger, backlog, paths, pipeline, head, "
            "raw, mode, path, subprotocols, events, event_interval, first_event, event_size, "
            "long_poll_timeout, messages, await_echo, interval, expect, close_code, method)");
}

TEST(AppRegistry, UnknownRole_ListsEveryRole) {
  auto s = load_scenario(
      "[[host]]\nname = \"a\"\naddress = \"10.0.0.1\"\n[[app]]\nhost = \"a\"\nrole = \"x\"\n",
      "f.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "f.toml:6:8: role: 'x' is not allowed (allowed: client, server, http-server, "
            "http-client, websocket-server, websocket-client, polling-client)");
}

}  // namespace
}  // namespace tcpsim::sim
