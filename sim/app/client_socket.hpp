// The part every client application repeats: at its start time it connects to one server,
// then on each readiness of the socket it reads what arrived and writes what is queued,
// and it remembers the error that ended the connection. HttpClient, WebSocketClient and
// PollingClient derive from it and keep only their protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/app/message_trace.hpp"
#include "sim/core/event_queue.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

class Host;

class ClientSocket : private EventHandler {
 public:
  ClientSocket(const ClientSocket&) = delete;
  ClientSocket& operator=(const ClientSocket&) = delete;

  // Schedules the connection for `start` (or now, if that has passed).
  void install();
  tcp::Errno error() const { return error_; }

 protected:
  static constexpr std::uint64_t kStart = 0;  // other tags are the client's own timers

  // `app` names the application in its app-message trace events.
  ClientSocket(Host& host, std::string app);
  ~ClientSocket();

  // From the client's config: when to connect, and to where.
  virtual Nanos start_time() const = 0;
  virtual const tcp::Endpoint& remote() const = 0;

  // The socket is readable or writable, or its connection changed state.
  virtual void on_socket_ready(const tcp::Connection& conn, Nanos now) = 0;
  // A timer the client scheduled with `schedule` (any tag but kStart).
  virtual void on_timer(Nanos now, std::uint64_t tag);
  // The connection could not even start (error() says why).
  virtual void on_connect_failed() {}

  void schedule(Nanos at, std::uint64_t tag);
  // Reads everything that has arrived, handing each piece to `on_bytes`; true when the
  // stream has ended.
  template <class F>
  bool read_available(Nanos now, F&& on_bytes);
  // Appends a message (or part of one) to `out_`; `issued`: when the application asked for
  // the messages that begin in it, if not now (for the app-message trace).
  void queue(std::string_view bytes, std::optional<Nanos> issued = std::nullopt);
  void queue(std::span<const std::uint8_t> bytes);
  // Writes as much of `out_` as the socket takes.
  void flush();
  // Records the connection's error (SO_ERROR) once it is closed; true if it is.
  bool note_if_closed(const tcp::Connection& conn);
  void close(Nanos now);

  Host& host() const { return *host_; }
  tcp::TcpStack& tcp() const;

  tcp::Fd fd_ = -1;
  bool open_ = false;     // connecting or connected, and not yet closed by us
  bool started_ = false;  // the start time has come
  Nanos started_at_ = 0;  // when it came
  std::string out_;       // bytes waiting for room in the send buffer
  tcp::Errno error_ = tcp::Errno::Ok;

 private:
  void on_event(Nanos now, std::uint64_t tag) final;
  void on_ready(tcp::Fd fd);

  Host* host_;
  std::vector<std::uint8_t> buf_;
  MessageTrace messages_;
};

template <class F>
bool ClientSocket::read_available(Nanos now, F&& on_bytes) {
  for (;;) {
    std::size_t n = 0;
    if (tcp().recv(now, fd_, buf_, n) != tcp::Errno::Ok) return false;
    if (n == 0) return true;
    messages_.received(std::span<const std::uint8_t>(buf_.data(), n));
    on_bytes(std::span<const std::uint8_t>(buf_.data(), n));
  }
}

}  // namespace tcpsim::sim
