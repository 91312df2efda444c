// Serializer: exact bytes, refusal of values that would not survive the trip, round trips
// through the parser, and the header and persistence helpers.
#include "stack/http/serializer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "stack/http/collector.hpp"

namespace tcpsim::http {
namespace {

std::string ok_bytes(const Result<std::string, WriteError>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : std::string(name(r.error().code)));
  return r.ok() ? *r : std::string();
}

Request parse_request(std::string_view bytes, std::mt19937* rng = nullptr) {
  MessageCollector c(Kind::Request);
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t n = bytes.size() - at;
    if (rng != nullptr) n = std::uniform_int_distribution<std::size_t>(1, n)(*rng);
    const FeedResult r = c.feed(bytes.substr(at, n));
    EXPECT_NE(r.status, Status::Error) << c.parser().error().message();
    if (r.status == Status::Error) return {};
    at += n;
  }
  EXPECT_EQ(c.ready(), 1u);
  return c.pop_request().value_or(Request{});
}

Response parse_response(std::string_view bytes, std::string_view method = "GET") {
  MessageCollector c(Kind::Response);
  c.parser().expect_response_to(method);
  const FeedResult r = c.feed(bytes);
  EXPECT_EQ(r.status, Status::Ok) << c.parser().error().message();
  EXPECT_EQ(c.ready(), 1u);
  return c.pop_response().value_or(Response{});
}

// -- Exact bytes --------------------------------------------------------------------------

TEST(Serializer, Get_NoBody_NoFramingField) {
  Request r;
  r.target = "/index.html";
  r.headers = {{"Host", "example.com"}, {"Content-Length", "99"}};
  EXPECT_EQ(ok_bytes(serialize(r)), "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n");
}

