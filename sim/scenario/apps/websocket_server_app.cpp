// A WebSocket server (sim/app/websocket_server.hpp), the role "websocket-server": echo,
// chat or an event feed (also over HTTP polling); a summary line of its sessions.
#include <fmt/core.h>

#include "sim/scenario/app_kind.hpp"
#include "sim/scenario/apps/websocket_keys.hpp"

namespace tcpsim::sim {
namespace {

class WebSocketServerApp final : public AppOf<WebSocketServer> {
 public:
  using AppOf::AppOf;

  std::optional<std::string> summary() const override {
    const WebSocketServer& s = get();
    std::string codes;
    for (std::uint16_t code : s.close_codes()) {
      if (!codes.empty()) codes += ' ';
      codes += std::to_string(code);
    }
    return fmt::format(
        "{}: websocket server: {} session(s), {} message(s) in, {} out, {} refused, {} HTTP "
        "request(s), close codes: {}",
        s.config().name, s.sessions(), s.messages_received(), s.messages_sent(), s.refused(),
        s.http_requests(), codes.empty() ? "none" : codes);
  }
};

using Mode = WebSocketServerConfig::Mode;
constexpr EnumNames<Mode, 3> kModeNames{{{
    {Mode::Echo, "echo"},
    {Mode::Chat, "chat"},
    {Mode::Feed, "feed"},
}}};

WebSocketServerConfig read_config(const Reader& r, const toml::table& t) {
  WebSocketServerConfig a;
  a.mode = r.choice(t, "mode", Mode::Echo, kModeNames);
  a.feed.count = static_cast<std::uint32_t>(r.integer(t, "events", 0, 0, 1'000'000));
  a.feed.interval = r.duration(t, "event_interval", kSecond);
  a.feed.first = r.duration(t, "first_event", a.feed.interval);
  a.feed.size = static_cast<std::uint32_t>(r.bytes(t, "event_size", 64));
  if (a.feed.size < 32 || a.feed.size > 65536)
    r.fail(Errc::OutOfRange, *t.get("event_size"), "event_size", "allowed: 32 to 65536 bytes");
  if (a.feed.count > 0 && a.feed.interval == 0)
    r.fail(Errc::OutOfRange, *t.get("event_interval"), "event_interval", "must be more than 0");
  a.long_poll_timeout = r.duration(t, "long_poll_timeout", 30 * kSecond);
  WsCommon c = read_ws_common(r, t);
  a.path = c.path;
  a.subprotocols = c.subprotocols;
  return a;
}

std::unique_ptr<App> build(const AppBuild& b, const WebSocketServerConfig& config) {
  return std::make_unique<WebSocketServerApp>(b, config);
}

constexpr AppRole kRoles[] = {{"websocket-server", true, 80}};
constexpr std::string_view kKeys[] = {
    "mode",           "path",        "subprotocols", "events",
    "event_interval", "first_event", "event_size",   "long_poll_timeout"};

}  // namespace

AppKind websocket_server_app() {
  return app_kind_of<WebSocketServerConfig, read_config, build>(kRoles, kKeys);
}

}  // namespace tcpsim::sim
