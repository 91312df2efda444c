#include "sim/app/websocket_server.hpp"

#include <algorithm>
#include <charconv>

#include "sim/app/message_trace.hpp"
#include "sim/app/socket_io.hpp"
#include "sim/core/simulator.hpp"
#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "stack/http/serializer.hpp"
#include "stack/websocket/handshake.hpp"

namespace tcpsim::sim {
namespace {
constexpr std::size_t kChunk = 64 * 1024;

// The number after "after=" in a query such as "/poll?after=12"; 0 when absent or bad.
std::uint64_t query_after(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return 0;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    std::string_view item = query.substr(0, query.find('&'));
    if (item.rfind("after=", 0) == 0) {
      std::uint64_t v = 0;
      auto digits = item.substr(6);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec == std::errc() && p == digits.data() + digits.size()) return v;
      return 0;
    }
    if (item.size() == query.size()) break;
    query.remove_prefix(item.size() + 1);
  }
  return 0;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

struct WebSocketServer::Conn {
  Conn(Host& host, const std::string& app, tcp::Fd f, std::size_t i)
      : index(i), fd(f), messages(host, app, MessageTrace::Role::Server) {
    messages.attach(f);
  }
  std::size_t index = 0;
  tcp::Fd fd = -1;
  http::MessageCollector collector{http::Kind::Request};
  std::optional<websocket::Session> ws;
  std::string out;
  std::size_t out_off = 0;
  bool close_after = false;  // close once `out` is written
  bool open = true;
  bool ended = false;  // the WebSocket session's end was recorded
  // A held long-poll request.
  bool waiting = false;
  bool wait_keep_alive = true;
  std::uint64_t wait_after = 0;
  EventId wait_timer;
  MessageTrace messages;  // app-message trace events

