#include "sim/app/websocket_app.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

#include "sim/app/socket_io.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/simulator.hpp"
#include "sim/core/time.hpp"
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

// Generated payloads: letters for text, a byte pattern for binary.
std::vector<std::uint8_t> generated(std::uint64_t size, bool text) {
  std::vector<std::uint8_t> v(size);
  for (std::uint64_t i = 0; i < size; ++i) {
    v[i] = text ? static_cast<std::uint8_t>('a' + i % 26)
                : static_cast<std::uint8_t>((i * 31 + 7) % 251);
  }
  return v;
}

std::string mean_ms(Nanos total, std::size_t n) {
  if (n == 0) return "-";
  return format_millis(total / static_cast<Nanos>(n));
}
}  // namespace

std::string feed_event_line(std::uint64_t k, Nanos at, std::uint32_t size) {
  std::string line = fmt::format("event {} t={} ", k, at);
  if (line.size() + 1 < size) line.append(size - 1 - line.size(), '.');
  line += '\n';
  return line;
}

std::optional<FeedEventStamp> parse_feed_event(std::string_view line) {
  constexpr std::string_view kPrefix = "event ";
  if (line.rfind(kPrefix, 0) != 0) return std::nullopt;
  line.remove_prefix(kPrefix.size());
  FeedEventStamp s;
  auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), s.k);
  if (ec != std::errc()) return std::nullopt;
  std::string_view rest(p, static_cast<std::size_t>(line.data() + line.size() - p));
  if (rest.rfind(" t=", 0) != 0) return std::nullopt;
  rest.remove_prefix(3);
  auto [q, ec2] = std::from_chars(rest.data(), rest.data() + rest.size(), s.at);
  if (ec2 != std::errc()) return std::nullopt;
  return s;
}

LatencyStats feed_latency(const std::vector<WsReceived>& received) {
  std::vector<Nanos> l;
  for (const WsReceived& r : received) {
    if (r.event) l.push_back(r.at - r.event->at);
  }
  LatencyStats s;
  s.n = l.size();
  if (l.empty()) return s;
  Nanos total = 0;
  for (Nanos x : l) total += x;
  s.mean = total / static_cast<Nanos>(l.size());
  std::sort(l.begin(), l.end());
  s.p50 = l[(l.size() - 1) / 2];
  s.max = l.back();
  return s;
}

std::string WsOutgoing::describe() const {
  std::string s;
  switch (kind) {
    case Kind::Text:
      s = fmt::format("text {} B", size ? size : text.size());
      break;
    case Kind::Binary:
      s = fmt::format("binary {} B", size);
      break;
    case Kind::Ping:
      s = fmt::format("ping {} B", text.size());
      break;
  }
  if (fragment > 0) s += fmt::format(" in {}-byte fragments", fragment);
  return s;
}

// ---------------------------------------------------------------- server

struct WebSocketServer::Conn {
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
};

WebSocketServer::WebSocketServer(Host& host, WebSocketServerConfig config)
    : host_(&host), cfg_(std::move(config)), buf_(kChunk) {}

WebSocketServer::~WebSocketServer() = default;

void WebSocketServer::install() {
  Simulator& sim = host_->network().simulator();
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
  tcp::TcpStack& t = host_->tcp();
  if (tag == kStart) {
    listener_ = t.socket();
    t.setsockopt(listener_, tcp::SockOpt::ReuseAddr, 1);
    t.bind(listener_, tcp::Endpoint{wire::IpAddress(), cfg_.port});
    t.listen(listener_, 64, now);
    t.set_ready_callback(listener_, [this](tcp::Fd l) { on_listener_ready(l); });
  } else if ((tag & kTimeoutBit) != 0) {
    std::size_t i = static_cast<std::size_t>(tag & ~kTimeoutBit);
    if (i < conns_.size() && conns_[i]->open && conns_[i]->waiting) {
      Conn& c = *conns_[i];
      c.waiting = false;
      c.wait_timer = EventId();
      answer_http(c, 204, {}, !c.wait_keep_alive);
      flush(c);
    }
  } else {
    publish(tag, now);
  }
  host_->flush();
}

