// WebSocket (RFC 6455) applications on simulated hosts, over the sockets API, stack/http (for
// the opening handshake) and stack/websocket (frames and the closing handshake):
//  - WebSocketServer accepts the upgrade on its path and then, by mode,
//      echo: sends every message back to its sender;
//      chat: sends every message to every open session (the sender included);
//      feed: pushes a stream of server events to every session as they happen, and also
//            serves the same events over plain HTTP: GET /poll?after=K answers at once
//            (200 with the events after K, or 204), GET /wait?after=K holds the request
//            until an event after K exists (long polling).
//    A request it cannot accept gets the HTTP status stack/websocket chooses (400, 426) or
//    404 for another path, and the connection is closed.
//  - WebSocketClient opens the connection, sends its messages (waiting for each echo, or on a
//    timer), receives the messages it expects, then closes with a status code.
//  - PollingClient fetches the feed's events over HTTP by polling or long polling.
// Feed events are text lines "event K t=NANOS ....\n" padded to a fixed size, the same bytes
// on every transport, so transports can be compared byte for byte.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "stack/http/collector.hpp"
#include "stack/tcp/tcp_stack.hpp"
#include "stack/websocket/session.hpp"

namespace tcpsim::sim {

class Host;

// The feed's event stream: `count` events, the first at `first`, then one every `interval`,
// each `size` bytes.
struct FeedParams {
  std::uint32_t count = 0;
  Nanos first = kSecond;
  Nanos interval = kSecond;
  std::uint32_t size = 64;
};

// The event line for event `k` (from 1) generated at `at`: exactly `size` bytes (at least
// enough for the text), ending in '\n'.
std::string feed_event_line(std::uint64_t k, Nanos at, std::uint32_t size);
// Reads "event K t=NANOS" at the start of `line`; nullopt if it is not an event line.
struct FeedEventStamp {
  std::uint64_t k = 0;
  Nanos at = 0;
};
std::optional<FeedEventStamp> parse_feed_event(std::string_view line);

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
  void answer_http(Conn& c, int status, std::string body, bool close);
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

struct WsReceived {
  Nanos at = 0;
  bool text = false;
  std::uint64_t bytes = 0;
  std::optional<FeedEventStamp> event;  // a feed event line
  Nanos rtt = -1;                       // echo: time since the original was sent
  bool intact = true;                   // echo: equal to what was sent
};

class WebSocketClient final : private EventHandler {
 public:
  WebSocketClient(Host& host, WebSocketClientConfig config);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;
  void install();
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
  tcp::Errno error() const { return error_; }
  bool done() const { return done_; }
  // "5 sent, 5 echoed intact, 1 pong, rtt mean 20.4 ms, closed 1000"
  std::string summary() const;

 private:
  enum Tag : std::uint64_t { kStart = 0, kSend = 1 };
  void on_event(Nanos now, std::uint64_t tag) override;
  void on_ready(tcp::Fd fd);
  void send_handshake();
  void on_open_bytes(std::span<const std::uint8_t> bytes);
  void drain_events();
  void send_next();
  void maybe_close();
  void flush();

  Host* host_;
  WebSocketClientConfig cfg_;
  tcp::Fd fd_ = -1;
  bool connected_ = false, requested_ = false, opened_ = false, open_ = false, done_ = false;
  bool close_started_ = false;
  std::string key_;
  http::MessageCollector collector_;
  std::optional<websocket::Session> session_;
  std::string out_;
  std::vector<std::uint8_t> buf_;
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
  tcp::Errno error_ = tcp::Errno::Ok;
};

struct PollingClientConfig {
  enum class Method : std::uint8_t { Poll, LongPoll };
  std::string name;
  tcp::Endpoint remote;
  std::string host_header;
  Nanos start = 0;
  Method method = Method::Poll;
  Nanos interval = kSecond;  // Poll: one request every interval
  std::uint64_t events = 0;  // stop once this many events arrived
};

class PollingClient final : private EventHandler {
 public:
  PollingClient(Host& host, PollingClientConfig config);
  ~PollingClient();
  PollingClient(const PollingClient&) = delete;
  PollingClient& operator=(const PollingClient&) = delete;
  void install();
  const PollingClientConfig& config() const { return cfg_; }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t empty_answers() const { return empty_; }
  const std::vector<WsReceived>& received() const { return received_; }
  tcp::Errno error() const { return error_; }
  bool done() const { return done_; }
  std::string summary() const;

 private:
  enum Tag : std::uint64_t { kStart = 0, kPoll = 1 };
  void on_event(Nanos now, std::uint64_t tag) override;
  void on_ready(tcp::Fd fd);
  void request();
  void flush();

  Host* host_;
  PollingClientConfig cfg_;
  tcp::Fd fd_ = -1;
  bool open_ = false, connected_ = false, in_flight_ = false, done_ = false;
  bool poll_due_ = false;
  http::MessageCollector collector_;
  std::string out_;
  std::vector<std::uint8_t> buf_;
  std::uint64_t last_ = 0;  // highest event number seen
  std::uint64_t requests_ = 0, empty_ = 0;
  std::vector<WsReceived> received_;
  tcp::Errno error_ = tcp::Errno::Ok;
};

// Latency of delivered feed events (receive time minus generation time), for summaries.
struct LatencyStats {
  std::size_t n = 0;
  Nanos mean = 0, p50 = 0, max = 0;
};
LatencyStats feed_latency(const std::vector<WsReceived>& received);

}  // namespace tcpsim::sim
