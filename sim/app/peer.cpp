#include "sim/app/peer.hpp"

#include <algorithm>
#include <utility>

#include "sim/app/socket_io.hpp"
#include "sim/app/stream_ledger.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "sim/trace/trace.hpp"

namespace tcpsim::sim {

namespace {
constexpr std::size_t kChunk = 64 * 1024;
}

Peer::Peer(Host& host, PeerConfig config, std::uint64_t stream_key)
    : host_(&host), cfg_(std::move(config)), stream_key_(stream_key) {
  reading_enabled_ = cfg_.read && !cfg_.read_from.has_value();
}

Peer::~Peer() = default;

void Peer::install() {
  Simulator& sim = host_->environment().simulator;
  sim.schedule_at(std::max(cfg_.start, sim.now()), *this, kStart);
  if (cfg_.close_at) sim.schedule_at(*cfg_.close_at, *this, kClose);
  if (cfg_.abort_at) sim.schedule_at(*cfg_.abort_at, *this, kAbort);
  if (cfg_.read && cfg_.read_from) sim.schedule_at(*cfg_.read_from, *this, kRead);
  if (cfg_.send_at) sim.schedule_at(*cfg_.send_at, *this, kSend);
}

void Peer::on_event(Nanos, std::uint64_t tag) {
  switch (tag) {
    case kStart:
      start();
      break;
    case kClose:
      for (auto& c : conns_) {
        if (c->open) close_conn(*c);
      }
      if (listener_ >= 0) {
        host_->tcp().close(host_->now(), listener_);
        listener_ = -1;
      }
      break;
    case kAbort:
      for (auto& c : conns_) {
        if (!c->open) continue;
        host_->tcp().setsockopt(c->fd, tcp::SockOpt::Linger, 0);
        close_conn(*c);
      }
      break;
    case kRead:
      reading_enabled_ = true;
      for (auto& c : conns_) {
        if (c->open) pump(*c);
      }
      break;
    case kSend:
      for (auto& c : conns_) {
        if (c->open) pump(*c);
      }
      break;
    default:
      break;
  }
  host_->flush();
}

void Peer::apply_options(tcp::Fd fd) {
  tcp::TcpStack& t = host_->tcp();
  if (cfg_.rcvbuf) t.setsockopt(fd, tcp::SockOpt::RcvBuf, static_cast<int>(cfg_.rcvbuf));
  if (cfg_.sndbuf) t.setsockopt(fd, tcp::SockOpt::SndBuf, static_cast<int>(cfg_.sndbuf));
  if (cfg_.maxseg) t.setsockopt(fd, tcp::SockOpt::MaxSeg, static_cast<int>(cfg_.maxseg));
  if (cfg_.nodelay) t.setsockopt(fd, tcp::SockOpt::NoDelay, 1);
  if (cfg_.linger >= 0) t.setsockopt(fd, tcp::SockOpt::Linger, cfg_.linger);
}

void Peer::start() {
  tcp::TcpStack& t = host_->tcp();
  Nanos now = host_->now();
  tcp::Fd fd = t.socket();
  apply_options(fd);
  if (cfg_.role == PeerConfig::Role::Server) {
    t.setsockopt(fd, tcp::SockOpt::ReuseAddr, 1);
    t.bind(fd, tcp::Endpoint{wire::IpAddress(), cfg_.port});
    t.listen(now, fd, cfg_.backlog);
    listener_ = fd;
    t.set_ready_callback(fd, [this](tcp::Fd l) { on_listener_ready(l); });
    return;
  }
  if (cfg_.port != 0) {
    const wire::IpAddress* a = host_->address(cfg_.remote.addr.family());
    t.bind(fd, tcp::Endpoint{a != nullptr ? *a : wire::IpAddress(), cfg_.port});
  }
  Conn& c = adopt(fd);
  tcp::Errno e = t.connect(now, fd, cfg_.remote);
  if (e != tcp::Errno::InProgress) {
    c.report.error = e;
    c.open = false;
    t.close(now, fd);
    return;
  }
  if (const tcp::Connection* conn = t.connection(fd)) {
    c.report.local = conn->local().to_string();
    c.report.remote = conn->remote().to_string();
  }
}

Peer::Conn& Peer::adopt(tcp::Fd fd) {
  auto c = std::make_unique<Conn>();
  c->fd = fd;
  c->report.app = cfg_.name;
  c->report.opened = host_->now();
  c->key = stream_key_ * 1000003ULL + conns_.size();
  if (const tcp::Connection* conn = host_->tcp().connection(fd)) {
    c->report.local = conn->local().to_string();
    c->report.remote = conn->remote().to_string();
  }
  Conn& ref = *c;
  conns_.push_back(std::move(c));
  // The callback holds its connection (Conns are never freed while the peer lives), so a
  // server with thousands of them finds the one that is ready at once.
  host_->tcp().set_ready_callback(fd, [this, &ref](tcp::Fd) {
    if (ref.open) pump(ref);
  });
  return ref;
}

void Peer::on_listener_ready(tcp::Fd l) {
  tcp::Fd fd = -1;
  for (tcp::Errno e;
       (e = host_->tcp().accept(l, fd)) == tcp::Errno::Ok || e == tcp::Errno::ConnAborted;) {
    if (e == tcp::Errno::ConnAborted) continue;  // FreeBSD: one reset while queued
    apply_options(fd);
    Conn& c = adopt(fd);
    pump(c);
  }
}

void Peer::pump(Conn& c) {
  tcp::TcpStack& t = host_->tcp();
  const tcp::Connection* conn = t.connection(c.fd);
  if (conn == nullptr) return;
  if (conn->state() == tcp::State::Closed) {
    if (tcp::Errno err = socket_error(t, c.fd); err != tcp::Errno::Ok) c.report.error = err;
    c.report.retransmissions = conn->info().retransmissions;
    // Read what arrived before the end, then let go of the socket.
    read_all(c);
    record_end(c);
    c.open = false;
    t.close(host_->now(), c.fd);
    return;
  }
  read_all(c);
  if (!c.open) return;
  write_more(c);
  // After a half-close the socket is no longer writable, so write_more() returns early;
  // closing once the peer has closed must not depend on it.
  if (c.open && c.shut_wr && c.report.peer_closed &&
      cfg_.close == PeerConfig::Close::AfterPeerClose && !cfg_.close_at && c.send_done &&
      c.echo_pending.empty()) {
    close_conn(c);
  }
}

void Peer::write_more(Conn& c) {
  tcp::TcpStack& t = host_->tcp();
  Nanos now = host_->now();
  const tcp::Connection* conn = t.connection(c.fd);
  if (conn == nullptr || !conn->writable()) return;
  if (cfg_.send_at && now < *cfg_.send_at) return;
  if (c.report.bytes_received < cfg_.reply_after) return;
  // Echo first, then the configured stream.
  while (!c.echo_pending.empty()) {
    std::size_t n = 0;
    if (t.send(now, c.fd, c.echo_pending, n) != tcp::Errno::Ok || n == 0) return;
    c.sent_hash.update(std::span<const std::uint8_t>(c.echo_pending.data(), n));
    c.report.bytes_sent += n;
    c.echo_pending.erase(c.echo_pending.begin(),
                         c.echo_pending.begin() + static_cast<std::ptrdiff_t>(n));
  }
  ByteStream stream(c.key);
  std::uint64_t written_here = 0;
  while (c.report.bytes_sent < cfg_.send_bytes) {
    std::size_t space = conn->send_space();
    if (space == 0) break;
    std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>({cfg_.send_bytes - c.report.bytes_sent, std::uint64_t{space}}));
    // The stream is generated straight into the send buffer.
    const std::uint64_t at = c.report.bytes_sent;
    std::size_t n = 0;
    auto fill = [&](std::size_t done, std::span<std::uint8_t> into) {
      stream.fill(at + done, into);
    };
    if (t.send_with(now, c.fd, want, fill, n) != tcp::Errno::Ok || n == 0) break;
    if (at == 0 && ledger_ != nullptr && !cfg_.echo) {
      // Only the stream goes out on this connection, from its first byte.
      ledger_->announce(conn->local(), conn->remote(), c.key);
      c.sent_in_ledger = true;
    }
    if (!c.sent_in_ledger) c.sent_hash.update_stream(stream, at, n);
    c.report.bytes_sent += n;
    written_here += n;
  }
  Trace& tr = host_->environment().trace;
  if (written_here > 0 && tr.enabled()) {
    tr.emit(TraceEvent(now, TraceType::AppWrite, host_->name(),
                       format_conn_id(conn->local().addr, conn->local().port, conn->remote().addr,
                                      conn->remote().port))
                .add("app", cfg_.name)
                .add("bytes", written_here)
                .add("total", c.report.bytes_sent));
  }
  if (!c.send_done && c.report.bytes_sent >= cfg_.send_bytes && c.echo_pending.empty() &&
      !cfg_.echo) {
    c.send_done = true;
    if (cfg_.shutdown_after_send && !c.shut_wr) {
      c.shut_wr = true;
      t.shutdown(now, c.fd, tcp::ShutdownHow::Write);
    }
    if (cfg_.close == PeerConfig::Close::AfterSend && !cfg_.close_at) {
      close_conn(c);
      return;
    }
  }
  if (c.report.peer_closed && cfg_.close == PeerConfig::Close::AfterPeerClose && !cfg_.close_at &&
      (c.send_done || cfg_.echo) && c.echo_pending.empty()) {
    close_conn(c);
  }
}

