// A crowd connecting at once to one server with the default backlog (16): with SYN
// cookies (RFC 4987 §3.6, the profiles' default) every client gets through; without them
// the SYNs beyond the backlog are dropped, the clients retry in step, 16 get through per
// round of SYNs and the rest time out.
#include <gtest/gtest.h>

#include <string>

#include "sim/trace/memory_sink.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

using testing::build;

constexpr std::string_view kCrowd = R"toml(
name = "crowd"
summary = "`clients` clients connect at once to one server (backlog 16)"
seed = 7

[params]
clients = 200
syncookies = 1

[[host]]
name = "clients"
address = "10.0.0.1"
tcp = { syn_retries = 3 }

[[host]]
name = "server"
address = "10.0.0.2"
tcp = { syncookies = "$syncookies" }

[[link]]
between = ["clients", "server"]
rate = "1Gbps"
delay = "1ms"

[[app]]
name = "server"
host = "server"
role = "server"
port = 80

[[app]]
count = "$clients"
name = "c{i}"
host = "clients"
connect = "server:80"
send = "2KB"
close = "after-send"

[[check]]
kind = "integrity"
)toml";

struct Outcome {
  std::size_t ok = 0, timed_out = 0, other = 0;
  tcp::ListenCounters listen;
  std::size_t cookies_sent_events = 0, cookies_accepted_events = 0, backlog_full_events = 0;
  std::vector<std::string> summary;
};

Outcome run_crowd(const std::string& syncookies) {
  Outcome o;
  auto run = build(kCrowd, {{"syncookies", syncookies}});
  if (run == nullptr) return o;
  MemoryTraceSink trace;
  run->trace().subscribe(trace);
  run->run();
  run->finish();
  o.cookies_sent_events = trace.count(TraceType::SynCookieSent);
  o.cookies_accepted_events = trace.count(TraceType::SynCookieAccepted);
  for (const TraceEvent& e : trace.of_type(TraceType::SegmentDropped)) {
    if (e.get_string("cause") == "backlog-full") ++o.backlog_full_events;
  }
  o.summary = run->listen_summaries();
  for (const ConnectionSummary& c : run->connections()) {
    if (c.integrity == "ok" && c.error.empty() && c.to_server == 2000) {
      ++o.ok;
    } else if (c.error == "ETIMEDOUT") {
      ++o.timed_out;
    } else {
      ++o.other;
    }
  }
  o.listen = run->host("server")->tcp().listen_counters();
  return o;
}

TEST(SynCookies, TwoHundredClientsBacklog16_CookiesOn_AllComplete) {
  Outcome o = run_crowd("1");
  EXPECT_EQ(o.ok, 200u);
  EXPECT_EQ(o.timed_out + o.other, 0u);
  // 16 SYNs fill the queue; the other 184 are answered with cookies, and each cookie
  // comes back as a connection.
  EXPECT_EQ(o.listen.cookies_sent, 184u);
  EXPECT_EQ(o.listen.cookies_accepted, 184u);
  EXPECT_EQ(o.listen.syns_dropped + o.listen.acks_dropped + o.listen.cookies_rejected, 0u);
  EXPECT_EQ(o.cookies_sent_events, 184u);
  EXPECT_EQ(o.cookies_accepted_events, 184u);
  EXPECT_EQ(o.backlog_full_events, 0u);
  ASSERT_EQ(o.summary.size(), 1u);
  EXPECT_EQ(o.summary[0],
            "server: listen queue overflowed: 184 SYNs answered with cookies, 184 connections "
            "from cookies, 0 dropped");
}

TEST(SynCookies, TwoHundredClientsBacklog16_CookiesOff_MostTimeOut) {
  Outcome o = run_crowd("0");
  // Four rounds of SYNs (the first and 3 retries, in step), 16 admitted per round.
  EXPECT_EQ(o.ok, 4u * 16u);
  EXPECT_EQ(o.timed_out, 200u - 4u * 16u);
  EXPECT_EQ(o.other, 0u);
  EXPECT_EQ(o.listen.cookies_sent, 0u);
  EXPECT_EQ(o.listen.syns_dropped, 184u + 168u + 152u + 136u);
  EXPECT_EQ(o.backlog_full_events, o.listen.syns_dropped);
  EXPECT_EQ(o.cookies_sent_events + o.cookies_accepted_events, 0u);
}

TEST(SynCookies, FewClients_NoOverflow_NoSummaryLine) {
  auto run = build(kCrowd, {{"clients", "16"}});
  ASSERT_NE(run, nullptr);
  run->run();
  run->finish();
  EXPECT_FALSE(run->host("server")->tcp().listen_counters().any());
  EXPECT_TRUE(run->listen_summaries().empty());
}

}  // namespace
}  // namespace tcpsim::sim
