// MessageCollector: whole messages out of pipelined, chunked, interim and upgraded streams.
#include "stack/http/collector.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tcpsim::http {
namespace {

TEST(Collector, PipelinedRequests_QueuedInOrder) {
  MessageCollector c(Kind::Request);
  const std::string input =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n";
  // One byte at a time, as a slow peer would send it.
  for (char ch : input) ASSERT_NE(c.feed(std::string_view(&ch, 1)).status, Status::Error);
  ASSERT_EQ(c.ready(), 2u);
  const Request a = *c.pop_request();
  EXPECT_EQ(a.method, "GET");
  EXPECT_EQ(a.target, "/a");
  EXPECT_TRUE(a.body.empty());
  const Request b = *c.pop_request();
  EXPECT_EQ(b.method, "POST");
  EXPECT_EQ(b.body, "abcde");
  EXPECT_EQ(b.trailers, (Headers{{"T", "1"}}));
  EXPECT_EQ(b.header("transfer-encoding"), "chunked");
  EXPECT_EQ(c.pop_request(), std::nullopt);
  EXPECT_EQ(c.pop_response(), std::nullopt);
}

TEST(Collector, InterimThenFinal_BothQueued) {
  MessageCollector c(Kind::Response);
  ASSERT_EQ(
      c.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").status,
      Status::Ok);
  ASSERT_EQ(c.ready(), 2u);
  EXPECT_EQ(c.pop_response()->status, 100);
  const Response r = *c.pop_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(c.last_head().body, BodyKind::Length);
  EXPECT_TRUE(c.last_head().keep_alive);
}

TEST(Collector, WebSocketHandshake_LeftoverBytesForNextProtocol) {
  MessageCollector c(Kind::Response);
  const std::string head =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  const std::string frame = "\x81\x02hi";
  const FeedResult r = c.feed(head + frame);
  EXPECT_EQ(r, (FeedResult{head.size(), Status::Paused}));
  EXPECT_TRUE(c.parser().upgraded());
  EXPECT_TRUE(c.last_head().upgrade);
  ASSERT_EQ(c.ready(), 1u);
  EXPECT_EQ(c.pop_response()->status, 101);
}

TEST(Collector, CloseDelimited_CompletedByFinish) {
  MessageCollector c(Kind::Response);
  ASSERT_EQ(c.feed("HTTP/1.1 200 OK\r\n\r\npart one, ").status, Status::NeedMore);
  ASSERT_EQ(c.feed("part two").status, Status::NeedMore);
  EXPECT_EQ(c.ready(), 0u);
  ASSERT_EQ(c.finish().status, Status::Ok);
  ASSERT_EQ(c.ready(), 1u);
  EXPECT_EQ(c.pop_response()->body, "part one, part two");
  EXPECT_FALSE(c.last_head().keep_alive);
}

TEST(Collector, Moved_KeepsCollecting) {
  MessageCollector a(Kind::Request);
  ASSERT_EQ(a.feed("GET / HTTP/1.1\r\nHo").status, Status::NeedMore);
  std::vector<MessageCollector> many;
  many.push_back(std::move(a));
  ASSERT_EQ(many[0].feed("st: h\r\n\r\n").status, Status::Ok);
  ASSERT_EQ(many[0].ready(), 1u);
  EXPECT_EQ(many[0].pop_request()->header("Host"), "h");
}

TEST(Collector, ParseError_NothingQueued) {
  MessageCollector c(Kind::Request);
  EXPECT_EQ(
      c.feed("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").status,
      Status::Error);
  EXPECT_EQ(c.parser().error().code, Error::ConflictingContentLength);
  EXPECT_EQ(c.ready(), 0u);
}

}  // namespace
}  // namespace tcpsim::http
