// A client that fetches a WebSocketServer's feed over plain HTTP, by polling (GET /poll
// every interval) or long polling (GET /wait, asked again as soon as it is answered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/client_socket.hpp"
#include "sim/app/feed.hpp"
#include "stack/http/collector.hpp"

namespace tcpsim::sim {

class Host;

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

class PollingClient final : public ClientSocket {
 public:
  PollingClient(Host& host, PollingClientConfig config);
  ~PollingClient();
  const PollingClientConfig& config() const { return cfg_; }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t empty_answers() const { return empty_; }
  const std::vector<WsReceived>& received() const { return received_; }
  bool done() const { return done_; }
  std::string summary() const;

 private:
  static constexpr std::uint64_t kPoll = 1;
  Nanos start_time() const override { return cfg_.start; }
  const tcp::Endpoint& remote() const override { return cfg_.remote; }
  void on_socket_ready(const tcp::Connection& conn, Nanos now) override;
  void on_timer(Nanos now, std::uint64_t tag) override;
  void on_connect_failed() override { done_ = true; }
  void request(Nanos issued);  // `issued`: when the client wanted the update
  void read_answers(Nanos now);

  PollingClientConfig cfg_;
  bool connected_ = false, in_flight_ = false, done_ = false;
  bool poll_due_ = false;
  Nanos due_at_ = 0;  // when the poll that is due fell due
  http::MessageCollector collector_;
  std::uint64_t last_ = 0;  // highest event number seen
  std::uint64_t requests_ = 0, empty_ = 0;
  std::vector<WsReceived> received_;
};

}  // namespace tcpsim::sim
