#include "sim/app/client_socket.hpp"

#include <algorithm>

#include "sim/app/socket_io.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"

namespace tcpsim::sim {
namespace {
constexpr std::size_t kChunk = 64 * 1024;
}  // namespace

ClientSocket::ClientSocket(Host& host, std::string app)
    : host_(&host), buf_(kChunk), messages_(host, std::move(app), MessageTrace::Role::Client) {}

ClientSocket::~ClientSocket() = default;

tcp::TcpStack& ClientSocket::tcp() const {
  return host_->tcp();
}

void ClientSocket::install() {
  Simulator& sim = host_->environment().simulator;
  sim.schedule_at(std::max(start_time(), sim.now()), *this, kStart);
}

void ClientSocket::schedule(Nanos at, std::uint64_t tag) {
  host_->environment().simulator.schedule_at(at, *this, tag);
}

void ClientSocket::on_timer(Nanos, std::uint64_t) {}

void ClientSocket::on_event(Nanos now, std::uint64_t tag) {
  if (tag == kStart) {
    started_ = true;
    started_at_ = now;
    fd_ = start_connect(
        now, tcp(), remote(), [this](tcp::Fd f) { on_ready(f); }, error_);
    if (fd_ < 0) {
      on_connect_failed();
      return;
    }
    open_ = true;
    messages_.attach(fd_);
  } else {
    on_timer(now, tag);
  }
  host_->flush();
}

void ClientSocket::on_ready(tcp::Fd fd) {
  if (!open_) return;
  const tcp::Connection* conn = tcp().connection(fd);
  if (conn == nullptr) return;
  on_socket_ready(*conn, host_->now());
}

void ClientSocket::queue(std::string_view bytes, std::optional<Nanos> issued) {
  out_ += bytes;
  messages_.queued(bytes, issued);
}

void ClientSocket::queue(std::span<const std::uint8_t> bytes) {
  append_bytes(out_, bytes);
  messages_.queued(bytes);
}

void ClientSocket::flush() {
  std::size_t n = write_some(tcp(), fd_, out_, 0, host_->now());
  messages_.accepted(n);
  out_.erase(0, n);
}

bool ClientSocket::note_if_closed(const tcp::Connection& conn) {
  if (conn.state() != tcp::State::Closed) return false;
  if (tcp::Errno err = socket_error(tcp(), fd_); err != tcp::Errno::Ok) error_ = err;
  return true;
}

void ClientSocket::close(Nanos now) {
  open_ = false;
  tcp().close(now, fd_);
}

}  // namespace tcpsim::sim
