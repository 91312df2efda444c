#include "sim/app/polling_client.hpp"
#include "sim/core/units.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/host/host.hpp"
#include "stack/http/serializer.hpp"

namespace tcpsim::sim {

PollingClient::PollingClient(Host& host, PollingClientConfig config)
    : ClientSocket(host, config.name), cfg_(std::move(config)), collector_(http::Kind::Response) {}

PollingClient::~PollingClient() = default;

void PollingClient::on_timer(Nanos now, std::uint64_t tag) {
  if (tag != kPoll || !open_ || done_) return;
  if (in_flight_) {
    poll_due_ = true;
    due_at_ = now;
  } else {
    request(now);
    flush();
  }
  schedule(now + cfg_.interval, kPoll);
}

void PollingClient::request(Nanos issued) {
  http::Request req;
  req.method = "GET";
  req.target = fmt::format(
      "{}?after={}", cfg_.method == PollingClientConfig::Method::Poll ? "/poll" : "/wait", last_);
  req.headers.push_back({"Host", cfg_.host_header});
  req.headers.push_back({"User-Agent", "tcpsim"});
  auto bytes = http::serialize(req);
  if (!bytes.ok()) return;
  queue(*bytes, issued);
  collector_.parser().expect_response_to(req.method);
  in_flight_ = true;
  poll_due_ = false;
  ++requests_;
}

// Takes the feed events out of every complete answer, and asks again when it is time.
void PollingClient::read_answers(Nanos now) {
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
    } else if (cfg_.method == PollingClientConfig::Method::LongPoll) {
      request(now);
    } else if (poll_due_) {
      request(due_at_);
    }
  }
}

void PollingClient::on_socket_ready(const tcp::Connection& conn, Nanos now) {
  if (!connected_ && conn.writable()) {
    connected_ = true;
    request(started_at_);  // the first update was wanted from the start
    if (cfg_.method == PollingClientConfig::Method::Poll) schedule(now + cfg_.interval, kPoll);
  }
  bool eof = read_available(now, [&](std::span<const std::uint8_t> in) { collector_.feed(in); });
  if (eof) collector_.finish();
  read_answers(now);
  if (collector_.parser().has_error()) done_ = true;
  flush();
  if (note_if_closed(conn)) done_ = true;
  if (done_ || eof) {
    done_ = true;
    close(now);
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
