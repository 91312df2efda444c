// WebSocket and event-feed applications on the simulator: echo, chat fan-out, server push,
// polling and long polling, refused handshakes, and the scenario-file keys that set them up.
#include <gtest/gtest.h>

#include "sim/app/websocket_app.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

using testing::build;

std::unique_ptr<ScenarioRun> run_builtin(std::string_view name,
                                         const std::vector<Override>& o = {}) {
  const BuiltinScenario* b = find_builtin(name);
  EXPECT_NE(b, nullptr) << name;
  if (b == nullptr) return nullptr;
  auto run = build(b->text, o);
  if (run) {
    run->run();
    run->finish();
  }
  return run;
}

std::string load_error(std::string_view text) {
  auto s = load_scenario(text, "bad.toml", {});
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.error().message;
}

constexpr std::string_view kTwoHosts = R"(
[[host]]
name = "client"
address = "10.0.0.1"
[[host]]
name = "server"
address = "10.0.0.2"
[[link]]
between = ["client", "server"]
rate = "10Mbps"
delay = "10ms"
)";

TEST(FeedEvent, LineHasTheSizeAndParsesBack) {
  std::string line = feed_event_line(7, 3'500'000'000, 64);
  EXPECT_EQ(line.size(), 64u);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.rfind("event 7 t=3500000000 ", 0), 0u);
  auto s = parse_feed_event(line);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->k, 7u);
  EXPECT_EQ(s->at, 3'500'000'000);
  // A size too small for the text still gives the whole text.
  EXPECT_EQ(feed_event_line(12, 1, 4), "event 12 t=1 \n");
  EXPECT_FALSE(parse_feed_event("evnt 1 t=2").has_value());
  EXPECT_FALSE(parse_feed_event("event x t=2").has_value());
  EXPECT_FALSE(parse_feed_event("event 1 at=2").has_value());
}

TEST(FeedEvent, LatencyStatistics) {
  std::vector<WsReceived> r(3);
  for (int i = 0; i < 3; ++i) {
    r[i].event = FeedEventStamp{static_cast<std::uint64_t>(i + 1), 1000};
    r[i].at = 1000 + (i + 1) * 10;  // latencies 10, 20, 30
  }
  r.push_back(WsReceived{});  // not an event: ignored
  LatencyStats l = feed_latency(r);
  EXPECT_EQ(l.n, 3u);
  EXPECT_EQ(l.mean, 20);
  EXPECT_EQ(l.p50, 20);
  EXPECT_EQ(l.max, 30);
}

TEST(WebSocketScenario, EchoSessionReturnsEveryMessageIntactAndClosesCleanly) {
  auto run = run_builtin("websocket-echo");
  ASSERT_NE(run, nullptr);
  ASSERT_EQ(run->apps_of<WebSocketClient>().size(), 1u);
  const WebSocketClient& c = *run->apps_of<WebSocketClient>()[0];
  EXPECT_TRUE(c.opened());
  EXPECT_EQ(c.subprotocol(), "echo.tcpsim");  // the first offered one the server speaks
  EXPECT_EQ(c.sent(), 5u);
  ASSERT_EQ(c.received().size(), 4u);  // the ping comes back as a pong, not a message
  EXPECT_EQ(c.pongs(), 1u);
  std::vector<std::uint64_t> sizes;
  for (const WsReceived& r : c.received()) {
    EXPECT_TRUE(r.intact);
    EXPECT_GT(r.rtt, 20 * kMillisecond);  // at least one round trip of 2 x 10 ms
    sizes.push_back(r.bytes);
  }
  EXPECT_EQ(sizes, (std::vector<std::uint64_t>{13, 3000, 70000, 16}));
  EXPECT_TRUE(c.received()[0].text);
  EXPECT_FALSE(c.received()[2].text);
  EXPECT_EQ(c.close_code(), std::optional<std::uint16_t>(1000));
  EXPECT_TRUE(c.failure().empty()) << c.failure();
  const WebSocketServer& s = *run->apps_of<WebSocketServer>()[0];
  EXPECT_EQ(s.sessions(), 1u);
  EXPECT_EQ(s.messages_received(), 4u);
  EXPECT_EQ(s.close_codes(), std::vector<std::uint16_t>{1000});
  for (const CheckResult& r : run->evaluate_checks()) EXPECT_TRUE(r.passed) << r.description;
}

