#include "sim/app/http_client.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/app/byte_stream.hpp"
#include "sim/app/socket_io.hpp"
#include "sim/core/simulator.hpp"
#include "sim/core/units.hpp"
#include "sim/host/host.hpp"
#include "sim/net/environment.hpp"
#include "stack/http/serializer.hpp"

namespace tcpsim::sim {

HttpClient::HttpClient(Host& host, HttpClientConfig config)
    : ClientSocket(host, config.name), cfg_(std::move(config)), collector_(http::Kind::Response) {}

HttpClient::~HttpClient() = default;

void HttpClient::send_request(std::size_t i, Nanos issued) {
  http::Request req;
  req.method = cfg_.head ? "HEAD" : "GET";
  req.target = cfg_.paths[i];
  req.headers.push_back({"Host", cfg_.host_header});
  req.headers.push_back({"User-Agent", "tcpsim"});
  if (i + 1 == cfg_.paths.size()) req.headers.push_back({"Connection", "close"});
  auto bytes = http::serialize(req);
  if (!bytes.ok()) return;
  queue(*bytes, issued);
  collector_.parser().expect_response_to(req.method);
  exchanges_[i].sent = host().now();
  next_ = i + 1;
}

// The first requests, once the connection is writable: the raw bytes, or every request
// when pipelining, else the first. They were asked for when the client started.
void HttpClient::send_requests(Nanos now) {
  requested_ = true;
  if (!cfg_.raw.empty()) {
    cfg_.paths = {"(raw request)"};
    exchanges_.resize(1);
    exchanges_[0].path = cfg_.paths[0];
    exchanges_[0].sent = now;
    next_ = 1;
    queue(cfg_.raw, started_at_);
    collector_.parser().expect_response_to("GET");
    return;
  }
  exchanges_.resize(cfg_.paths.size());
  for (std::size_t i = 0; i < cfg_.paths.size(); ++i) exchanges_[i].path = cfg_.paths[i];
  if (cfg_.pipeline) {
    for (std::size_t i = 0; i < cfg_.paths.size(); ++i) send_request(i, started_at_);
  } else if (!cfg_.paths.empty()) {
    send_request(0, started_at_);
  }
}

void HttpClient::read_responses(Nanos now) {
  while (auto resp = collector_.pop_response()) {
    if (resp->status < 200) continue;  // interim responses
    if (answered_ < exchanges_.size()) {
      HttpExchange& x = exchanges_[answered_];
      x.status = resp->status;
      x.body_bytes = resp->body.size();
      Sha256 hash;
      hash.update(std::span<const std::uint8_t>(
          reinterpret_cast<const std::uint8_t*>(resp->body.data()), resp->body.size()));
      x.body_sha256 = hash.hex();
      x.answered = now;
    }
    ++answered_;
    if (!cfg_.pipeline && next_ < cfg_.paths.size()) send_request(next_, now);
  }
}

void HttpClient::on_socket_ready(const tcp::Connection& conn, Nanos now) {
  if (!requested_ && conn.writable()) send_requests(now);
  bool eof = read_available(now, [&](std::span<const std::uint8_t> in) { collector_.feed(in); });
  if (eof) collector_.finish();
  read_responses(now);
  flush();
  bool done = answered_ >= cfg_.paths.size() || collector_.parser().has_error();
  if (note_if_closed(conn)) done = true;
  if (done || eof) close(now);
}

std::string HttpClient::summary() const {
  std::string codes;
  std::uint64_t body = 0;
  Nanos last = 0;
  std::size_t answered = 0;
  for (const HttpExchange& x : exchanges_) {
    if (x.status == 0) continue;
    ++answered;
    if (!codes.empty()) codes += ' ';
    codes += std::to_string(x.status);
    body += x.body_bytes;
    last = std::max(last, x.answered);
  }
  std::string s = fmt::format("{} request(s), {} response(s) ({}), {} body bytes, last at {} ms",
                              cfg_.paths.size(), answered, codes.empty() ? "none" : codes, body,
                              format_millis(last));
  if (error_ != tcp::Errno::Ok) s += fmt::format(", error={}", tcp::errno_name(error_));
  return s;
}

}  // namespace tcpsim::sim
