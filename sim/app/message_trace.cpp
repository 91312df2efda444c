#include "sim/app/message_trace.hpp"

#include <fmt/core.h>

#include <functional>
#include <utility>

#include "sim/host/host.hpp"
#include "sim/net/network.hpp"
#include "sim/trace/trace.hpp"
#include "stack/http/parser.hpp"
#include "stack/websocket/frame_decoder.hpp"

namespace tcpsim::sim {

namespace {

// What one message found in a byte stream is.
struct Found {
  std::uint64_t begin = 0, end = 0;  // [begin, end) in the stream
  std::string what;
  bool http = true;
  bool request = false;  // an HTTP request; `method` is its method
  std::string method;
};

// Names the HTTP messages the parser finds and stops it after each one, so the caller
// learns where each ends.
struct Namer final : http::Handler {
  http::Parser* parser = nullptr;
  Found found;
  bool done = false;

  void on_message_begin() override { found = Found{}; }
  void on_request_line(std::string_view method, std::string_view target, http::Version) override {
    found.what = fmt::format("{} {}", method, target);
    found.request = true;
    found.method = std::string(method);
  }
  void on_status_line(http::Version, int status, std::string_view reason) override {
    found.what = fmt::format("{} {}", status, reason);
  }
  void on_headers_complete(const http::HeadInfo& head) override {
    if (found.request && head.upgrade) found.what += " (upgrade)";
  }
  void on_message_complete() override {
    done = true;
    parser->pause();
  }
};

std::string close_label(const websocket::Frame& f) {
  if (f.payload.size() < 2) return "close";
  return fmt::format("close {}", (f.payload[0] << 8) | f.payload[1]);
}

std::string control_label(const websocket::Frame& f) {
  switch (f.opcode) {
    case websocket::Opcode::Ping:
      return "ping";
    case websocket::Opcode::Pong:
      return "pong";
    default:
      return close_label(f);
  }
}

}  // namespace

// One direction of the connection: its parser, and where it stands in the stream.
struct MessageTrace::Side {
  explicit Side(http::Kind kind) : parser(kind) {
    namer.parser = &parser;
    parser.set_handler(&namer);
  }

  http::Parser parser;
  Namer namer;
  websocket::FrameDecoder decoder{websocket::DecoderOptions{}};
  bool ws = false, dead = false;
  std::uint64_t offset = 0;     // bytes parsed
  std::uint64_t msg_begin = 0;  // where the message being parsed began
  std::int64_t count = 0;       // messages found
  bool data_open = false;       // a fragmented WebSocket message is under way
  std::uint64_t data_begin = 0, data_size = 0;
  websocket::Opcode data_type = websocket::Opcode::Text;

  using Sink = std::function<void(Found&&)>;

  void feed(std::span<const std::uint8_t> in, const Sink& sink) {
    while (!in.empty() && !dead) {
      if (ws) return feed_frames(in, sink);
      http::FeedResult r = parser.feed(in);
      offset += r.consumed;
      in = in.subspan(r.consumed);
      if (namer.done) {
        namer.done = false;
        Found f = std::move(namer.found);
        f.begin = msg_begin;
        f.end = offset;
        msg_begin = offset;
        sink(std::move(f));
      }
      if (r.status == http::Status::Error) {
        dead = true;
      } else if (parser.upgraded()) {
        ws = true;  // the rest of the stream is WebSocket frames
      } else if (r.status == http::Status::Paused) {
        parser.resume();
      }
    }
  }

  void feed_frames(std::span<const std::uint8_t> in, const Sink& sink) {
    while (!in.empty()) {
      websocket::FeedResult r = decoder.feed(in);
      offset += r.consumed;
      in = in.subspan(r.consumed);
      if (r.status == websocket::Status::Error) {
        dead = true;
        return;
      }
      if (r.status == websocket::Status::NeedMore) return;
      on_frame(decoder.take_frame(), sink);
      msg_begin = offset;
    }
  }