void WebSocketServer::on_listener_ready(tcp::Fd l) {
  tcp::Fd fd = -1;
  while (host_->tcp().accept(l, fd) == tcp::Errno::Ok) {
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->index = conns_.size();
    conns_.push_back(std::move(c));
    host_->tcp().set_ready_callback(fd, [this](tcp::Fd f) { on_ready(f); });
    on_ready(fd);
  }
}

void WebSocketServer::answer_http(Conn& c, int status, std::string body, bool close) {
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
    c.out += *bytes;
  } else {
    c.close_after = true;  // cannot happen with the answers built here; never hang on it
  }
}

void WebSocketServer::answer_poll(Conn& c, std::uint64_t after) {
  std::string body;
  for (std::size_t k = after; k < events_.size(); ++k) body += events_[k];
  bool close = !c.wait_keep_alive;
  int status = body.empty() ? 204 : 200;
  answer_http(c, status, std::move(body), close);
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
    if (bytes.ok()) c.out += *bytes;
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
  c.out += *bytes;
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
    Simulator& sim = host_->network().simulator();
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
      host_->network().simulator().cancel(c.wait_timer);
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
  if (c.ws->has_output()) append_bytes(c.out, c.ws->take_output());
  if (c.ws->state() == websocket::SessionState::Closed) {
    end_session(c);
    c.close_after = true;  // §7.1.1: the server closes the TCP connection first
  }
}

void WebSocketServer::flush(Conn& c) {
  if (!c.open) return;
  tcp::TcpStack& t = host_->tcp();
  c.out_off = write_some(t, c.fd, c.out, c.out_off, host_->now());
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
    if (c.close_after) {
      c.open = false;
      if (c.waiting) host_->network().simulator().cancel(c.wait_timer);
      t.close(c.fd, host_->now());
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
    if (t.recv(fd, buf_, n, host_->now()) != tcp::Errno::Ok) break;
    if (n == 0) {
      eof = true;
      break;
    }
    std::span<const std::uint8_t> in(buf_.data(), n);
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
        if (bytes.ok()) c->out += *bytes;
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
    if (c->waiting) host_->network().simulator().cancel(c->wait_timer);
    t.close(fd, host_->now());
    return;
  }
  if (eof && c->waiting) {
    // The client gave up on a held request: nothing more to answer.
    c->waiting = false;
    host_->network().simulator().cancel(c->wait_timer);
    c->close_after = true;
  }
  pump_output(*c);
  flush(*c);
}

// ---------------------------------------------------------------- WebSocket client

WebSocketClient::WebSocketClient(Host& host, WebSocketClientConfig config)
    : host_(&host), cfg_(std::move(config)), collector_(http::Kind::Response), buf_(kChunk) {}

WebSocketClient::~WebSocketClient() = default;

void WebSocketClient::install() {
  Simulator& sim = host_->network().simulator();
  sim.schedule_at(std::max(cfg_.start, sim.now()), *this, kStart);
}

void WebSocketClient::on_event(Nanos now, std::uint64_t tag) {
  tcp::TcpStack& t = host_->tcp();
  if (tag == kStart) {
    fd_ = start_connect(
        t, cfg_.remote, now, [this](tcp::Fd f) { on_ready(f); }, error_);
    if (fd_ < 0) {
      done_ = true;
      return;
    }
    open_ = true;
  } else if (tag == kSend && open_ && session_) {
    send_next();
    maybe_close();
    flush();
  }
  host_->flush();
}

void WebSocketClient::send_handshake() {
  requested_ = true;
  Rng rng = Rng(cfg_.seed).fork("websocket-key");
  std::array<std::uint8_t, 16> nonce{};
  for (auto& b : nonce) b = static_cast<std::uint8_t>(rng.next_u64());
  key_ = websocket::make_client_key(nonce);
  websocket::UpgradeRequest u =
      websocket::make_upgrade_request(cfg_.host_header, cfg_.path, key_, cfg_.subprotocols);
  http::Request req;
  req.method = u.method;
  req.target = u.target;
  for (const websocket::Header& h : u.headers) req.headers.push_back({h.name, h.value});
  auto bytes = http::serialize(req);
  if (!bytes.ok()) {
    handshake_error_ = "cannot write the upgrade request";
    done_ = true;
    return;
  }
  out_ += *bytes;
  collector_.parser().expect_response_to(req.method);
}

