// Small helpers the applications share for moving bytes through the sockets API.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>

#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

// Sends as much of `out` from `off` as the socket takes; returns the new offset.
inline std::size_t write_some(tcp::TcpStack& t, tcp::Fd fd, const std::string& out, std::size_t off,
                              Nanos now) {
  while (off < out.size()) {
    std::size_t n = 0;
    auto data = std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(out.data()) + off, out.size() - off);
    if (t.send(now, fd, data, n) != tcp::Errno::Ok || n == 0) break;
    off += n;
  }
  return off;
}

// A client's first step: a socket with `on_ready` as its readiness callback, connecting to
// `remote`. Returns the socket, or -1 with `error` set (and the socket closed again) when
// the connection could not even start.
inline tcp::Fd start_connect(Nanos now, tcp::TcpStack& t, const tcp::Endpoint& remote,
                             std::function<void(tcp::Fd)> on_ready, tcp::Errno& error) {
  tcp::Fd fd = t.socket();
  t.set_ready_callback(fd, std::move(on_ready));
  tcp::Errno e = t.connect(now, fd, remote);
  if (e != tcp::Errno::InProgress) {
    error = e;
    t.close(now, fd);
    return -1;
  }
  return fd;
}

// A server's listening socket on `port` of every address, with `on_ready` as its readiness
// callback (called when connections wait to be accepted).
inline tcp::Fd start_listening(Nanos now, tcp::TcpStack& t, std::uint16_t port,
                               std::function<void(tcp::Fd)> on_ready) {
  tcp::Fd listener = t.socket();
  t.setsockopt(listener, tcp::SockOpt::ReuseAddr, 1);
  t.bind(listener, tcp::Endpoint{wire::IpAddress(), port});
  t.listen(now, listener, 64);
  t.set_ready_callback(listener, std::move(on_ready));
  return listener;
}

// Accepts every connection waiting on `listener`: `adopt(fd)` records each, which then
// gets `on_ready` as its readiness callback, run once at once for what already arrived.
inline void accept_all(tcp::TcpStack& t, tcp::Fd listener,
                       const std::function<void(tcp::Fd)>& adopt,
                       const std::function<void(tcp::Fd)>& on_ready) {
  tcp::Fd fd = -1;
  for (tcp::Errno e;
       (e = t.accept(listener, fd)) == tcp::Errno::Ok || e == tcp::Errno::ConnAborted;) {
    if (e == tcp::Errno::ConnAborted) continue;  // FreeBSD: one reset while queued
    adopt(fd);
    t.set_ready_callback(fd, on_ready);
    on_ready(fd);
  }
}

// The error that ended a socket's connection (SO_ERROR), if any.
inline tcp::Errno socket_error(tcp::TcpStack& t, tcp::Fd fd) {
  int err = 0;
  t.getsockopt(fd, tcp::SockOpt::Error, err);
  return static_cast<tcp::Errno>(err);
}

inline void append_bytes(std::string& out, std::span<const std::uint8_t> bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace tcpsim::sim
