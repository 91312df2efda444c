// A WebSocket server (sim/app/websocket_server.hpp): a summary line of its sessions.
#include <fmt/core.h>

#include "sim/scenario/app.hpp"

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

}  // namespace

std::unique_ptr<App> make_app(const AppBuild& b, const WebSocketServerConfig& config) {
  return std::make_unique<WebSocketServerApp>(b, config);
}

}  // namespace tcpsim::sim
