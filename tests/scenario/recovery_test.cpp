// Loss recovery on the simulator: which mechanism repairs which loss.
#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/memory_sink.hpp"

namespace tcpsim::sim {
namespace {

constexpr std::string_view kTransfer = R"(
name = "recovery"
seed = 5
duration = "60s"
faults = []
[params]
bytes = "300KB"
[[host]]
name = "client"
address = "10.0.0.1"
[[host]]
name = "server"
address = "10.0.0.2"
[[link]]
between = ["client", "server"]
rate = "100Mbps"
delay = "10ms"
[[app]]
name = "server"
host = "server"
port = 9
[[app]]
name = "client"
host = "client"
connect = "server:9"
send = "$bytes"
[[check]]
kind = "integrity"
)";

struct Outcome {
  std::map<std::string, int> why;  // retransmissions by reason
  std::string integrity;
};

Outcome run_with(const std::vector<std::string>& faults, const std::vector<Override>& extra = {}) {
  std::string text(kTransfer);
  std::string list;
  for (const auto& f : faults) list += (list.empty() ? "\"" : ", \"") + f + "\"";
  text.replace(text.find("faults = []"), 11, "faults = [" + list + "]");
  auto s = load_scenario(text, "recovery.toml", extra);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  auto r = ScenarioRun::build(*s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  MemoryTraceSink sink;
  (*r)->trace().subscribe(sink);
  (*r)->run();
  (*r)->finish();
  Outcome o;
  for (const TraceEvent& e : sink.of_type(TraceType::Note)) {
    if (e.get_string("what") == "retransmit") ++o.why[*e.get_string("why")];
  }
  o.integrity = (*r)->connections().at(0).integrity;
  return o;
}

TEST(Recovery, OneLossInSlowStart_FastRetransmitNoTimeout) {
  Outcome o = run_with({"drop data #5 from client to server"});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.why["fast-retransmit"], 1);
  EXPECT_EQ(o.why["timeout"], 0);
}

TEST(Recovery, SeveralLossesInOneWindow_SackRepairsThemWithoutTimeout) {
  Outcome o =
      run_with({"drop data #12 from client to server", "drop data #15 from client to server",
                "drop data #18 from client to server"});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.why["timeout"], 0);
  EXPECT_EQ(o.why["fast-retransmit"] + o.why["sack-recovery"], 3);  // each hole resent once
}

TEST(Recovery, SeveralLossesWithoutSack_NewRenoPartialAcksNoTimeout) {
  Outcome o =
      run_with({"drop data #12 from client to server", "drop data #15 from client to server",
                "drop data #18 from client to server"},
               {{"tcp.sack", "false"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.why["timeout"], 0);
  EXPECT_EQ(o.why["fast-retransmit"], 3);  // RFC 6582: one hole per partial ACK
}

TEST(Recovery, LostRetransmission_TimeoutRepairsIt) {
  Outcome o = run_with({"drop data #5 from client to server", "drop data #6 from client to server"},
                       {{"bytes", "6000"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_GE(o.why["timeout"], 1);
}

TEST(Recovery, TailLoss_TheTimeoutRepairsIt) {
  Outcome o = run_with({"drop data #5 from client to server"}, {{"bytes", "6000"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.why["timeout"], 1);
  EXPECT_EQ(o.why["loss-probe"], 0);
}

TEST(Recovery, TailLossWithProbes_TheProbeRepairsItInsteadOfTheTimeout) {
  // RFC 8985 §7: the last segment is lost, no duplicate ACK comes; the probe resends it
  // (here at the RTO's time: one segment out, 2·SRTT + 200 ms is later) without the
  // timeout's collapse of cwnd or back-off.
  Outcome o = run_with({"drop data #5 from client to server"},
                       {{"bytes", "6000"}, {"tcp.tail_loss_probe", "true"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.why["loss-probe"], 1);
  EXPECT_EQ(o.why["timeout"], 0);
}

TEST(Recovery, LossNearTheTail_TwoSacksThenTheTimeout) {
  // The third of five segments is lost: two duplicate ACKs come back, never three, and
  // less than three segments' worth is SACKed above the hole (RFC 6675 IsLost).
  Outcome o = run_with({"drop data #3 from client to server"}, {{"bytes", "6000"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_GE(o.why["timeout"], 1);
}

TEST(Recovery, LossNearTheTailWithRack_TheReorderingTimerStartsRecovery) {
  // RFC 8985 §6: the SACK of the fourth segment, sent after the third, marks the third
  // lost once a quarter of the minimum RTT has passed (the reordering timer).
  Outcome o =
      run_with({"drop data #3 from client to server"}, {{"bytes", "6000"}, {"tcp.rack", "true"}});
  EXPECT_EQ(o.integrity, "ok");
  EXPECT_EQ(o.why["timeout"], 0);
  EXPECT_EQ(o.why["fast-retransmit"] + o.why["rack"], 1);
}

}  // namespace
}  // namespace tcpsim::sim