  void on_frame(const websocket::Frame& f, const Sink& sink) {
    Found m;
    m.http = false;
    m.end = offset;
    if (websocket::is_control(f.opcode)) {
      m.begin = msg_begin;
      m.what = control_label(f);
      sink(std::move(m));
      return;
    }
    if (!data_open) {
      data_open = true;
      data_begin = msg_begin;
      data_size = 0;
      data_type = f.opcode;
    }
    data_size += f.payload.size();
    if (!f.fin) return;
    data_open = false;
    m.begin = data_begin;
    m.what = fmt::format("{} {} B", data_type == websocket::Opcode::Binary ? "binary" : "text",
                         data_size);
    sink(std::move(m));
  }
};

struct MessageTrace::Pending {
  std::int64_t msg = 0;
  bool http = true;
  std::string what;
  std::uint64_t begin = 0, end = 0;
  Nanos issued = 0;
};

MessageTrace::MessageTrace(Host& host, std::string app, Role role)
    : host_(&host), app_(std::move(app)), role_(role) {}

MessageTrace::~MessageTrace() = default;
MessageTrace::MessageTrace(MessageTrace&&) noexcept = default;
MessageTrace& MessageTrace::operator=(MessageTrace&&) noexcept = default;

void MessageTrace::attach(tcp::Fd fd) {
  fd_ = fd;
}

bool MessageTrace::live() {
  if (live_ < 0) {
    live_ = host_->environment().trace.enabled() ? 1 : 0;
    if (live_ == 1) {
      bool client = role_ == Role::Client;
      out_ = std::make_unique<Side>(client ? http::Kind::Request : http::Kind::Response);
      in_ = std::make_unique<Side>(client ? http::Kind::Response : http::Kind::Request);
    }
  }
  return live_ == 1;
}

const std::string& MessageTrace::conn_id() {
  if (conn_.empty()) {
    if (const tcp::Connection* c = std::as_const(host_->tcp()).connection(fd_)) {
      conn_ = format_conn_id(c->local().addr, c->local().port, c->remote().addr, c->remote().port);
    }
  }
  return conn_;
}

void MessageTrace::queued(std::string_view bytes, std::optional<Nanos> issued) {
  queued(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                       bytes.size()),
         issued);
}

void MessageTrace::queued(std::span<const std::uint8_t> bytes, std::optional<Nanos> issued) {
  if (bytes.empty() || !live()) return;
  conn_id();
  issued_ = issued;
  out_->feed(bytes, [&](Found&& f) {
    if (f.request) in_->parser.expect_response_to(f.method);
    Pending p;
    p.msg = ++out_->count;
    p.http = f.http;
    p.what = std::move(f.what);
    p.begin = f.begin;
    p.end = f.end;
    p.issued = host_->now();
    if (issued_) {
      p.issued = *issued_;
    } else if (f.http && !f.request && role_ == Role::Server) {
      // A response was asked for when its request arrived.
      std::uint64_t n = responses_queued_;
      if (n < request_arrivals_.size()) p.issued = request_arrivals_[n];
    }
    if (f.http && !f.request) ++responses_queued_;
    pending_.push_back(std::move(p));
  });
  issued_.reset();
}

void MessageTrace::accepted(std::size_t n) {
  if (live_ != 1) return;
  accepted_ += n;
  while (!pending_.empty() && pending_.front().end <= accepted_) {
    const Pending& p = pending_.front();
    emit(true, p.http, p.msg, p.what, p.begin, p.end, p.issued);
    pending_.pop_front();
  }
}

void MessageTrace::received(std::span<const std::uint8_t> bytes) {
  if (bytes.empty() || !live()) return;
  conn_id();
  in_->feed(bytes, [&](Found&& f) {
    if (f.request) {
      out_->parser.expect_response_to(f.method);
      request_arrivals_.push_back(host_->now());
    }
    emit(false, f.http, ++in_->count, f.what, f.begin, f.end, std::nullopt);
  });
}

void MessageTrace::emit(bool send, bool http, std::int64_t msg, const std::string& what,
                        std::uint64_t begin, std::uint64_t end, std::optional<Nanos> issued) {
  Trace& tr = host_->environment().trace;
  if (!tr.enabled()) return;
  TraceEvent e(host_->now(), TraceType::Message, host_->name(), conn_);
  e.add("app", app_)
      .add("proto", http ? "http" : "websocket")
      .add("dir", send ? "send" : "recv")
      .add("msg", msg)
      .add("what", what)
      .add("begin", begin)
      .add("end", end);
  if (issued) e.add("issued_ns", *issued);
  tr.emit(e);
}

}  // namespace tcpsim::sim