  // `issued`: when the messages that begin in `bytes` were asked for, if not now.
  void queue(std::string_view bytes, std::optional<Nanos> issued = std::nullopt) {
    out += bytes;
    messages.queued(bytes, issued);
  }
};

WebSocketServer::WebSocketServer(Host& host, WebSocketServerConfig config)
    : host_(&host), cfg_(std::move(config)), buf_(kChunk) {}

WebSocketServer::~WebSocketServer() = default;

void WebSocketServer::install() {
  Simulator& sim = host_->environment().simulator;
  sim.schedule_at(std::max(cfg_.start, sim.now()), *this, kStart);
  if (cfg_.mode == WebSocketServerConfig::Mode::Feed) {
    for (std::uint32_t k = 1; k <= cfg_.feed.count; ++k) {
      Nanos at = cfg_.feed.first + static_cast<Nanos>(k - 1) * cfg_.feed.interval;
      sim.schedule_at(std::max(at, sim.now()), *this, k);
    }
  }
}

WebSocketServer::Conn* WebSocketServer::find(tcp::Fd fd) {
  for (auto& c : conns_) {
    if (c->fd == fd && c->open) return c.get();
  }
  return nullptr;
}

void WebSocketServer::on_event(Nanos now, std::uint64_t tag) {
  if (tag == kStart) {
    listener_ =
        start_listening(now, host_->tcp(), cfg_.port, [this](tcp::Fd l) { on_listener_ready(l); });
  } else if ((tag & kTimeoutBit) != 0) {
    std::size_t i = static_cast<std::size_t>(tag & ~kTimeoutBit);
    if (i < conns_.size() && conns_[i]->open && conns_[i]->waiting) {
      Conn& c = *conns_[i];
      c.waiting = false;
      c.wait_timer = EventId();
      answer_http(c, 204, {}, !c.wait_keep_alive, now);  // nothing to wait for: asked for now
      flush(c);
    }
  } else {
    publish(tag, now);
  }
  host_->flush();
}

void WebSocketServer::on_listener_ready(tcp::Fd l) {
  accept_all(
      host_->tcp(), l,
      [this](tcp::Fd fd) {
        conns_.push_back(std::make_unique<Conn>(*host_, cfg_.name, fd, conns_.size()));
      },
      [this](tcp::Fd f) { on_ready(f); });
}

void WebSocketServer::answer_http(Conn& c, int status, std::string body, bool close,
                                  std::optional<Nanos> issued) {
  http::Response resp;
  resp.status = status;
  resp.reason = std::string(http::reason_phrase(status));
  resp.headers.push_back({"Server", "tcpsim"});
  if (!body.empty()) resp.headers.push_back({"Content-Type", "text/plain"});
  if (close) {
    resp.headers.push_back({"Connection", "close"});
    c.close_after = true;
  }
  resp.body = std::move(body);
  auto bytes = http::serialize(resp);
  if (bytes.ok()) {
    c.queue(*bytes, issued);
  } else {
    c.close_after = true;  // cannot happen with the answers built here; never hang on it
  }
}

void WebSocketServer::answer_poll(Conn& c, std::uint64_t after) {
  std::string body;
  for (std::size_t k = after; k < events_.size(); ++k) body += events_[k];
  bool close = !c.wait_keep_alive;
  int status = body.empty() ? 204 : 200;
  // The answer was wanted since its oldest event was made (for the app-message trace).
  std::optional<Nanos> issued;
  if (after < events_.size()) {
    if (auto stamp = parse_feed_event(events_[after])) issued = stamp->at;
  }
  answer_http(c, status, std::move(body), close, issued);
}

void WebSocketServer::upgrade(Conn& c, const http::Request& req) {
  websocket::UpgradeRequest u;
  u.method = req.method;
  u.target = req.target;
  u.version = http::to_string(req.version);
  for (const http::Header& h : req.headers) u.headers.push_back({h.name, h.value});
  websocket::ServerOptions opts;
  opts.subprotocols = cfg_.subprotocols;
  auto accepted = websocket::check_upgrade_request(u, opts);
  if (!accepted.ok()) {
    ++refused_;
    const websocket::HandshakeError& e = accepted.error();
    http::Response resp;
    resp.status = e.status;
    resp.reason = std::string(websocket::http_reason_phrase(e.status));
    for (const websocket::Header& h : e.headers) resp.headers.push_back({h.name, h.value});
    resp.headers.push_back({"Content-Type", "text/plain"});
    resp.headers.push_back({"Connection", "close"});
    resp.body = e.message() + "\n";
    auto bytes = http::serialize(resp);
    if (bytes.ok()) c.queue(*bytes);
    c.close_after = true;
    return;
  }
  http::Response resp;
  resp.status = accepted->status;
  resp.reason = std::string(websocket::http_reason_phrase(accepted->status));
  for (const websocket::Header& h : accepted->headers) resp.headers.push_back({h.name, h.value});
  http::WriteOptions wo;
  wo.framing = http::Framing::AsIs;
  auto bytes = http::serialize(resp, wo);
  if (!bytes.ok()) {
    c.close_after = true;
    return;
  }
  c.queue(*bytes);
  c.ws.emplace(websocket::Role::Server);
  ++sessions_;
}

void WebSocketServer::handle_request(Conn& c, const http::Request& req,
                                     std::span<const std::uint8_t> rest) {
  ++http_requests_;
  std::string_view path = path_of(req.target);
  bool wants_upgrade = req.header("Upgrade").has_value();
  bool keep = http::keep_alive(req);
  if (wants_upgrade || path == cfg_.path) {
    if (path != cfg_.path) {
      ++refused_;
      answer_http(c, 404, "no WebSocket endpoint here\n", true);
      return;
    }
    upgrade(c, req);
    if (c.ws && !rest.empty()) c.ws->feed(rest);
    return;
  }
  if (cfg_.mode == WebSocketServerConfig::Mode::Feed && (path == "/poll" || path == "/wait")) {
    std::uint64_t after = query_after(req.target);
    c.wait_keep_alive = keep;
    if (path == "/poll" || after < events_.size()) {
      answer_poll(c, after);
      return;
    }
    c.waiting = true;
    c.wait_after = after;
    Simulator& sim = host_->environment().simulator;
    c.wait_timer = sim.schedule_at(sim.now() + cfg_.long_poll_timeout, *this,
                                   kTimeoutBit | static_cast<std::uint64_t>(c.index));
    return;
  }
  answer_http(c, 404, "not found\n", !keep);
}

void WebSocketServer::on_message(Conn& from, const websocket::Event& e) {
  ++messages_in_;
  auto send = [&](Conn& to) {
    if (!to.ws || to.ws->state() != websocket::SessionState::Open) return;
    websocket::SendStatus st = e.type == websocket::MessageType::Text ? to.ws->send_text(e.text())
                                                                      : to.ws->send_binary(e.data);
    if (st == websocket::SendStatus::Ok) ++messages_out_;
  };
  switch (cfg_.mode) {
    case WebSocketServerConfig::Mode::Echo:
      send(from);
      break;
    case WebSocketServerConfig::Mode::Chat:
      for (auto& c : conns_) {
        if (c->open) send(*c);
      }
      for (auto& c : conns_) {
        if (c->open && c.get() != &from) {
          pump_output(*c);
          flush(*c);
        }
      }
      break;
    case WebSocketServerConfig::Mode::Feed:
      break;  // a feed only speaks
  }
}

void WebSocketServer::publish(std::uint64_t k, Nanos now) {
  events_.push_back(feed_event_line(k, now, cfg_.feed.size));
  const std::string& line = events_.back();
  for (auto& cp : conns_) {
    Conn& c = *cp;
    if (!c.open) continue;
    if (c.ws && c.ws->state() == websocket::SessionState::Open) {
      if (c.ws->send_text(line) == websocket::SendStatus::Ok) ++messages_out_;
      pump_output(c);
    } else if (c.waiting && k > c.wait_after) {
      c.waiting = false;
      host_->environment().simulator.cancel(c.wait_timer);
      c.wait_timer = EventId();
      answer_poll(c, c.wait_after);
      // Requests that queued behind the held one.
      while (!c.waiting && !c.close_after) {
        auto req = c.collector.pop_request();
        if (!req) break;
        handle_request(c, *req, {});
      }
    }
    flush(c);
  }
}

void WebSocketServer::end_session(Conn& c) {
  if (c.ended || !c.ws) return;
  c.ended = true;
  close_codes_.push_back(c.ws->connection_close_code().value_or(websocket::close_code::kAbnormal));
}

void WebSocketServer::pump_output(Conn& c) {
  if (!c.ws) return;
  if (c.ws->has_output()) {
    std::vector<std::uint8_t> bytes = c.ws->take_output();
    append_bytes(c.out, bytes);
    c.messages.queued(bytes);
  }
  if (c.ws->state() == websocket::SessionState::Closed) {
    end_session(c);
    c.close_after = true;  // §7.1.1: the server closes the TCP connection first
  }
}

void WebSocketServer::flush(Conn& c) {
  if (!c.open) return;
  tcp::TcpStack& t = host_->tcp();
  const std::size_t before = c.out_off;
  c.out_off = write_some(t, c.fd, c.out, c.out_off, host_->now());
  c.messages.accepted(c.out_off - before);
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
    if (c.close_after) {
      c.open = false;
      if (c.waiting) host_->environment().simulator.cancel(c.wait_timer);
      t.close(host_->now(), c.fd);
    }
  }
}

