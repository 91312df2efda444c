// The latency split of application messages: handcrafted traces, one per cause, then
// built-in scenarios run with a trace.
#include "sim/report/message_latency.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/memory_sink.hpp"

namespace tcpsim::sim::report {
namespace {

constexpr std::string_view kA = "10.0.0.1:40000>10.0.0.2:80";  // the client's view
constexpr std::string_view kB = "10.0.0.2:80>10.0.0.1:40000";  // the server's view
constexpr std::int64_t kIss = 1000;                            // both ends' ISS, for brevity

// The sender's TCB on a segment-sent line.
struct Tcb {
  std::int64_t cwnd = 100000, pipe = 0, in_flight = 0, rwnd = 65535, una = 0, nxt = 0;
};

// A trace written by hand: each call appends one event.
class Script {
 public:
  Script& state(Nanos t, std::string_view host, std::string_view conn, std::string_view to) {
    ev_.push_back(TraceEvent(t, TraceType::State, std::string(host), std::string(conn))
                      .add("from", "SYN-SENT")
                      .add("to", to)
                      .add("rule", "test"));
    return *this;
  }
  // Both ends ESTABLISHED at `t`, after SYNs that fix the ISS.
  Script& connected(Nanos t) {
    seg(0, "A", kA, "SYN", -1, 0, {});
    seg(0, "B", kB, "SYN,ACK", -1, 0, {});
    state(t, "A", kA, "ESTABLISHED");
    return state(t, "B", kB, "ESTABLISHED");
  }
  // A segment of stream bytes [off, off + len) sent at `t` (id given in order).
  Script& seg(Nanos t, std::string_view host, std::string_view conn, std::string_view flags,
              std::int64_t off, std::int64_t len, Tcb tcb) {
    TraceEvent e(t, TraceType::SegmentSent, std::string(host), std::string(conn));
    e.add("id", ++id_).add("flags", flags).add("seq", kIss + 1 + off).add("ack", 0).add("len", len);
    e.add("link", "x").add("state", "ESTABLISHED").add("cwnd", tcb.cwnd).add("pipe", tcb.pipe);
    e.add("in_flight", tcb.in_flight).add("snd_una", kIss + 1 + tcb.una);
    e.add("snd_nxt", kIss + 1 + tcb.nxt).add("rwnd", tcb.rwnd);
    ev_.push_back(e);
    return *this;
  }
  Script& data(Nanos t, std::int64_t off, std::int64_t len, Tcb tcb = {}, Nanos arrives = -1,
               std::string_view host = "A", std::string_view conn = kA) {
    seg(t, host, conn, "ACK", off, len, tcb);
    const std::string to = host == "A" ? "B" : "A";
    if (arrives < 0) {
      ev_.push_back(TraceEvent(t, TraceType::SegmentDropped, std::string(host), std::string(conn))
                        .add("id", id_));
    } else {
      ev_.push_back(
          TraceEvent(arrives, TraceType::SegmentDelivered, to, std::string(conn)).add("id", id_));
    }
    return *this;
  }
  Script& message(Nanos t, std::string_view host, std::string_view conn, bool send,
                  std::int64_t msg, std::string_view what, std::int64_t begin, std::int64_t end,
                  Nanos issued = -1) {
    TraceEvent e(t, TraceType::Message, std::string(host), std::string(conn));
    e.add("app", host).add("proto", "http").add("dir", send ? "send" : "recv").add("msg", msg);
    e.add("what", what).add("begin", begin).add("end", end);
    if (send) e.add("issued_ns", issued < 0 ? t : issued);
    ev_.push_back(e);
    return *this;
  }
  // Client A sends message `msg` = bytes [begin, end) at `sent`, issued at `issued`;
  // B reads it whole at `read`.
  Script& a_to_b(std::int64_t msg, std::int64_t begin, std::int64_t end, Nanos issued, Nanos sent,
                 Nanos read) {
    message(sent, "A", kA, true, msg, "GET /", begin, end, issued);
    return message(read, "B", kB, false, msg, "GET /", begin, end);
  }
  std::vector<MessageLatency> split() {
    std::stable_sort(ev_.begin(), ev_.end(),
                     [](const TraceEvent& a, const TraceEvent& b) { return a.time < b.time; });
    return message_latencies(ev_);
  }