void WebSocketClient::send_next() {
  if (!session_ || next_ >= cfg_.send.size()) return;
  const WsOutgoing& m = cfg_.send[next_++];
  Pending p;
  p.sent = host_->now();
  websocket::SendStatus st = websocket::SendStatus::Ok;
  switch (m.kind) {
    case WsOutgoing::Kind::Text: {
      if (m.size > 0) {
        p.data = generated(m.size, true);
      } else {
        p.data.assign(m.text.begin(), m.text.end());
      }
      st = session_->send_text(
          std::string_view(reinterpret_cast<const char*>(p.data.data()), p.data.size()),
          m.fragment);
      break;
    }
    case WsOutgoing::Kind::Binary:
      p.data = generated(m.size, false);
      st = session_->send_binary(p.data, m.fragment);
      break;
    case WsOutgoing::Kind::Ping:
      p.ping = true;
      p.data.assign(m.text.begin(), m.text.end());
      st = session_->ping(m.text);
      break;
  }
  if (st != websocket::SendStatus::Ok) {
    failure_ = fmt::format("cannot send {}: {}", m.describe(), websocket::to_string(st));
    return;
  }
  ++sent_;
  if (cfg_.await_echo) {
    pending_.push_back(std::move(p));
  } else if (next_ < cfg_.send.size()) {
    Simulator& sim = host_->network().simulator();
    sim.schedule_at(sim.now() + cfg_.interval, *this, kSend);
  }
}

void WebSocketClient::maybe_close() {
  if (!session_ || close_started_ || session_->state() != websocket::SessionState::Open) return;
  if (next_ < cfg_.send.size() || !pending_.empty()) return;
  std::uint64_t expect = cfg_.expect;
  if (expect == 0 && cfg_.await_echo) {
    for (const WsOutgoing& m : cfg_.send) expect += m.kind == WsOutgoing::Kind::Ping ? 0 : 1;
  }
  if (received_.size() < expect) return;
  close_started_ = true;
  session_->close(cfg_.close_code);
}

void WebSocketClient::drain_events() {
  Nanos now = host_->now();
  while (auto e = session_->poll_event()) {
    if (e->kind == websocket::EventKind::Message) {
      WsReceived r;
      r.at = now;
      r.text = e->type == websocket::MessageType::Text;
      r.bytes = e->data.size();
      if (r.text) r.event = parse_feed_event(e->text());
      if (cfg_.await_echo && !pending_.empty() && !pending_.front().ping) {
        r.rtt = now - pending_.front().sent;
        r.intact = pending_.front().data == e->data;
        pending_.pop_front();
        send_next();
      }
      received_.push_back(std::move(r));
    } else if (e->kind == websocket::EventKind::Pong) {
      ++pongs_;
      if (cfg_.await_echo && !pending_.empty() && pending_.front().ping) {
        pending_.pop_front();
        send_next();
      }
    }
  }
  maybe_close();
  if (session_->state() == websocket::SessionState::Closed && !close_code_) {
    close_code_ = session_->connection_close_code();
    if (session_->error()) failure_ = session_->error()->message();
  }
}

void WebSocketClient::on_open_bytes(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty()) session_->feed(bytes);
  drain_events();
}

void WebSocketClient::flush() {
  if (session_ && session_->has_output()) append_bytes(out_, session_->take_output());
  out_.erase(0, write_some(host_->tcp(), fd_, out_, 0, host_->now()));
}

