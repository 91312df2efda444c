#include "sim/app/http_server.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

#include "sim/app/byte_stream.hpp"
#include "sim/app/message_trace.hpp"
#include "sim/app/socket_io.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/environment.hpp"
#include "stack/http/collector.hpp"
#include "stack/http/serializer.hpp"

namespace tcpsim::sim {

namespace {
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::uint64_t kMaxGeneratedBody = 100'000'000;
}  // namespace

struct HttpServer::Conn {
  Conn(Host& host, const std::string& app, tcp::Fd f)
      : fd(f), messages(host, app, MessageTrace::Role::Server) {
    messages.attach(f);
  }
  tcp::Fd fd = -1;
  http::MessageCollector collector{http::Kind::Request};
  std::string out;
  std::size_t out_off = 0;
  bool close_after = false;
  bool open = true;
  MessageTrace messages;  // app-message trace events

  void queue(std::string_view bytes) {
    out += bytes;
    messages.queued(bytes);
  }
};

HttpServer::HttpServer(Host& host, HttpServerConfig config)
    : host_(&host), cfg_(std::move(config)), buf_(kChunk) {}

HttpServer::~HttpServer() = default;

void HttpServer::install() {
  Simulator& sim = host_->environment().simulator;
  sim.schedule_at(std::max(cfg_.start, sim.now()), *this, 0);
}

void HttpServer::on_event(Nanos now, std::uint64_t) {
  listener_ =
      start_listening(now, host_->tcp(), cfg_.port, [this](tcp::Fd l) { on_listener_ready(l); });
  host_->flush();
}

void HttpServer::on_listener_ready(tcp::Fd l) {
  accept_all(
      host_->tcp(), l,
      [this](tcp::Fd fd) { conns_.push_back(std::make_unique<Conn>(*host_, cfg_.name, fd)); },
      [this](tcp::Fd f) { on_ready(f); });
}

void HttpServer::respond(Conn& c, const http::Request& req) {
  ++requests_;
  http::Response resp;
  std::string_view path = req.target;
  bool head = req.method == "HEAD";
  if (req.method != "GET" && !head) {
    resp.status = 405;
    resp.reason = std::string(http::reason_phrase(405));
    resp.headers.push_back({"Allow", "GET, HEAD"});
  } else if (path == "/") {
    resp.headers.push_back({"Content-Type", "text/plain"});
    resp.body = "hello from tcpsim\n";
  } else if (path.rfind("/bytes/", 0) == 0) {
    std::uint64_t n = 0;
    auto digits = path.substr(7);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || p != digits.data() + digits.size() || n > kMaxGeneratedBody) {
      resp.status = 404;
      resp.reason = std::string(http::reason_phrase(404));
      resp.body = "no such size\n";
    } else {
      resp.headers.push_back({"Content-Type", "application/octet-stream"});
      resp.body.resize(n);
      ByteStream(n).fill(
          0, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(resp.body.data()), n));
    }
  } else {
    resp.status = 404;
    resp.reason = std::string(http::reason_phrase(404));
    resp.headers.push_back({"Content-Type", "text/plain"});
    resp.body = "not found\n";
  }
  resp.headers.push_back({"Server", "tcpsim"});
  bool keep = http::keep_alive(req);
  if (!keep) {
    resp.headers.push_back({"Connection", "close"});
    c.close_after = true;
  }
  http::WriteOptions opts;
  if (head) {
    // A HEAD answer says how long the body would be, and sends none (RFC 9110 §9.3.2).
    resp.headers.push_back({"Content-Length", std::to_string(resp.body.size())});
    resp.body.clear();
    opts.framing = http::Framing::AsIs;
  }
  auto bytes = http::serialize(resp, opts);
  if (bytes.ok()) c.queue(*bytes);
}

void HttpServer::flush(Conn& c) {
  tcp::TcpStack& t = host_->tcp();
  const std::size_t before = c.out_off;
  c.out_off = write_some(t, c.fd, c.out, c.out_off, host_->now());
  c.messages.accepted(c.out_off - before);
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
    if (c.close_after && c.open) {
      c.open = false;
      t.close(host_->now(), c.fd);
    }
  }
}

void HttpServer::on_ready(tcp::Fd fd) {
  Conn* c = nullptr;
  for (auto& x : conns_) {
    if (x->fd == fd && x->open) c = x.get();
  }
  if (c == nullptr) return;
  tcp::TcpStack& t = host_->tcp();
  bool eof = false;
  for (;;) {
    std::size_t n = 0;
    tcp::Errno e = t.recv(host_->now(), fd, buf_, n);
    if (e != tcp::Errno::Ok) break;
    if (n == 0) {
      eof = true;
      break;
    }
    if (c->close_after) continue;  // after "Connection: close" nothing more is read
    c->messages.received(std::span<const std::uint8_t>(buf_.data(), n));
    c->collector.feed(std::span<const std::uint8_t>(buf_.data(), n));
    while (auto req = c->collector.pop_request()) {
      respond(*c, *req);
      if (c->close_after) break;
    }
    if (c->collector.parser().has_error() && !c->close_after) {
      // A request we cannot parse: answer with the status the parser picked, then close.
      ++errors_;
      http::Response r = http::error_response(c->collector.parser().error());
      auto bytes = http::serialize(r);
      if (bytes.ok()) c->queue(*bytes);
      c->close_after = true;
    }
  }
  if (eof && c->out.empty() && !c->close_after) c->close_after = true;
  const tcp::Connection* conn = t.connection(fd);
  if (conn != nullptr && conn->state() == tcp::State::Closed) {
    c->open = false;
    t.close(host_->now(), fd);
    return;
  }
  flush(*c);
}

// ---------------------------------------------------------------- client

}  // namespace tcpsim::sim
