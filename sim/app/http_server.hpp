// An HTTP/1.1 server on a simulated host, over the sockets API and stack/http: it answers
// GET and HEAD: "/" with a short text, "/bytes/N" with N bytes of a deterministic stream,
// anything else with 404; a message it cannot parse gets the status stack/http chooses
// (400, 413, 431, ...) and the connection is closed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "stack/http/message.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

class Host;

struct HttpServerConfig {
  std::string name;
  std::uint16_t port = 80;
  Nanos start = 0;
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

}  // namespace tcpsim::sim