void WebSocketClient::on_ready(tcp::Fd fd) {
  if (!open_) return;
  tcp::TcpStack& t = host_->tcp();
  const tcp::Connection* conn = t.connection(fd);
  if (conn == nullptr) return;
  Nanos now = host_->now();
  if (!requested_ && conn->writable()) send_handshake();
  bool eof = false;
  for (;;) {
    std::size_t n = 0;
    if (t.recv(fd, buf_, n, now) != tcp::Errno::Ok) break;
    if (n == 0) {
      eof = true;
      break;
    }
    std::span<const std::uint8_t> in(buf_.data(), n);
    if (session_) {
      on_open_bytes(in);
      continue;
    }
    if (done_) continue;
    http::FeedResult r = collector_.feed(in);
    auto resp = collector_.pop_response();
    if (!resp) {
      if (collector_.parser().has_error()) {
        handshake_error_ = "unreadable answer to the upgrade request";
        done_ = true;
      }
      continue;
    }
    handshake_status_ = resp->status;
    websocket::UpgradeResponse ur;
    ur.status = resp->status;
    for (const http::Header& h : resp->headers) ur.headers.push_back({h.name, h.value});
    auto ok = websocket::check_upgrade_response(ur, key_, cfg_.subprotocols);
    if (!ok.ok()) {
      handshake_error_ = ok.error().message();
      done_ = true;
      continue;
    }
    opened_ = true;
    subprotocol_ = ok->subprotocol;
    websocket::SessionOptions so;
    so.mask_seed = cfg_.seed;
    session_.emplace(websocket::Role::Client, so);
    if (cfg_.await_echo || cfg_.interval == 0) {
      send_next();
    } else {
      Simulator& sim = host_->network().simulator();
      sim.schedule_at(now + cfg_.interval, *this, kSend);
    }
    on_open_bytes(in.subspan(r.consumed));
  }
  if (eof) {
    if (session_) {
      session_->finish();
      drain_events();
    }
    done_ = true;
  }
  if (conn->state() == tcp::State::Closed) {
    if (tcp::Errno err = socket_error(t, fd); err != tcp::Errno::Ok) error_ = err;
    if (session_ && !close_code_) {
      session_->finish();
      drain_events();
    }
    done_ = true;
  }
  flush();
  if (done_ && out_.empty()) {
    open_ = false;
    t.close(fd, now);
  }
}

std::string WebSocketClient::summary() const {
  if (!opened_) {
    std::string why = handshake_error_.empty() ? "no answer" : handshake_error_;
    if (error_ != tcp::Errno::Ok) why = std::string(tcp::errno_name(error_));
    return fmt::format("WebSocket handshake failed ({}{})", why,
                       handshake_status_ ? fmt::format(", HTTP {}", handshake_status_) : "");
  }
  std::size_t echoed = 0, intact = 0, events = 0;
  Nanos rtt_total = 0;
  for (const WsReceived& r : received_) {
    if (r.rtt >= 0) {
      ++echoed;
      rtt_total += r.rtt;
      intact += r.intact ? 1 : 0;
    }
    if (r.event) ++events;
  }
  std::string s =
      fmt::format("websocket{}: {} sent, {} received",
                  subprotocol_.empty() ? "" : " (" + subprotocol_ + ")", sent_, received_.size());
  if (echoed > 0)
    s += fmt::format(" ({} echoed, {} intact, rtt mean {} ms)", echoed, intact,
                     mean_ms(rtt_total, echoed));
  if (events > 0) {
    LatencyStats l = feed_latency(received_);
    s += fmt::format(", {} events, latency mean {} ms max {} ms", events, format_millis(l.mean),
                     format_millis(l.max));
  }
  if (pongs_ > 0) s += fmt::format(", {} pong(s)", pongs_);
  s += close_code_ ? fmt::format(", closed {}", *close_code_) : ", not closed";
  if (!failure_.empty()) s += ", failed: " + failure_;
  if (error_ != tcp::Errno::Ok) s += fmt::format(", error={}", tcp::errno_name(error_));
  return s;
}

// ---------------------------------------------------------------- polling client

PollingClient::PollingClient(Host& host, PollingClientConfig config)
    : host_(&host), cfg_(std::move(config)), collector_(http::Kind::Response), buf_(kChunk) {}

PollingClient::~PollingClient() = default;

void PollingClient::install() {
  Simulator& sim = host_->network().simulator();
  sim.schedule_at(std::max(cfg_.start, sim.now()), *this, kStart);
}

