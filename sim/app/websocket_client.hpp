// A WebSocket (RFC 6455) client on a simulated host: it opens the connection, sends its
// messages (waiting for each echo, or on a timer), receives the messages it expects, then
// closes with a status code.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/client_socket.hpp"
#include "sim/app/feed.hpp"
#include "stack/http/collector.hpp"
#include "stack/websocket/session.hpp"

namespace tcpsim::sim {

class Host;

// One message the client sends.
struct WsOutgoing {
  enum class Kind : std::uint8_t { Text, Binary, Ping };
  Kind kind = Kind::Text;
  std::string text;              // Text, Ping: the payload (when size is 0)
  std::uint64_t size = 0;        // Text, Binary: generated payload of this many bytes
  std::size_t fragment = 0;      // > 0: sent as frames of at most this many payload bytes
  std::string describe() const;  // "text 5 B", "binary 70000 B in 16384-byte fragments"
};

struct WebSocketClientConfig {
  std::string name;
  tcp::Endpoint remote;
  std::string host_header;
  std::string path = "/";
  Nanos start = 0;
  std::vector<std::string> subprotocols;
  std::vector<WsOutgoing> send;
  // true: send each message once the previous one came back (echo) and check the copy;
  // false: send one every `interval`.
  bool await_echo = true;
  Nanos interval = 0;
  // Messages to receive before closing; 0 = one per message sent when awaiting echoes.
  std::uint64_t expect = 0;
  std::uint16_t close_code = 1000;
  std::uint64_t seed = 0;  // masking keys and the handshake nonce
};

class WebSocketClient final : public ClientSocket {
 public:
  WebSocketClient(Host& host, WebSocketClientConfig config);
  ~WebSocketClient();
  const WebSocketClientConfig& config() const { return cfg_; }

  bool opened() const { return opened_; }  // the server answered 101 correctly
  const std::string& handshake_error() const { return handshake_error_; }
  int handshake_status() const { return handshake_status_; }
  const std::string& subprotocol() const { return subprotocol_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t pongs() const { return pongs_; }
  const std::vector<WsReceived>& received() const { return received_; }
  // The session's close code once it ended (1006 when no Close frame came), or nullopt.
  std::optional<std::uint16_t> close_code() const { return close_code_; }
  std::string failure() const { return failure_; }  // why the session was failed
  bool done() const { return done_; }
  // "5 sent, 5 echoed intact, 1 pong, rtt mean 20.4 ms, closed 1000"
  std::string summary() const;

 private:
  static constexpr std::uint64_t kSend = 1;
  Nanos start_time() const override { return cfg_.start; }
  const tcp::Endpoint& remote() const override { return cfg_.remote; }
  void on_socket_ready(const tcp::Connection& conn, Nanos now) override;
  void on_timer(Nanos now, std::uint64_t tag) override;
  void on_connect_failed() override { done_ = true; }
  void send_handshake();
  void on_bytes(std::span<const std::uint8_t> in, Nanos now);
  void on_open_bytes(std::span<const std::uint8_t> bytes);
  void drain_events();
  void send_next();
  void maybe_close();
  void write_out();  // the session's output, then flush()

  WebSocketClientConfig cfg_;
  bool requested_ = false, opened_ = false, done_ = false;
  bool close_started_ = false;
  std::string key_;
  http::MessageCollector collector_;
  std::optional<websocket::Session> session_;
  std::size_t next_ = 0;  // next message of cfg_.send
  struct Pending {
    std::vector<std::uint8_t> data;
    Nanos sent = 0;
    bool ping = false;
  };
  std::deque<Pending> pending_;  // sent, echo not yet back
  std::vector<WsReceived> received_;
  std::uint64_t sent_ = 0, pongs_ = 0;
  int handshake_status_ = 0;
  std::string handshake_error_, subprotocol_, failure_;
  std::optional<std::uint16_t> close_code_;
};

}  // namespace tcpsim::sim