void WebSocketServer::on_ready(tcp::Fd fd) {
  Conn* c = find(fd);
  if (c == nullptr) return;
  tcp::TcpStack& t = host_->tcp();
  bool eof = false;
  for (;;) {
    std::size_t n = 0;
    if (t.recv(host_->now(), fd, buf_, n) != tcp::Errno::Ok) break;
    if (n == 0) {
      eof = true;
      break;
    }
    std::span<const std::uint8_t> in(buf_.data(), n);
    if (c->ws || !c->close_after) c->messages.received(in);
    if (c->ws) {
      c->ws->feed(in);
    } else if (!c->close_after) {
      http::FeedResult r = c->collector.feed(in);
      while (!c->waiting && !c->close_after && !c->ws) {
        auto req = c->collector.pop_request();
        if (!req) break;
        handle_request(*c, *req, c->collector.ready() == 0 ? in.subspan(r.consumed) : in.last(0));
      }
      if (c->collector.parser().has_error() && !c->close_after && !c->ws) {
        ++http_requests_;
        ++refused_;
        http::Response resp = http::error_response(c->collector.parser().error());
        auto bytes = http::serialize(resp);
        if (bytes.ok()) c->queue(*bytes);
        c->close_after = true;
      }
    }
    if (c->ws) {
      while (auto e = c->ws->poll_event()) {
        if (e->kind == websocket::EventKind::Message) on_message(*c, *e);
      }
    }
  }
  if (eof) {
    if (c->ws) {
      c->ws->finish();
    } else if (!c->waiting) {
      c->close_after = true;
    }
  }
  const tcp::Connection* conn = t.connection(fd);
  if (conn != nullptr && conn->state() == tcp::State::Closed) {
    end_session(*c);
    c->open = false;
    if (c->waiting) host_->environment().simulator.cancel(c->wait_timer);
    t.close(host_->now(), fd);
    return;
  }
  if (eof && c->waiting) {
    // The client gave up on a held request: nothing more to answer.
    c->waiting = false;
    host_->environment().simulator.cancel(c->wait_timer);
    c->close_after = true;
  }
  pump_output(*c);
  flush(*c);
}

}  // namespace tcpsim::sim
