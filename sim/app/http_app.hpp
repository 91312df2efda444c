// HTTP/1.1 applications on simulated hosts, over the sockets API and stack/http:
//  - HttpServer answers GET and HEAD: "/" with a short text, "/bytes/N" with N bytes of
//    a deterministic stream, anything else with 404; a message it cannot parse gets the
//    status stack/http chooses (400, 413, 431, ...) and the connection is closed.
//  - HttpClient sends a list of requests on one connection, one at a time (keep-alive)
//    or all at once (pipelining), reads every response, then closes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/app/client_socket.hpp"
#include "sim/core/event_queue.hpp"
#include "stack/http/collector.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

class Host;

struct HttpServerConfig {
  std::string name;
  std::uint16_t port = 80;
  Nanos start = 0;
};

struct HttpClientConfig {
  std::string name;
  tcp::Endpoint remote;
  std::string host_header;  // the Host field (the server's name)
  Nanos start = 0;
  std::vector<std::string> paths{"/"};
  bool pipeline = false;
  bool head = false;  // HEAD instead of GET
  // When set, these bytes are sent as the only request, as they are (to show how a
  // server answers a malformed one); `paths` is not used.
  std::string raw;
};

struct HttpExchange {
  std::string path;
  int status = 0;  // 0: no response
  std::uint64_t body_bytes = 0;
  std::string body_sha256;  // hex
  Nanos sent = 0, answered = -1;
};

class HttpServer final : private EventHandler {
 public:
  HttpServer(Host& host, HttpServerConfig config);
  ~HttpServer();
  void install();
  const HttpServerConfig& config() const { return cfg_; }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t errors() const { return errors_; }

 private:
  struct Conn;
  void on_event(Nanos now, std::uint64_t tag) override;
  void on_listener_ready(tcp::Fd fd);
  void on_ready(tcp::Fd fd);
  void respond(Conn& c, const http::Request& req);
  void flush(Conn& c);

  Host* host_;
  HttpServerConfig cfg_;
  tcp::Fd listener_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::uint8_t> buf_;
  std::uint64_t requests_ = 0, errors_ = 0;
};

class HttpClient final : public ClientSocket {
 public:
  HttpClient(Host& host, HttpClientConfig config);
  ~HttpClient();
  const HttpClientConfig& config() const { return cfg_; }
  const std::vector<HttpExchange>& exchanges() const { return exchanges_; }
  // The connection was tried and is over (every answer read, or an error).
  bool finished() const { return started_ && !open_; }
  // "3 requests, 3 responses (200 200 404), 1.2 KB of bodies, 41.2 ms"
  std::string summary() const;

 private:
  Nanos start_time() const override { return cfg_.start; }
  const tcp::Endpoint& remote() const override { return cfg_.remote; }
  void on_socket_ready(const tcp::Connection& conn, Nanos now) override;
  void send_requests(Nanos now);
  void send_request(std::size_t i);
  void read_responses(Nanos now);

  HttpClientConfig cfg_;
  bool requested_ = false;
  std::size_t next_ = 0;      // next request to send
  std::size_t answered_ = 0;  // responses received
  http::MessageCollector collector_;
  std::vector<HttpExchange> exchanges_;
};

}  // namespace tcpsim::sim