TEST(WebSocketScenario, EchoSurvivesLossAndReordering) {
  auto run = run_builtin("websocket-echo", {{"link.loss", "0.05"}, {"seed", "7"}});
  ASSERT_NE(run, nullptr);
  std::uint64_t dropped = 0;
  for (const auto& l : run->network().links()) {
    dropped += l->a_to_b().stats().dropped_total() + l->b_to_a().stats().dropped_total();
  }
  EXPECT_GT(dropped, 0u) << "the seed should make the link drop something";
  const WebSocketClient& c = *run->apps_of<WebSocketClient>()[0];
  EXPECT_EQ(c.received().size(), 4u) << c.summary();
  for (const WsReceived& r : c.received()) EXPECT_TRUE(r.intact);
  EXPECT_EQ(c.close_code(), std::optional<std::uint16_t>(1000)) << c.summary();
}

TEST(WebSocketScenario, ChatFansEveryMessageOutToEveryone) {
  auto run = run_builtin("websocket-chat");
  ASSERT_NE(run, nullptr);
  ASSERT_EQ(run->apps_of<WebSocketClient>().size(), 3u);
  for (const auto& c : run->apps_of<WebSocketClient>()) {
    EXPECT_EQ(c->sent(), 3u) << c->config().name;
    EXPECT_EQ(c->received().size(), 9u) << c->summary();
    EXPECT_EQ(c->close_code(), std::optional<std::uint16_t>(1000)) << c->summary();
  }
  const WebSocketServer& s = *run->apps_of<WebSocketServer>()[0];
  EXPECT_EQ(s.messages_received(), 9u);
  EXPECT_EQ(s.messages_sent(), 27u);
  EXPECT_EQ(s.close_codes().size(), 3u);
}

TEST(WebSocketScenario, PushBeatsPollingOnLatencyAndBytes) {
  auto run = run_builtin("polling-vs-websocket");
  ASSERT_NE(run, nullptr);
  for (const CheckResult& r : run->evaluate_checks()) {
    EXPECT_TRUE(r.passed) << r.description << " — " << r.detail;
  }
  ASSERT_EQ(run->apps_of<PollingClient>().size(), 2u);
  const PollingClient& poll = *run->apps_of<PollingClient>()[0];
  const PollingClient& longpoll = *run->apps_of<PollingClient>()[1];
  const WebSocketClient& ws = *run->apps_of<WebSocketClient>()[0];
  LatencyStats lp = feed_latency(poll.received());
  LatencyStats ll = feed_latency(longpoll.received());
  LatencyStats lw = feed_latency(ws.received());
  EXPECT_EQ(lp.n, 20u);
  EXPECT_EQ(ll.n, 20u);
  EXPECT_EQ(lw.n, 20u);
  // One-way delay is 21 ms: push and long polling deliver within a few ms of it; polling
  // once a second makes an event wait for the next poll.
  EXPECT_GE(lw.max, 21 * kMillisecond);
  EXPECT_LT(lw.max, 25 * kMillisecond);
  EXPECT_LT(ll.max, 25 * kMillisecond);
  EXPECT_GT(lp.mean, 200 * kMillisecond);
  // Long polling asks once per event; polling asks once a second whatever happens.
  EXPECT_EQ(longpoll.requests(), 20u);
  EXPECT_GE(poll.requests(), 14u);
  // Bytes on the wire at each client's host: the WebSocket costs least.
  const Host* hp = run->host("poller");
  const Host* hl = run->host("longpoller");
  const Host* hw = run->host("wsclient");
  ASSERT_TRUE(hp && hl && hw);
  std::uint64_t bp = hp->bytes_sent() + hp->bytes_received();
  std::uint64_t bl = hl->bytes_sent() + hl->bytes_received();
  std::uint64_t bw = hw->bytes_sent() + hw->bytes_received();
  EXPECT_LT(bw, bp);
  EXPECT_LT(bw, bl);
  // The summary has the comparison table with one row per transport.
  std::string all;
  for (const std::string& line : run->app_summaries()) all += line + "\n";
  EXPECT_NE(all.find("bytes/event"), std::string::npos) << all;
  EXPECT_NE(all.find("long polling"), std::string::npos) << all;
}

TEST(WebSocketScenario, WrongPathIsRefusedWith404) {
  std::string text = std::string(kTwoHosts) + R"(
[[app]]
name = "server"
host = "server"
role = "websocket-server"
path = "/chat"
[[app]]
name = "client"
host = "client"
role = "websocket-client"
connect = "server:80"
path = "/nothing-here"
messages = [{ text = "hi" }]
[[check]]
kind = "websocket"
app = "client"
status = 404
)";
  auto run = build(text);
  ASSERT_NE(run, nullptr);
  run->run();
  const WebSocketClient& c = *run->apps_of<WebSocketClient>()[0];
  EXPECT_FALSE(c.opened());
  EXPECT_EQ(c.handshake_status(), 404);
  EXPECT_EQ(run->apps_of<WebSocketServer>()[0]->refused(), 1u);
  for (const CheckResult& r : run->evaluate_checks()) EXPECT_TRUE(r.passed) << r.detail;
}

