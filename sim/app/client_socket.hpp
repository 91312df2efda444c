// The part every client application repeats: at its start time it connects to one server,
// then on each readiness of the socket it reads what arrived and writes what is queued,
// and it remembers the error that ended the connection. HttpClient, WebSocketClient and
// PollingClient derive from it and keep only their protocol.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

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

  explicit ClientSocket(Host& host);
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
  std::string out_;       // bytes waiting for room in the send buffer
  tcp::Errno error_ = tcp::Errno::Ok;

 private:
  void on_event(Nanos now, std::uint64_t tag) final;
  void on_ready(tcp::Fd fd);

  Host* host_;
  std::vector<std::uint8_t> buf_;
};

template <class F>
bool ClientSocket::read_available(Nanos now, F&& on_bytes) {
  for (;;) {
    std::size_t n = 0;
    if (tcp().recv(now, fd_, buf_, n) != tcp::Errno::Ok) return false;
    if (n == 0) return true;
    on_bytes(std::span<const std::uint8_t>(buf_.data(), n));
  }
}

}  // namespace tcpsim::sim