void PollingClient::on_event(Nanos now, std::uint64_t tag) {
  tcp::TcpStack& t = host_->tcp();
  if (tag == kStart) {
    fd_ = start_connect(
        t, cfg_.remote, now, [this](tcp::Fd f) { on_ready(f); }, error_);
    if (fd_ < 0) {
      done_ = true;
      return;
    }
    open_ = true;
  } else if (tag == kPoll && open_ && !done_) {
    if (in_flight_) {
      poll_due_ = true;
    } else {
      request();
      flush();
    }
    Simulator& sim = host_->network().simulator();
    sim.schedule_at(now + cfg_.interval, *this, kPoll);
  }
  host_->flush();
}

void PollingClient::request() {
  http::Request req;
  req.method = "GET";
  req.target = fmt::format(
      "{}?after={}", cfg_.method == PollingClientConfig::Method::Poll ? "/poll" : "/wait", last_);
  req.headers.push_back({"Host", cfg_.host_header});
  req.headers.push_back({"User-Agent", "tcpsim"});
  auto bytes = http::serialize(req);
  if (!bytes.ok()) return;
  out_ += *bytes;
  collector_.parser().expect_response_to(req.method);
  in_flight_ = true;
  poll_due_ = false;
  ++requests_;
}

void PollingClient::flush() {
  out_.erase(0, write_some(host_->tcp(), fd_, out_, 0, host_->now()));
}

void PollingClient::on_ready(tcp::Fd fd) {
  if (!open_) return;
  tcp::TcpStack& t = host_->tcp();
  const tcp::Connection* conn = t.connection(fd);
  if (conn == nullptr) return;
  Nanos now = host_->now();
  if (!connected_ && conn->writable()) {
    connected_ = true;
    request();
    if (cfg_.method == PollingClientConfig::Method::Poll) {
      Simulator& sim = host_->network().simulator();
      sim.schedule_at(now + cfg_.interval, *this, kPoll);
    }
  }
  bool eof = false;
  for (;;) {
    std::size_t n = 0;
    if (t.recv(fd, buf_, n, now) != tcp::Errno::Ok) break;
    if (n == 0) {
      eof = true;
      collector_.finish();
      break;
    }
    collector_.feed(std::span<const std::uint8_t>(buf_.data(), n));
  }
  while (auto resp = collector_.pop_response()) {
    in_flight_ = false;
    if (resp->status == 204 || resp->body.empty()) ++empty_;
    std::string_view body = resp->body;
    while (!body.empty()) {
      std::string_view line = body.substr(0, body.find('\n'));
      body.remove_prefix(std::min(body.size(), line.size() + 1));
      auto ev = parse_feed_event(line);
      if (!ev || ev->k <= last_) continue;
      last_ = ev->k;
      WsReceived r;
      r.at = now;
      r.text = true;
      r.bytes = line.size() + 1;
      r.event = ev;
      received_.push_back(r);
    }
    if (received_.size() >= cfg_.events) {
      done_ = true;
    } else if (cfg_.method == PollingClientConfig::Method::LongPoll || poll_due_) {
      request();
    }
  }
  if (collector_.parser().has_error()) done_ = true;
  flush();
  if (conn->state() == tcp::State::Closed) {
    if (tcp::Errno err = socket_error(t, fd); err != tcp::Errno::Ok) error_ = err;
    done_ = true;
  }
  if (done_ || eof) {
    done_ = true;
    open_ = false;
    t.close(fd, now);
  }
}

std::string PollingClient::summary() const {
  LatencyStats l = feed_latency(received_);
  std::string s =
      fmt::format("{}: {}/{} events in {} requests ({} empty), latency mean {} ms max {} ms",
                  cfg_.method == PollingClientConfig::Method::Poll ? "polling" : "long polling",
                  received_.size(), cfg_.events, requests_, empty_, format_millis(l.mean),
                  format_millis(l.max));
  if (error_ != tcp::Errno::Ok) s += fmt::format(", error={}", tcp::errno_name(error_));
  return s;
}

}  // namespace tcpsim::sim