TEST(WebSocketScenario, BadVersionGets426AndPlainGetGets400) {
  // Raw requests from an HTTP client: a version the server does not speak, and an
  // ordinary GET on the WebSocket path.
  for (auto [raw, status] : {std::pair<std::string, int>{
                                 "GET /ws HTTP/1.1\\r\\nHost: server\\r\\nUpgrade: websocket\\r\\n"
                                 "Connection: Upgrade\\r\\nSec-WebSocket-Version: 8\\r\\n"
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n\\r\\n",
                                 426},
                             {"GET /ws HTTP/1.1\\r\\nHost: server\\r\\n\\r\\n", 400}}) {
    std::string text = std::string(kTwoHosts) + R"(
[[app]]
name = "server"
host = "server"
role = "websocket-server"
path = "/ws"
[[app]]
name = "client"
host = "client"
role = "http-client"
connect = "server:80"
raw = ")" + raw + R"("
[[check]]
kind = "http"
app = "client"
status = )" + std::to_string(status) +
                       "\n";
    auto run = build(text);
    ASSERT_NE(run, nullptr);
    run->run();
    for (const CheckResult& r : run->evaluate_checks()) {
      EXPECT_TRUE(r.passed) << status << ": " << r.detail;
    }
  }
}

TEST(WebSocketScenario, LongPollAnswers204AfterTheTimeout) {
  std::string text = "duration = \"20s\"\n" + std::string(kTwoHosts) + R"(
[[app]]
name = "server"
host = "server"
role = "websocket-server"
mode = "feed"
events = 1
first_event = "5s"
long_poll_timeout = "2s"
[[app]]
name = "client"
host = "client"
role = "polling-client"
connect = "server:80"
method = "long-poll"
events = 1
)";
  auto run = build(text);
  ASSERT_NE(run, nullptr);
  run->run();
  const PollingClient& c = *run->apps_of<PollingClient>()[0];
  // Held 2 s twice (answered 204), then the event at 5 s answers the third at once.
  EXPECT_EQ(c.empty_answers(), 2u) << c.summary();
  EXPECT_EQ(c.requests(), 3u) << c.summary();
  ASSERT_EQ(c.received().size(), 1u);
  EXPECT_LT(c.received()[0].at - 5 * kSecond, 25 * kMillisecond);
}

TEST(WebSocketScenario, BadAppKeysAreNamed) {
  std::string base = std::string(kTwoHosts) +
                     "[[app]]\nname = \"server\"\nhost = \"server\"\nrole = "
                     "\"websocket-server\"\n";
  EXPECT_NE(load_error(base + "mode = \"broadcast\"\n").find("allowed: echo, chat, feed"),
            std::string::npos);
  std::string client = std::string(kTwoHosts) +
                       "[[app]]\nname = \"c\"\nhost = \"client\"\nrole = \"websocket-client\"\n"
                       "connect = \"server:80\"\n";
  EXPECT_NE(load_error(client + "messages = [{ ping = \"x\", fragment = 2 }]\n")
                .find("control frames cannot be fragmented"),
            std::string::npos);
  EXPECT_NE(load_error(client + "messages = [{ text = \"a\", binary = 3 }]\n").find("one of text"),
            std::string::npos);
  EXPECT_NE(load_error(client + "messages = [\"hello\"]\n").find("bad.toml:"), std::string::npos);
  EXPECT_NE(load_error(client + "close_code = 1006\n").find("close_code"), std::string::npos);
  std::string poller = std::string(kTwoHosts) +
                       "[[app]]\nname = \"p\"\nhost = \"client\"\nrole = \"polling-client\"\n"
                       "connect = \"server:80\"\n";
  EXPECT_NE(load_error(poller + "method = \"push\"\n").find("allowed: poll, long-poll"),
            std::string::npos);
  std::string check = std::string(kTwoHosts) + "[[check]]\nkind = \"websockets\"\napp = \"c\"\n";
  EXPECT_NE(load_error(check).find("websocket, feed"), std::string::npos);
}

}  // namespace
}  // namespace tcpsim::sim
