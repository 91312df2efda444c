// A WebSocket client (sim/app/websocket_client.hpp): a summary line, a row of the feed
// comparison when it received feed events, and the websocket and feed checks.
#include <fmt/core.h>

#include "sim/scenario/app.hpp"
#include "sim/scenario/apps/feed_check.hpp"

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

}  // namespace

std::unique_ptr<App> make_app(const AppBuild& b, const WebSocketClientConfig& config) {
  WebSocketClientConfig c = with_target(config, b);
  c.seed = b.seed;
  return std::make_unique<WebSocketClientApp>(b, std::move(c));
}

}  // namespace tcpsim::sim
