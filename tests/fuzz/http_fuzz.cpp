// libFuzzer target for the HTTP/1.1 parser, collector and serializer.
//
// Input layout: byte 0 chooses the set-up (bit 0 response parser, bits 1-4 the leniencies,
// bit 5 finish() at the end, bit 6 the response answers HEAD, bit 7 small limits);
// byte 1 seeds the split points; the rest is the byte stream.
//
// Invariants: consumed never exceeds the input; Ok and NeedMore consume everything; an
// error is sticky and points inside the bytes fed; the event log is the same fed whole,
// in pieces and byte by byte; every collected message serializes, and serialize-parse-
// serialize gives the same bytes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "stack/http/collector.hpp"
#include "stack/http/event_log.hpp"
#include "stack/http/parser.hpp"
#include "stack/http/serializer.hpp"

namespace {

using namespace tcpsim::http;

#define HTTP_FUZZ_CHECK(cond)                                                           \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

struct Setup {
  Kind kind = Kind::Request;
  Limits limits;
  Leniency leniency;
  bool finish = false;
  bool head = false;
};

Setup decode(std::uint8_t flags) {
  Setup s;
  s.kind = (flags & 0x01) != 0 ? Kind::Response : Kind::Request;
  s.leniency.allow_bare_lf = (flags & 0x02) != 0;
  s.leniency.allow_obs_fold = (flags & 0x04) != 0;
  s.leniency.allow_missing_host = (flags & 0x08) != 0;
  s.leniency.allow_data_after_close = (flags & 0x10) != 0;
  s.finish = (flags & 0x20) != 0;
  s.head = (flags & 0x40) != 0;
  if ((flags & 0x80) != 0) {
    s.limits.max_start_line = 24;
    s.limits.max_header_bytes = 48;
    s.limits.max_headers = 3;
    s.limits.max_chunk_line = 10;
    s.limits.max_body = 16;
  }
  return s;
}

Parser make_parser(const Setup& s) {
  Parser p(s.kind, s.limits, s.leniency);
  // Enough for every response in a small input.
  if (s.kind == Kind::Response) {
    for (int i = 0; i < 64; ++i) p.expect_response_to(s.head && i == 0 ? "HEAD" : "GET");
  }
  return p;
}

std::vector<std::string> logged(const Setup& s, std::string_view in,
                                std::span<const std::size_t> pieces) {
  Parser p = make_parser(s);
  EventLog log;
  replay(p, log, in, pieces, s.finish);
  return log.lines();
}

// Feeds piece by piece, checking the contract of each call.
void check_contract(const Setup& s, std::string_view in, std::span<const std::size_t> pieces) {
  Parser p = make_parser(s);
  std::size_t at = 0;
  std::size_t i = 0;
  while (at < in.size()) {
    const std::size_t n = std::min(i < pieces.size() ? pieces[i] : in.size(), in.size() - at);
    ++i;
    const std::size_t before = p.offset();
    const FeedResult r = p.feed(in.substr(at, n));
    HTTP_FUZZ_CHECK(r.consumed <= n);
    HTTP_FUZZ_CHECK(p.offset() == before + r.consumed);
    if (r.status == Status::Ok || r.status == Status::NeedMore) {
      HTTP_FUZZ_CHECK(r.consumed == n);
      HTTP_FUZZ_CHECK((r.status == Status::NeedMore) == p.in_message());
      HTTP_FUZZ_CHECK(!p.has_error());
    }
    if (r.status == Status::Error) {
      HTTP_FUZZ_CHECK(p.has_error());
      const ParseError e = p.error();
      HTTP_FUZZ_CHECK(e.offset <= at + n);
      HTTP_FUZZ_CHECK(!e.reason.empty());
      HTTP_FUZZ_CHECK(name(e.code) != "UnknownError");
      const int status = response_status_for(e.code);
      HTTP_FUZZ_CHECK(status >= 400 && status <= 505);
      // Sticky: nothing more is consumed and the error stays the same.
      HTTP_FUZZ_CHECK(p.feed(in.substr(at)) == (FeedResult{0, Status::Error}));
      HTTP_FUZZ_CHECK(p.finish() == (FeedResult{0, Status::Error}));
      HTTP_FUZZ_CHECK(p.error() == e);
      return;
    }
    if (r.status == Status::Paused) {
      HTTP_FUZZ_CHECK(p.upgraded());
      HTTP_FUZZ_CHECK(p.feed(in.substr(at + r.consumed)) == (FeedResult{0, Status::Paused}));
      return;
    }
    at += n;
  }
  const FeedResult end = s.finish ? p.finish() : FeedResult{};
  HTTP_FUZZ_CHECK(end.consumed == 0);
  if (end.status == Status::Error) HTTP_FUZZ_CHECK(p.error().code == Error::UnexpectedEof);
}

template <class Message>
void check_round_trip(const Setup& s, const Message& m) {
  // Whatever the parser accepts, the serializer can write.
  const auto once = serialize(m);
  HTTP_FUZZ_CHECK(once.ok());
  Limits roomy;
  roomy.max_headers = 1000;
  MessageCollector again(s.kind, roomy, s.leniency);
  const FeedResult r = again.feed(*once);
  HTTP_FUZZ_CHECK(r.status != Status::Error);
  HTTP_FUZZ_CHECK(again.ready() == 1);
  if constexpr (std::is_same_v<Message, Request>) {
    const auto twice = serialize(*again.pop_request());
    HTTP_FUZZ_CHECK(twice.ok() && *twice == *once);
  } else {
    const auto twice = serialize(*again.pop_response());
    HTTP_FUZZ_CHECK(twice.ok() && *twice == *once);
  }
}

void check_collector(const Setup& s, std::string_view in, std::size_t completed) {
  MessageCollector c(s.kind, s.limits, s.leniency);
  if (s.kind == Kind::Response) {
    for (int i = 0; i < 64; ++i) c.parser().expect_response_to(s.head && i == 0 ? "HEAD" : "GET");
  }
  const FeedResult r = c.feed(in);
  if (s.finish && r.status != Status::Error && r.status != Status::Paused) (void)c.finish();
  HTTP_FUZZ_CHECK(c.ready() == completed);
  while (auto req = c.pop_request()) check_round_trip(s, *req);
  while (auto res = c.pop_response()) check_round_trip(s, *res);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Setup s = decode(data[0]);
  const std::uint8_t seed = data[1];
  const std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);

  // Split points from the input itself: piece sizes 1-16 from the bytes mixed with the seed.
  std::vector<std::size_t> pieces;
  for (std::size_t at = 0, i = 0; at < in.size(); ++i) {
    const auto mix =
        static_cast<std::uint8_t>(in[i % in.size()]) ^ seed ^ static_cast<std::uint8_t>(i * 37);
    const std::size_t n = 1 + (mix % 16);
    pieces.push_back(n);
    at += n;
  }
  const std::vector<std::size_t> ones(in.size(), 1);

  const std::vector<std::string> whole = logged(s, in, {});
  HTTP_FUZZ_CHECK(logged(s, in, pieces) == whole);
  if (in.size() <= 1024) HTTP_FUZZ_CHECK(logged(s, in, ones) == whole);

  check_contract(s, in, {});
  check_contract(s, in, pieces);

  std::size_t completed = 0;
  for (const std::string& line : whole) completed += line == "message_complete" ? 1 : 0;
  check_collector(s, in, completed);
  return 0;
}
