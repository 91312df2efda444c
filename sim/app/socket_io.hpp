// Small helpers the applications share for moving bytes through the sockets API.
#pragma once

#include <cstddef>
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
    if (t.send(fd, data, n, now) != tcp::Errno::Ok || n == 0) break;
    off += n;
  }
  return off;
}

inline void append_bytes(std::string& out, std::span<const std::uint8_t> bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace tcpsim::sim
