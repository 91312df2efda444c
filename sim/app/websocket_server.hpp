// A WebSocket (RFC 6455) server on a simulated host, over the sockets API, stack/http (for
// the opening handshake) and stack/websocket (frames and the closing handshake). It accepts
// the upgrade on its path and then, by mode,
//   echo: sends every message back to its sender;
//   chat: sends every message to every open session (the sender included);
//   feed: pushes a stream of server events to every session as they happen, and also
//         serves the same events over plain HTTP: GET /poll?after=K answers at once
//         (200 with the events after K, or 204), GET /wait?after=K holds the request
//         until an event after K exists (long polling).
// A request it cannot accept gets the HTTP status stack/websocket chooses (400, 426) or
// 404 for another path, and the connection is closed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/feed.hpp"
#include "sim/core/event_queue.hpp"
#include "stack/http/collector.hpp"
#include "stack/tcp/tcp_stack.hpp"
#include "stack/websocket/session.hpp"

namespace tcpsim::sim {

class Host;

struct WebSocketServerConfig {
  enum class Mode : std::uint8_t { Echo, Chat, Feed };
  std::string name;
  std::uint16_t port = 80;
  Nanos start = 0;
  Mode mode = Mode::Echo;
  std::string path = "/";  // where the upgrade is accepted
  std::vector<std::string> subprotocols;
  FeedParams feed;                         // feed mode
  Nanos long_poll_timeout = 30 * kSecond;  // feed mode: a held /wait answers 204 after this
};

class WebSocketServer final : private EventHandler {
 public:
  WebSocketServer(Host& host, WebSocketServerConfig config);
  ~WebSocketServer();
  WebSocketServer(const WebSocketServer&) = delete;
  WebSocketServer& operator=(const WebSocketServer&) = delete;
  void install();
  const WebSocketServerConfig& config() const { return cfg_; }

  std::uint64_t sessions() const { return sessions_; }
  std::uint64_t messages_received() const { return messages_in_; }
  std::uint64_t messages_sent() const { return messages_out_; }
  std::uint64_t refused() const { return refused_; }  // handshakes answered with an error
  std::uint64_t http_requests() const { return http_requests_; }
  // Close codes of the sessions that ended (the "WebSocket Connection Close Code").
  const std::vector<std::uint16_t>& close_codes() const { return close_codes_; }

 private:
  struct Conn;
  static constexpr std::uint64_t kStart = 0;
  static constexpr std::uint64_t kTimeoutBit = std::uint64_t{1} << 62;

  void on_event(Nanos now, std::uint64_t tag) override;
  void on_listener_ready(tcp::Fd fd);
  void on_ready(tcp::Fd fd);
  void handle_request(Conn& c, const http::Request& req, std::span<const std::uint8_t> rest);
  void upgrade(Conn& c, const http::Request& req);
  void answer_http(Conn& c, int status, std::string body, bool close,
                   std::optional<Nanos> issued = std::nullopt);
  void answer_poll(Conn& c, std::uint64_t after);
  void on_message(Conn& from, const websocket::Event& e);
  void publish(std::uint64_t k, Nanos now);
  void end_session(Conn& c);
  void pump_output(Conn& c);
  void flush(Conn& c);
  Conn* find(tcp::Fd fd);

  Host* host_;
  WebSocketServerConfig cfg_;
  tcp::Fd listener_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::uint8_t> buf_;
  std::vector<std::string> events_;  // feed: generated so far
  std::uint64_t sessions_ = 0, messages_in_ = 0, messages_out_ = 0, refused_ = 0;
  std::uint64_t http_requests_ = 0;
  std::vector<std::uint16_t> close_codes_;
};

}  // namespace tcpsim::sim
