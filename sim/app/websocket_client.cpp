#include "sim/app/websocket_client.hpp"

#include <fmt/core.h>

#include "sim/app/socket_io.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/units.hpp"
#include "sim/host/host.hpp"
#include "stack/http/serializer.hpp"
#include "stack/websocket/handshake.hpp"

namespace tcpsim::sim {
namespace {

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

WebSocketClient::WebSocketClient(Host& host, WebSocketClientConfig config)
    : ClientSocket(host, config.name), cfg_(std::move(config)), collector_(http::Kind::Response) {}

WebSocketClient::~WebSocketClient() = default;

void WebSocketClient::on_timer(Nanos, std::uint64_t tag) {
  if (tag != kSend || !open_ || !session_) return;
  send_next();
  maybe_close();
  write_out();
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
  queue(*bytes, started_at_);
  collector_.parser().expect_response_to(req.method);
}

void WebSocketClient::send_next() {
  if (!session_ || next_ >= cfg_.send.size()) return;
  const WsOutgoing& m = cfg_.send[next_++];
  Pending p;
  p.sent = host().now();
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
    schedule(host().now() + cfg_.interval, kSend);
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
  Nanos now = host().now();
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

void WebSocketClient::write_out() {
  if (session_ && session_->has_output()) queue(session_->take_output());
  flush();
}

// Bytes from the server: the answer to the upgrade request until the session is open,
// then frames.
void WebSocketClient::on_bytes(std::span<const std::uint8_t> in, Nanos now) {
  if (session_) {
    on_open_bytes(in);
    return;
  }
  if (done_) return;
  http::FeedResult r = collector_.feed(in);
  auto resp = collector_.pop_response();
  if (!resp) {
    if (collector_.parser().has_error()) {
      handshake_error_ = "unreadable answer to the upgrade request";
      done_ = true;
    }
    return;
  }
  handshake_status_ = resp->status;
  websocket::UpgradeResponse ur;
  ur.status = resp->status;
  for (const http::Header& h : resp->headers) ur.headers.push_back({h.name, h.value});
  auto ok = websocket::check_upgrade_response(ur, key_, cfg_.subprotocols);
  if (!ok.ok()) {
    handshake_error_ = ok.error().message();
    done_ = true;
    return;
  }
  opened_ = true;
  subprotocol_ = ok->subprotocol;
  websocket::SessionOptions so;
  so.mask_seed = cfg_.seed;
  session_.emplace(websocket::Role::Client, so);
  if (cfg_.await_echo || cfg_.interval == 0) {
    send_next();
  } else {
    schedule(now + cfg_.interval, kSend);
  }
  on_open_bytes(in.subspan(r.consumed));
}

void WebSocketClient::on_socket_ready(const tcp::Connection& conn, Nanos now) {
  if (!requested_ && conn.writable()) send_handshake();
  bool eof = read_available(now, [&](std::span<const std::uint8_t> in) { on_bytes(in, now); });
  if (eof) {
    if (session_) {
      session_->finish();
      drain_events();
    }
    done_ = true;
  }
  if (note_if_closed(conn)) {
    if (session_ && !close_code_) {
      session_->finish();
      drain_events();
    }
    done_ = true;
  }
  write_out();
  if (done_ && out_.empty()) close(now);
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

}  // namespace tcpsim::sim
