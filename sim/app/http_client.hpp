// An HTTP/1.1 client on a simulated host: it sends a list of requests on one connection,
// one at a time (keep-alive) or all at once (pipelining), reads every response, then
// closes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/client_socket.hpp"
#include "stack/http/collector.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

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
  void send_request(std::size_t i, Nanos issued);  // `issued`: when it was asked for
  void read_responses(Nanos now);

  HttpClientConfig cfg_;
  bool requested_ = false;
  std::size_t next_ = 0;      // next request to send
  std::size_t answered_ = 0;  // responses received
  http::MessageCollector collector_;
  std::vector<HttpExchange> exchanges_;
};

}  // namespace tcpsim::sim
