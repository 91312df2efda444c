// The `app-message` trace events of one connection of an HTTP or WebSocket application: one
// `send` event when the application has handed a whole message to its socket, one `recv`
// event when it has read one whole. Messages are found by parsing the bytes themselves
// (HTTP/1.1 messages, then WebSocket frames after an upgrade), on each side with the same
// parsers, so both ends of a message name the same byte range of the sender's stream.
//
// The application reports the bytes it queues for the socket (queued), how many the socket
// took (accepted) and the bytes it reads (received); nothing is parsed while no trace sink
// listens, and nothing here changes what the application does.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

class Host;

class MessageTrace {
 public:
  enum class Role : std::uint8_t { Client, Server };  // who sends the HTTP requests

  MessageTrace(Host& host, std::string app, Role role);
  ~MessageTrace();
  MessageTrace(MessageTrace&&) noexcept;
  MessageTrace& operator=(MessageTrace&&) noexcept;

  // The socket the messages travel on (its connection names the events).
  void attach(tcp::Fd fd);

  // Bytes appended to the application's send queue. `issued`, when given, is when the
  // application asked for the messages that begin in these bytes; otherwise an HTTP
  // response was asked for when its request arrived, anything else now.
  void queued(std::string_view bytes, std::optional<Nanos> issued = std::nullopt);
  void queued(std::span<const std::uint8_t> bytes, std::optional<Nanos> issued = std::nullopt);
  // The socket accepted `n` more bytes of the queue.
  void accepted(std::size_t n);
  // Bytes the application read from the socket.
  void received(std::span<const std::uint8_t> bytes);

 private:
  struct Side;
  struct Pending;
  bool live();
  const std::string& conn_id();
  void emit(bool send, bool http, std::int64_t msg, const std::string& what, std::uint64_t begin,
            std::uint64_t end, std::optional<Nanos> issued);

  Host* host_;
  std::string app_;
  Role role_;
  tcp::Fd fd_ = -1;
  std::string conn_;
  int live_ = -1;  // -1: not decided yet (decided at the first byte, by whether a sink listens)
  std::unique_ptr<Side> out_, in_;
  std::deque<Pending> pending_;          // parsed, not yet wholly accepted by the socket
  std::uint64_t accepted_ = 0;           // bytes of the send stream the socket took
  std::optional<Nanos> issued_;          // for the messages that begin in the current queued()
  std::vector<Nanos> request_arrivals_;  // server: when each HTTP request was read whole
  std::uint64_t responses_queued_ = 0;
};

}  // namespace tcpsim::sim