TEST(Serializer, PostEmptyBody_ContentLengthZero) {
  Request r;
  r.method = "POST";
  r.headers = {{"Host", "h"}};
  EXPECT_EQ(ok_bytes(serialize(r)), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST(Serializer, Response_ContentLength_ReplacesCallerFraming) {
  Response r;
  r.headers = {{"Transfer-Encoding", "chunked"}, {"Content-Type", "text/plain"}};
  r.body = "hi";
  EXPECT_EQ(ok_bytes(serialize(r)),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi");
}

TEST(Serializer, Chunked_SmallChunksAndTrailers_ExactBytes) {
  Response r;
  r.body = std::string(20, 'x');
  r.trailers = {{"Digest", "d"}};
  WriteOptions o;
  o.chunk_size = 16;
  EXPECT_EQ(ok_bytes(serialize(r, o)),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "10\r\nxxxxxxxxxxxxxxxx\r\n4\r\nxxxx\r\n0\r\nDigest: d\r\n\r\n");
}

TEST(Serializer, ChunkedEmptyBody_OnlyLastChunk) {
  Request r;
  r.method = "POST";
  r.headers = {{"Host", "h"}};
  EXPECT_EQ(ok_bytes(serialize(r, {Framing::Chunked, 0})),
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
}

TEST(Serializer, NoContent_NoFramingFieldEvenIfAsked) {
  Response r;
  r.status = 204;
  r.reason = "No Content";
  r.headers = {{"Content-Length", "0"}};
  EXPECT_EQ(ok_bytes(serialize(r)), "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(ok_bytes(serialize(r, {Framing::Chunked, 0})), "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST(Serializer, AsIs_HeadAnswerKeepsContentLength) {
  Response r;
  r.headers = {{"Content-Length", "1000"}};
  const std::string bytes = ok_bytes(serialize(r, {Framing::AsIs, 0}));
  EXPECT_EQ(bytes, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(parse_response(bytes, "HEAD"), r);
}

TEST(Serializer, Http10_EmptyReason_Written) {
  Response r;
  r.version = kHttp10;
  r.status = 404;
  r.reason = "";
  EXPECT_EQ(ok_bytes(serialize(r)), "HTTP/1.0 404 \r\nContent-Length: 0\r\n\r\n");
}

// -- Refusals -----------------------------------------------------------------------------

TEST(Serializer, CrLfInValue_Refused) {
  Response r;
  r.headers = {{"A", "ok"}, {"Set-Cookie", "a\r\nX-Injected: 1"}};
  const auto out = serialize(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error(), (WriteError{WriteErrc::InvalidHeaderValue, 1}));
}

TEST(Serializer, InvalidValues_EachRefusedWithItsCode) {
  Request bad_method;
  bad_method.method = "GET /";
  EXPECT_EQ(serialize(bad_method).error().code, WriteErrc::InvalidMethod);
  Request bad_target;
  bad_target.target = "/a b";
  EXPECT_EQ(serialize(bad_target).error().code, WriteErrc::InvalidTarget);
  Request empty_target;
  empty_target.target = "";
  EXPECT_EQ(serialize(empty_target).error().code, WriteErrc::InvalidTarget);
  Request bad_version;
  bad_version.version = {2, 0};
  EXPECT_EQ(serialize(bad_version).error().code, WriteErrc::InvalidVersion);
  Request bad_name;
  bad_name.headers = {{"Host", "h"}, {"Bad Name", "x"}};
  EXPECT_EQ(serialize(bad_name).error(), (WriteError{WriteErrc::InvalidHeaderName, 1}));
  Request padded;
  padded.headers = {{"Host", " h"}};
  EXPECT_EQ(serialize(padded).error().code, WriteErrc::InvalidHeaderValue);
  Request bad_trailer;
  bad_trailer.trailers = {{"T", "\x01"}};
  EXPECT_EQ(serialize(bad_trailer).error().code, WriteErrc::InvalidHeaderValue);
  Response bad_status;
  bad_status.status = 600;
  EXPECT_EQ(serialize(bad_status).error().code, WriteErrc::InvalidStatus);
  Response bad_reason;
  bad_reason.reason = "O\nK";
  EXPECT_EQ(serialize(bad_reason).error().code, WriteErrc::InvalidReason);
  Response body_on_304;
  body_on_304.status = 304;
  body_on_304.body = "x";
  EXPECT_EQ(serialize(body_on_304).error().code, WriteErrc::BodyNotAllowed);
  Response chunked_10;
  chunked_10.version = kHttp10;
  EXPECT_EQ(serialize(chunked_10, {Framing::Chunked, 0}).error().code,
            WriteErrc::ChunkedNeedsHttp11);
  Request trailers_10;
  trailers_10.version = kHttp10;
  trailers_10.trailers = {{"T", "1"}};
  EXPECT_EQ(serialize(trailers_10).error().code, WriteErrc::ChunkedNeedsHttp11);
}

// -- Round trips: serialize, parse, compare ------------------------------------------------

TEST(Serializer, RoundTrip_RequestEveryFraming_Equal) {
  std::mt19937 rng(1);
  Request r;
  r.method = "PUT";
  r.target = "/files/a%20b?x=1";
  r.headers = {{"Host", "example.com"}, {"X-Empty", ""}, {"accept", "a"}, {"Accept", "b"}};
  r.body = std::string("binary\0\r\n\xff", 10);
  for (Framing f : {Framing::Auto, Framing::ContentLength, Framing::Chunked}) {
    for (std::size_t chunk : {0, 1, 3}) {
      const std::string bytes = ok_bytes(serialize(r, {f, chunk}));
      Request back = parse_request(bytes, &rng);
      Request expected = r;
      if (f == Framing::Chunked) {
        expected.headers.push_back({"Transfer-Encoding", "chunked"});
      } else {
        expected.headers.push_back({"Content-Length", "10"});
      }
      EXPECT_EQ(back, expected) << bytes;
    }
  }
}

TEST(Serializer, RoundTrip_ResponseWithTrailers_Equal) {
  Response r;
  r.status = 201;
  r.reason = "Created";
  r.headers = {{"Location", "/x"}, {"Trailer", "Checksum"}};
  r.body = "payload";
  r.trailers = {{"Checksum", "abc"}};
  const std::string bytes = ok_bytes(serialize(r, {Framing::Auto, 4}));
  Response expected = r;
  expected.headers.push_back({"Transfer-Encoding", "chunked"});
  EXPECT_EQ(parse_response(bytes), expected);
}

TEST(Serializer, RoundTrip_SerializeParseSerialize_SameBytes) {
  std::vector<Request> requests(3);
  requests[0].headers = {{"Host", "h"}};
  requests[1].method = "POST";
  requests[1].headers = {{"Host", "h"}, {"Content-Type", "text/plain"}};
  requests[1].body = "hello";
  requests[2].method = "OPTIONS";
  requests[2].target = "*";
  requests[2].headers = {{"Host", "h"}};
  requests[2].trailers = {{"T", "v"}};
  for (const Request& r : requests) {
    const std::string once = ok_bytes(serialize(r));
    const std::string twice = ok_bytes(serialize(parse_request(once)));
    EXPECT_EQ(once, twice);
  }
}

TEST(Serializer, ErrorResponse_FromParseError_StatusReasonClose) {
  const Response r = error_response(ParseError{Error::TooManyHeaders, 120, "too many"});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.reason, "Request Header Fields Too Large");
  EXPECT_FALSE(keep_alive(r));
  EXPECT_EQ(r.body, "TooManyHeaders at byte 120: too many\n");
  EXPECT_TRUE(serialize(r).ok());
}

// -- Helpers ------------------------------------------------------------------------------

TEST(Message, HeaderLookup_CaseInsensitive_FirstMatch) {
  Request r;
  r.headers = {{"Accept", "a"}, {"X", "1"}, {"ACCEPT", "b"}};
  EXPECT_EQ(r.header("accept"), "a");
  EXPECT_EQ(r.header("missing"), std::nullopt);
  EXPECT_EQ(count_header(r.headers, "aCCept"), 2u);
  EXPECT_EQ(combined_header(r.headers, "accept"), "a, b");
  EXPECT_EQ(combined_header(r.headers, "nope"), std::nullopt);
  EXPECT_EQ(remove_header(r.headers, "accept"), 2u);
  EXPECT_EQ(r.headers.size(), 1u);
}

TEST(Message, HasToken_ListAndQuotes_Matched) {
  const Headers h = {{"Connection", "keep-alive, Upgrade"}, {"X", "\"a,close\", b"}};
  EXPECT_TRUE(has_token(h, "connection", "upgrade"));
  EXPECT_TRUE(has_token(h, "Connection", "KEEP-ALIVE"));
  EXPECT_FALSE(has_token(h, "Connection", "close"));
  EXPECT_FALSE(has_token(h, "X", "close"));  // inside a quoted-string
}

TEST(Message, KeepAlive_VersionAndConnection_PerRfc9112) {
  Request r;
  EXPECT_TRUE(keep_alive(r));
  r.headers = {{"Connection", "close"}};
  EXPECT_FALSE(keep_alive(r));
  Response s;
  s.version = kHttp10;
  EXPECT_FALSE(keep_alive(s));
  s.headers = {{"Connection", "Keep-Alive"}};
  EXPECT_TRUE(keep_alive(s));
}

TEST(Message, ReasonPhrase_KnownAndUnknown) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(299), "");
  EXPECT_EQ(to_string(kHttp10), "HTTP/1.0");
}

}  // namespace
}  // namespace tcpsim::http