 private:
  std::vector<TraceEvent> ev_;
  std::int64_t id_ = 0;
};

Nanos part(const MessageLatency& m, LatencyPart p) {
  return m.parts[static_cast<std::size_t>(p)];
}

Nanos sum(const MessageLatency& m) {
  return std::accumulate(m.parts.begin(), m.parts.end(), Nanos{0});
}

TEST(MessageLatency, PartNames) {
  EXPECT_EQ(to_string(LatencyPart::Request), "request");
  EXPECT_EQ(to_string(LatencyPart::CongestionWindow), "cwnd");
  EXPECT_EQ(to_string(LatencyPart::ReceiveWindow), "rwnd");
  EXPECT_EQ(to_string(LatencyPart::NagleDelayedAck), "nagle-delack");
  EXPECT_EQ(to_string(LatencyPart::HeadOfLine), "head-of-line");
  EXPECT_EQ(to_string(LatencyPart::Network), "network");
}

TEST(MessageLatency, IssuedBeforeEstablished_HandshakeThenNetwork) {
  Script s;
  s.connected(20).data(20, 0, 100, {}, 30).a_to_b(1, 0, 100, 0, 20, 30);
  auto out = s.split();
  ASSERT_EQ(out.size(), 1U);
  const MessageLatency& m = out[0];
  EXPECT_EQ(m.conn, kA);
  EXPECT_EQ(m.from, "A");
  EXPECT_EQ(m.to, "B");
  EXPECT_EQ(m.issued, 0);
  EXPECT_EQ(m.delivered, 30);
  EXPECT_EQ(part(m, LatencyPart::Handshake), 20);
  EXPECT_EQ(part(m, LatencyPart::Network), 10);
  EXPECT_EQ(sum(m), 30);
}

TEST(MessageLatency, ResponseMadeBeforeItsRequestArrived_Request) {
  Script s;
  s.connected(5).data(40, 0, 60, {}, 50).a_to_b(1, 0, 60, 40, 40, 50);
  // B's answer carries data made at 10; the request arrived at 50; the answer arrives at 62.
  s.data(50, 0, 200, {}, 62, "B", kB);
  s.message(50, "B", kB, true, 1, "200 OK", 0, 200, 10)
      .message(62, "A", kA, false, 1, "200 OK", 0, 200);
  auto out = s.split();
  ASSERT_EQ(out.size(), 2U);
  const MessageLatency& m = out[1];
  EXPECT_EQ(m.what, "200 OK");
  EXPECT_EQ(part(m, LatencyPart::Request), 40);
  EXPECT_EQ(part(m, LatencyPart::Handshake), 0);
  EXPECT_EQ(part(m, LatencyPart::Network), 12);
  EXPECT_EQ(sum(m), 52);
}

TEST(MessageLatency, SecondRequestWaitsForFirstResponse_Request) {
  Script s;
  s.connected(0).data(0, 0, 60, {}, 10).a_to_b(1, 0, 60, 0, 0, 10);
  s.data(10, 0, 100, {}, 20, "B", kB);
  s.message(10, "B", kB, true, 1, "200 OK", 0, 100)
      .message(20, "A", kA, false, 1, "200 OK", 0, 100);
  // The client wanted its second update at 15; the first answer came in at 20.
  s.data(20, 60, 60, {}, 30).a_to_b(2, 60, 120, 15, 20, 30);
  auto out = s.split();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(part(out[2], LatencyPart::Request), 5);
  EXPECT_EQ(part(out[2], LatencyPart::Network), 10);
}

TEST(MessageLatency, SecondSegmentHeldByFullCwnd_CongestionWindow) {
  Script s;
  Tcb full{.cwnd = 1000, .pipe = 1000, .in_flight = 1000, .una = 0, .nxt = 1000};
  Tcb after{.cwnd = 2000, .pipe = 1000, .in_flight = 1000, .una = 1000, .nxt = 2000};
  s.connected(0).data(10, 0, 1000, full, 20).data(30, 1000, 1000, after, 40);
  s.a_to_b(1, 0, 2000, 10, 30, 40);
  auto out = s.split();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(part(out[0], LatencyPart::CongestionWindow), 20);
  EXPECT_EQ(part(out[0], LatencyPart::Network), 10);
  EXPECT_EQ(sum(out[0]), 30);
}

TEST(MessageLatency, SecondSegmentHeldByFullPeerWindow_ReceiveWindow) {
  Script s;
  Tcb closed{.cwnd = 100000, .pipe = 1000, .in_flight = 1000, .rwnd = 1000, .una = 0, .nxt = 1000};
  s.connected(0).data(10, 0, 1000, closed, 20).data(30, 1000, 1000, {}, 40);
  s.a_to_b(1, 0, 2000, 10, 30, 40);
  auto out = s.split();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(part(out[0], LatencyPart::ReceiveWindow), 20);
  EXPECT_EQ(part(out[0], LatencyPart::CongestionWindow), 0);
}

TEST(MessageLatency, SmallMessageBehindUnackedData_NagleDelayedAck) {
  Script s;
  Tcb sent{.cwnd = 100000, .pipe = 1000, .in_flight = 1000, .una = 0, .nxt = 1000};
  s.connected(0).data(10, 0, 1000, sent, 20).a_to_b(1, 0, 1000, 10, 10, 20);
  // 50 bytes written at 12 wait for the ACK of the first segment (at 60, delayed).
  s.data(60, 1000, 50, {}, 70).a_to_b(2, 1000, 1050, 12, 12, 70);
  auto out = s.split();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(part(out[1], LatencyPart::NagleDelayedAck), 48);
  EXPECT_EQ(part(out[1], LatencyPart::Network), 10);
}

TEST(MessageLatency, LostSegmentResent_Retransmission) {
  Script s;
  s.connected(0).data(10, 0, 100).data(210, 0, 100, {}, 220).a_to_b(1, 0, 100, 10, 10, 220);
  auto out = s.split();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(part(out[0], LatencyPart::Retransmission), 200);
  EXPECT_EQ(part(out[0], LatencyPart::Network), 10);
  EXPECT_EQ(part(out[0], LatencyPart::HeadOfLine), 0);
}

TEST(MessageLatency, ArrivedBehindAnEarlierLoss_HeadOfLine) {
  Script s;
  s.connected(0).data(10, 0, 100).data(11, 100, 100, {}, 21).data(210, 0, 100, {}, 220);
  s.a_to_b(1, 0, 100, 10, 10, 220).a_to_b(2, 100, 200, 11, 11, 220);
  auto out = s.split();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(part(out[0], LatencyPart::Retransmission), 200);
  EXPECT_EQ(part(out[1], LatencyPart::Retransmission), 0);
  EXPECT_EQ(part(out[1], LatencyPart::Network), 10);
  EXPECT_EQ(part(out[1], LatencyPart::HeadOfLine), 199);
  EXPECT_EQ(sum(out[1]), 209);
}

TEST(MessageLatency, NeverReadWhole_LeftOut) {
  Script s;
  s.connected(0).data(10, 0, 100);
  s.message(10, "A", kA, true, 1, "GET /", 0, 100);
  EXPECT_TRUE(s.split().empty());
}

// ---------------------------------------------------------------- scenarios

std::vector<MessageLatency> run_builtin(std::string_view name,
                                        const std::vector<Override>& o = {}) {
  const BuiltinScenario* b = find_builtin(name);
  EXPECT_NE(b, nullptr);
  if (b == nullptr) return {};
  auto s = load_scenario(b->text, std::string(b->file), o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  auto r = ScenarioRun::build(*s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  MemoryTraceSink sink;
  (*r)->trace().subscribe(sink);
  (*r)->run();
  (*r)->finish();
  const std::vector<TraceEvent>& ev = sink.events();
  auto out = message_latencies(ev);
  for (const MessageLatency& m : out) EXPECT_EQ(sum(m), m.delivered - m.issued) << m.what;
  return out;
}

struct Totals {
  int n = 0;
  Nanos total = 0;
  std::array<Nanos, kLatencyParts> parts{};
  Nanos mean() const { return n ? total / n : 0; }
  Nanos of(LatencyPart p) const { return parts[static_cast<std::size_t>(p)]; }
};

// The feed's answers and pushes each client received, by client host.
std::map<std::string, Totals> feed_totals(const std::vector<MessageLatency>& all) {
  std::map<std::string, Totals> by;
  for (const MessageLatency& m : all) {
    if (m.from != "server" || (m.what != "200 OK" && m.what.rfind("text", 0) != 0)) continue;
    Totals& t = by[m.to];
    ++t.n;
    t.total += m.delivered - m.issued;
    for (std::size_t i = 0; i < kLatencyParts; ++i) t.parts[i] += m.parts[i];
  }
  return by;
}

TEST(MessageLatencyScenario, PollingVsWebSocket_PollsWaitForRequests_WebSocketIsFastest) {
  auto all = run_builtin("polling-vs-websocket");
  auto by = feed_totals(all);
  ASSERT_EQ(by.size(), 3U);
  const Totals &poll = by["poller"], &ws = by["wsclient"], &lp = by["longpoller"];
  EXPECT_EQ(ws.n, 20);
  EXPECT_GT(poll.of(LatencyPart::Request), 0);
  EXPECT_EQ(ws.of(LatencyPart::Request), 0);
  EXPECT_EQ(ws.of(LatencyPart::Handshake), 0);
  EXPECT_LT(ws.mean(), poll.mean());
  EXPECT_LE(ws.mean(), lp.mean());
  // The poller spends most of its latency waiting for the next poll.
  EXPECT_GT(poll.of(LatencyPart::Request) * 2, poll.total);
  // The first poll and the upgrade were asked for before the connection was up.
  for (const MessageLatency& m : all) {
    if (m.msg == 1 && m.from != "server") {
      EXPECT_GT(part(m, LatencyPart::Handshake), 0) << m.from << " " << m.what;
    }
  }
}

TEST(MessageLatencyScenario, HttpGet_FirstRequestCarriesTheHandshake) {
  auto all = run_builtin("http-get");
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].what, "GET /bytes/20000");
  EXPECT_EQ(all[0].issued, 0);  // asked for when the client started, before its SYN
  EXPECT_GT(part(all[0], LatencyPart::Handshake), 0);
  EXPECT_EQ(all[1].what, "200 OK");
  EXPECT_EQ(part(all[1], LatencyPart::Handshake), 0);
  EXPECT_EQ(part(all[1], LatencyPart::Request), 0);  // answered as soon as asked
  // 20 KB on a fresh connection: the initial window holds some of it back.
  EXPECT_GT(part(all[1], LatencyPart::CongestionWindow), 0);
}

TEST(MessageLatencyScenario, HttpPipelining_RequestsSentAheadWaitForNothing) {
  auto all = run_builtin("http-pipelining");
  int requests = 0;
  for (const MessageLatency& m : all) {
    EXPECT_EQ(part(m, LatencyPart::Request), 0) << m.what;
    if (m.from == "client") ++requests;
  }
  EXPECT_EQ(requests, 3);
}

TEST(MessageLatencyScenario, WebSocketChat_SmallMessagesHeldByNagle) {
  // The server relays small messages 25 ms apart; each waits for the (delayed) ACK of the
  // one before while Nagle holds it.
  auto nagle_time = [](const std::vector<MessageLatency>& all) {
    Nanos nagle = 0;
    for (const MessageLatency& m : all) {
      if (m.from == "server") nagle += part(m, LatencyPart::NagleDelayedAck);
    }
    return nagle;
  };
  EXPECT_GT(nagle_time(run_builtin("websocket-chat")), 0);
  EXPECT_EQ(nagle_time(run_builtin("websocket-chat", {{"tcp.nagle", "false"}})), 0);
}

TEST(MessageLatencyScenario, LossyPolling_Retransmission) {
  auto all = run_builtin("polling-vs-websocket", {{"link.loss", "0.05"}});
  Nanos retrans = 0;
  for (const MessageLatency& m : all) retrans += part(m, LatencyPart::Retransmission);
  EXPECT_GT(retrans, 0);
}

}  // namespace
}  // namespace tcpsim::sim::report
