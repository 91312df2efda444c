// A WebSocket client (sim/app/websocket_client.hpp), the role "websocket-client": a
// summary line, a row of the feed comparison when it received feed events, and the
// websocket and feed checks.
#include <fmt/core.h>

#include "sim/scenario/app_kind.hpp"
#include "sim/scenario/apps/feed_check.hpp"
#include "sim/scenario/apps/websocket_keys.hpp"
#include "stack/websocket/close_code.hpp"

namespace tcpsim::sim {
namespace {

class WebSocketClientApp final : public ClientAppOf<WebSocketClient> {
 public:
  using ClientAppOf::ClientAppOf;

  std::optional<FeedView> feed() const override {
    for (const auto& r : get().received()) {
      if (r.event) return FeedView{"websocket", &get().received()};
    }
    return std::nullopt;
  }

  std::optional<CheckResult> check(const CheckSpec& c) const override {
    if (c.kind == CheckSpec::Kind::Feed) {
      return check_feed(c, get().received(), get().config().expect, get().summary());
    }
    if (c.kind != CheckSpec::Kind::WebSocket) return std::nullopt;
    const WebSocketClient& client = get();
    CheckResult r;
    r.detail = client.summary();
    if (c.status != 0) {
      r.passed = !client.opened() && client.handshake_status() == c.status;
      return r;
    }
    bool intact = true;
    for (const WsReceived& x : client.received()) intact = intact && x.intact;
    std::uint64_t want = client.config().expect;
    if (want == 0 && client.config().await_echo) {
      for (const WsOutgoing& m : client.config().send)
        want += m.kind == WsOutgoing::Kind::Ping ? 0 : 1;
    }
    r.passed = client.opened() && client.sent() == client.config().send.size() && intact &&
               client.received().size() >= want && client.failure().empty() &&
               client.close_code() == c.code;
    return r;
  }
};

WsOutgoing read_message(const Reader& r, const toml::node& v) {
  constexpr std::string_view kWhat =
      "each message is a table with one of text = \"...\", text_size = N, binary = N or "
      "ping = \"...\", and optionally fragment = N";
  constexpr std::string_view kMessageKeys[] = {"text", "text_size", "binary", "ping", "fragment"};
  const toml::table* m = v.as_table();
  if (m == nullptr) r.fail(Errc::BadValue, v, "messages", kWhat);
  r.check_keys(*m, "a message", kMessageKeys);
  WsOutgoing o;
  int kinds = 0;
  if (m->get("text") != nullptr) {
    ++kinds;
    o.kind = WsOutgoing::Kind::Text;
    o.text = r.str(*m, "text");
  }
  if (m->get("text_size") != nullptr) {
    ++kinds;
    o.kind = WsOutgoing::Kind::Text;
    o.size = r.bytes(*m, "text_size", 0);
  }
  if (m->get("binary") != nullptr) {
    ++kinds;
    o.kind = WsOutgoing::Kind::Binary;
    o.size = r.bytes(*m, "binary", 0);
  }
  if (m->get("ping") != nullptr) {
    ++kinds;
    o.kind = WsOutgoing::Kind::Ping;
    o.text = r.str(*m, "ping");
    if (o.text.size() > 125)
      r.fail(Errc::OutOfRange, v, "ping", "a ping carries at most 125 bytes (RFC 6455 §5.5)");
  }
  if (kinds != 1) r.fail(Errc::BadValue, v, "messages", kWhat);
  if (o.size > 64 * 1024 * 1024)
    r.fail(Errc::OutOfRange, v, "messages", "a message is at most 64MiB here");
  o.fragment = static_cast<std::size_t>(r.integer(*m, "fragment", 0, 0, 1 << 30));
  if (o.fragment > 0 && o.kind == WsOutgoing::Kind::Ping)
    r.fail(Errc::Conflict, v, "fragment", "control frames cannot be fragmented (RFC 6455 §5.5)");
  return o;
}

WebSocketClientConfig read_config(const Reader& r, const toml::table& t) {
  WebSocketClientConfig a;
  WsCommon c = read_ws_common(r, t);
  a.path = c.path;
  a.subprotocols = c.subprotocols;
  if (const toml::node* mn = t.get("messages")) {
    const toml::array* arr = mn->as_array();
    if (arr == nullptr)
      r.fail(Errc::BadValue, *mn, "messages", "expected a list of message tables");
    for (const toml::node& v : *arr) a.send.push_back(read_message(r, v));
  }
  a.await_echo = r.boolean(t, "await_echo", true);
  a.interval = r.duration(t, "interval", 0);
  a.expect = static_cast<std::uint64_t>(r.integer(t, "expect", 0, 0, 1'000'000));
  a.close_code = static_cast<std::uint16_t>(r.integer(t, "close_code", 1000, 1000, 4999));
  if (!websocket::is_valid_close_code(a.close_code))
    r.fail(Errc::OutOfRange, *t.get("close_code"), "close_code",
           fmt::format("{} may not be sent in a Close frame (RFC 6455 §7.4: use 1000-1003, "
                       "1007-1011 or 3000-4999)",
                       a.close_code));
  return a;
}

std::unique_ptr<App> build(const AppBuild& b, const WebSocketClientConfig& config) {
  WebSocketClientConfig c = with_target(config, b);
  c.seed = b.seed;
  return std::make_unique<WebSocketClientApp>(b, std::move(c));
}

constexpr AppRole kRoles[] = {{"websocket-client", false, 0}};
constexpr std::string_view kKeys[] = {"path",     "subprotocols", "messages",  "await_echo",
                                      "interval", "expect",       "close_code"};

}  // namespace

AppKind websocket_client_app() {
  return app_kind_of<WebSocketClientConfig, read_config, build>(kRoles, kKeys);
}

}  // namespace tcpsim::sim