void Peer::read_all(Conn& c) {
  if (!reading_enabled_) return;
  tcp::TcpStack& t = host_->tcp();
  Nanos now = host_->now();
  std::uint64_t got = 0;
  if (!c.looked_up && ledger_ != nullptr) {
    // Before the first byte is read: is this connection carrying a stream we know?
    const tcp::Connection* conn = t.connection(c.fd);
    if (conn != nullptr && conn->recv_queued() > 0) {
      c.looked_up = true;
      if (auto key = ledger_->expected(conn->remote(), conn->local())) {
        c.recv_hash.expect_stream(ByteStream(*key));
        ledger_->add_receiver(*key, c.recv_hash);
      }
    }
  }
  for (;;) {
    std::size_t n = 0;
    // Without echo, the bytes go straight into the hasher's buffer (one copy fewer), sized
    // to what is there: an idle connection's hasher then holds no buffer.
    const tcp::Connection* queued = std::as_const(t).connection(c.fd);
    std::size_t want =
        queued == nullptr ? 1 : std::clamp<std::size_t>(queued->recv_queued(), 1, kChunk);
    if (cfg_.echo && buf_.empty()) buf_.resize(kChunk);  // only an echoing peer copies
    std::span<std::uint8_t> into =
        cfg_.echo ? std::span<std::uint8_t>(buf_) : c.recv_hash.prepare(want);
    tcp::Errno e = t.recv(now, c.fd, into, n);
    if (!cfg_.echo) c.recv_hash.commit(e == tcp::Errno::Ok ? n : 0);
    if (e != tcp::Errno::Ok) break;
    if (n == 0) {
      if (!c.report.peer_closed) {
        c.report.peer_closed = true;
        record_end(c);
      }
      break;
    }
    std::span<const std::uint8_t> data(into.data(), n);
    if (cfg_.echo) c.recv_hash.update(data);
    c.report.bytes_received += n;
    c.report.finished = now;
    got += n;
    if (cfg_.echo) c.echo_pending.insert(c.echo_pending.end(), data.begin(), data.end());
  }
  Trace& tr = host_->environment().trace;
  if (got > 0 && tr.enabled()) {
    const tcp::Connection* conn = t.connection(c.fd);
    tr.emit(TraceEvent(now, TraceType::AppRead, host_->name(),
                       conn ? format_conn_id(conn->local().addr, conn->local().port,
                                             conn->remote().addr, conn->remote().port)
                            : std::string())
                .add("app", cfg_.name)
                .add("bytes", got)
                .add("total", c.report.bytes_received));
  }
}

void Peer::record_end(Conn& c) {
  // The digests are taken in reports(), after the run: asking for one now would wait for
  // the hashing thread to catch up with the simulation.
  if (c.report.finished < 0 || c.report.bytes_received == 0) c.report.finished = host_->now();
  if (const tcp::Connection* conn = host_->tcp().connection(c.fd)) {
    c.report.retransmissions = conn->info().retransmissions;
  }
}

void Peer::close_conn(Conn& c) {
  if (!c.open) return;
  record_end(c);
  c.open = false;
  host_->tcp().close(host_->now(), c.fd);
}

std::vector<PeerConnectionReport> Peer::reports() const {
  std::vector<PeerConnectionReport> out;
  for (const auto& c : conns_) {
    PeerConnectionReport r = c->report;
    r.sent_sha256 =
        c->sent_in_ledger ? ledger_->digest(c->key, c->report.bytes_sent) : c->sent_hash.hex();
    r.received_sha256 = c->recv_hash.hex();
    if (c->open) {
      if (const tcp::Connection* conn = host_->tcp().connection(c->fd)) {
        r.retransmissions = conn->info().retransmissions;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::uint64_t Peer::bytes_received() const {
  std::uint64_t n = 0;
  for (const auto& c : conns_) n += c->report.bytes_received;
  return n;
}

std::uint64_t Peer::bytes_sent() const {
  std::uint64_t n = 0;
  for (const auto& c : conns_) n += c->report.bytes_sent;
  return n;
}

}  // namespace tcpsim::sim
