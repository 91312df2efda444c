// Scripted faults: the text form, its errors, and rules that hit exactly the named packet.
#include <gtest/gtest.h>

#include "sim/net/link_direction.hpp"
#include "sim/net/scripted_fault.hpp"
#include "sim/trace/memory_sink.hpp"
#include "sim_test_util.hpp"

namespace tcpsim::sim {
namespace {

using test::Pair;
using test::segment;
namespace flag = wire::tcp_flag;

LinkParams link_5ms() {
  LinkParams p;
  p.rate_bps = 100'000'000;
  p.delay = 5 * kMillisecond;
  return p;
}

ScriptedRule rule_of(std::string_view text) {
  auto c = parse_fault_command(text);
  EXPECT_TRUE(c) << c.error().to_string();
  return std::get<ScriptedRule>(c.value());
}

TimedAction action_of(std::string_view text) {
  auto c = parse_fault_command(text);
  EXPECT_TRUE(c) << c.error().to_string();
  return std::get<TimedAction>(c.value());
}

std::string error_of(std::string_view text) {
  auto c = parse_fault_command(text);
  EXPECT_FALSE(c) << text;
  return c ? std::string() : c.error().to_string();
}

TEST(FaultParser, DropSynAck_ParsesKindAndOrdinal) {
  ScriptedRule r = rule_of("drop syn-ack #1");
  EXPECT_EQ(r.action, ScriptedRule::Action::Drop);
  EXPECT_EQ(r.kind, PacketKind::SynAck);
  EXPECT_EQ(r.ordinal, 1u);
  EXPECT_TRUE(r.from.empty());
  EXPECT_EQ(r.to_string(), "drop syn-ack #1");
}

TEST(FaultParser, DropDataWithDirection_ParsesNodes) {
  ScriptedRule r = rule_of("drop data #3 from A to B");
  EXPECT_EQ(r.kind, PacketKind::Data);
  EXPECT_EQ(r.ordinal, 3u);
  EXPECT_EQ(r.from, "A");
  EXPECT_EQ(r.to, "B");
  EXPECT_EQ(r.to_string(), "drop data #3 from A to B");
}

TEST(FaultParser, DelayFin_ParsesDuration) {
  ScriptedRule r = rule_of("delay fin next by 200ms");
  EXPECT_EQ(r.action, ScriptedRule::Action::Delay);
  EXPECT_EQ(r.kind, PacketKind::Fin);
  EXPECT_EQ(r.ordinal, 1u);
  EXPECT_EQ(r.delay, 200 * kMillisecond);
  EXPECT_EQ(r.to_string(), "delay fin #1 by 200ms");
  EXPECT_EQ(rule_of("drop  ack   every to B").ordinal, 0u);
}

TEST(FaultParser, AtSetLoss_ParsesTimedAction) {
  TimedAction a = action_of("at 50ms set loss 0.05");
  EXPECT_EQ(a.at, 50 * kMillisecond);
  EXPECT_EQ(a.key, SetKey::Loss);
  EXPECT_DOUBLE_EQ(a.probability, 0.05);
  EXPECT_EQ(a.to_string(), "at 50ms set loss 0.05");
  TimedAction rate = action_of("at t=1s set rate 10Mbps from A to B");
  EXPECT_EQ(rate.key, SetKey::Rate);
  EXPECT_EQ(rate.amount, 10'000'000);
  EXPECT_EQ(rate.from, "A");
  EXPECT_EQ(action_of("at 0 set queue-bytes 64KB").amount, 64000);
  EXPECT_EQ(action_of("at 2ms set delay 30ms").amount, 30 * kMillisecond);
}

TEST(FaultParser, UnknownKind_NamesColumnAndAllowed) {
  EXPECT_EQ(error_of("drop synack #1"),
            "column 6: unknown packet kind 'synack' (allowed: syn, syn-ack, ack, data, fin, rst, "
            "any)");
}

TEST(FaultParser, UnknownCommand_Refused) {
  EXPECT_EQ(error_of("lose syn #1"),
            "column 1: unknown fault command 'lose' (allowed: drop, delay, at)");
  EXPECT_EQ(error_of("   "), "column 1: empty fault command (allowed: drop, delay, at)");
}

TEST(FaultParser, BadOrdinal_Refused) {
  EXPECT_EQ(error_of("drop syn #0"), "column 10: bad packet number '#0' (allowed: #1, #2, ...)");
  EXPECT_EQ(error_of("drop syn first"),
            "column 10: expected which packet: #N, next or every (got 'first')");
  EXPECT_EQ(error_of("drop syn"),
            "column 9: missing which packet after 'syn' (allowed: #N, next, every)");
}

TEST(FaultParser, DelayWithoutBy_Refused) {
  EXPECT_EQ(error_of("delay fin #1"),
            "column 13: delay needs 'by <duration>', e.g. delay fin #1 by 200ms");
  EXPECT_EQ(error_of("delay fin #1 by 200"),
            "column 17: bad duration '200' (a number with a unit: ns, us, ms, s; e.g. 200ms)");
  EXPECT_EQ(error_of("drop fin #1 by 2ms"), "column 13: 'by' only goes with delay");
}

TEST(FaultParser, BadClauses_Refused) {
  EXPECT_EQ(error_of("drop fin #1 from"), "column 17: 'from' needs a node name");
  EXPECT_EQ(error_of("drop fin #1 from A from B"), "column 20: 'from' given twice");
  EXPECT_EQ(error_of("drop fin #1 via R"),
            "column 13: unexpected 'via' (allowed here: from <node>, to <node>)");
}

TEST(FaultParser, BadTimedValues_Refused) {
  EXPECT_EQ(error_of("at 50ms set loss 1.5"),
            "column 18: bad value '1.5' for loss (a probability in [0, 1])");
  EXPECT_EQ(error_of("at 50ms set colour red"),
            "column 13: unknown key 'colour' (allowed: loss, duplicate, corrupt, reorder, "
            "burst-p, burst-r, burst-loss-good, burst-loss-bad, reorder-delay, delay, rate, mtu, "
            "queue, queue-bytes, ecn-threshold)");
  EXPECT_EQ(error_of("at soon set loss 0.1"),
            "column 4: bad time 'soon' (a number with a unit: ns, us, ms, s; e.g. 50ms)");
  EXPECT_EQ(error_of("at 5ms loss 0.1"), "column 8: expected 'set <key> <value>' after the time");
  EXPECT_EQ(error_of("at 5ms set mtu 20"),
            "column 16: bad value '20' for mtu (a byte count from 68 to 65535)");
}

// The kind of each refusal, for a program that acts on it rather than on the text.
Errc code_of(std::string_view text) {
  auto c = parse_fault_command(text);
  EXPECT_FALSE(c) << text;
  return c ? Errc::BadSyntax : c.error().code;
}

TEST(FaultParser, Errors_NameTheirKind) {
  EXPECT_EQ(code_of("drop synack #1"), Errc::UnknownName);
  EXPECT_EQ(code_of("frob syn #1"), Errc::UnknownName);
  EXPECT_EQ(code_of("at 5ms set lossy 0.1"), Errc::UnknownKey);
  EXPECT_EQ(code_of("drop"), Errc::Missing);
  EXPECT_EQ(code_of("delay fin #1"), Errc::Missing);
  EXPECT_EQ(code_of("drop fin #1 from A from B"), Errc::Duplicate);
  EXPECT_EQ(code_of("delay fin #1 by 0ms"), Errc::OutOfRange);
  EXPECT_EQ(code_of("at 5ms set mtu 20"), Errc::BadValue);
  EXPECT_EQ(code_of("at 5ms loss 0.1"), Errc::BadSyntax);
}

TEST(FaultScript, CheckNames_UnknownNode_RefusedWithList) {
  FaultScript script;
  ASSERT_TRUE(script.add_text("drop data #3 from A to X"));
  std::vector<std::string> names = {"A", "B", "R1"};
  Status s = script.check_names(names);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "drop data #3 from A to X: unknown node 'X' (nodes: A, B, R1)");
  EXPECT_EQ(s.error().code, Errc::UnknownName);
  EXPECT_EQ(s.error().where, "drop data #3 from A to X");
}

TEST(FaultScript, Install_UnknownOrUnlinkedNodes_Refused) {
  Simulator sim;
  Network net(sim, 1);
  auto& a = net.add_node<test::Endpoint>("A");
  auto& b = net.add_node<test::Endpoint>("B");
  net.add_node<test::Endpoint>("C");
  net.connect(a, b, link_5ms());
  FaultScript unknown;
  unknown.add(rule_of("drop syn #1 from Z"));
  EXPECT_EQ(net.install(unknown).error().message,
            "drop syn #1 from Z: unknown node 'Z' (nodes: A, B, C)");
  EXPECT_EQ(net.install(unknown).error().code, Errc::UnknownName);
  FaultScript unlinked;
  unlinked.add(rule_of("drop syn #1 from A to C"));
  EXPECT_EQ(net.install(unlinked).error().message,
            "drop syn #1 from A to C: no link from A to C (a rule naming both ends watches one "
            "link)");
  EXPECT_EQ(net.install(unlinked).error().code, Errc::NoLink);
  FaultScript nowhere;
  nowhere.add(action_of("at 5ms set loss 0.5 from C"));
  EXPECT_EQ(net.install(nowhere).error().code, Errc::NoLink);
  FaultScript bad_state;
  bad_state.add(action_of("at 5ms set reorder 0.5 from A to B"));
  EXPECT_EQ(net.install(bad_state).error().message,
            "at 5ms set reorder 0.5 from A to B: link A->B: reorder needs a reorder delay "
            "greater than 0");
  EXPECT_EQ(net.install(bad_state).error().code, Errc::Conflict);
  EXPECT_EQ(net.scripted_faults(), nullptr);
}

TEST(FaultScript, Install_TimePassed_RefusedAsTooLate) {
  Simulator sim;
  Network net(sim, 1);
  auto& a = net.add_node<test::Endpoint>("A");
  auto& b = net.add_node<test::Endpoint>("B");
  net.connect(a, b, link_5ms());
  sim.run_until(10 * kMillisecond);
  FaultScript late;
  late.add(action_of("at 5ms set loss 0.5"));
  Status s = net.install(late);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::TooLate);
  EXPECT_EQ(s.error().message, "at 5ms set loss 0.5: that time has passed (now 10ms)");
}

// A sends: SYN, then four SYN-ACKs (seq 1..4), then data; only the 2nd SYN-ACK is lost.
TEST(ScriptedFault, DropSecondSynAck_OnlyThatOneLost) {
  Pair p(link_5ms());
  FaultScript script;
  script.add(rule_of("drop syn-ack #2"));
  ASSERT_TRUE(p.net.install(script));
  MemoryTraceSink trace;
  p.net.trace().subscribe(trace);
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kSyn, 0));
  for (std::uint32_t i = 1; i <= 4; ++i) {
    p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kSyn | flag::kAck, i));
  }
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kAck, 5, 100));
  p.sim.run();
  std::vector<std::uint32_t> seqs;
  for (const auto& r : p.b->received) seqs.push_back(r.seq);
  EXPECT_EQ(seqs, (std::vector<std::uint32_t>{0, 1, 3, 4, 5}));
  auto drops = trace.of_type(TraceType::SegmentDropped);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].get_string("cause"), "scripted");
  EXPECT_EQ(drops[0].get_string("rule"), "drop syn-ack #2");
  EXPECT_EQ(drops[0].get_int("seq"), 2);
  EXPECT_EQ(p.net.scripted_faults()->fired(0), 1u);
  EXPECT_EQ(p.net.scripted_faults()->seen(0), 4u);
}

TEST(ScriptedFault, DropDataFromAToB_OtherDirectionUntouched) {
  Pair p(link_5ms());
  FaultScript script;
  ASSERT_TRUE(script.add_text("drop data #3 from A to B"));
  ASSERT_TRUE(p.net.install(script));
  for (std::uint32_t i = 1; i <= 5; ++i) {
    p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kAck, i, 10));
    p.b->send(segment("10.0.0.2", "10.0.0.1", flag::kAck, i, 10));
    p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kAck, 100 + i));  // pure ACKs don't count
  }
  p.sim.run();
  EXPECT_EQ(p.a->received.size(), 5u);
  ASSERT_EQ(p.b->received.size(), 9u);
  for (const auto& r : p.b->received) EXPECT_NE(r.seq, 3u);
  EXPECT_EQ(p.ab().stats().dropped(DropCause::Scripted), 1u);
}

TEST(ScriptedFault, DelayNextFin_ArrivesLater) {
  Pair p(link_5ms());
  FaultScript script;
  ASSERT_TRUE(script.add_text("delay fin #1 by 200ms"));
  ASSERT_TRUE(p.net.install(script));
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kFin | flag::kAck, 1));
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kAck, 2));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 2u);
  EXPECT_EQ(p.b->received[0].seq, 2u);  // the FIN was overtaken
  EXPECT_EQ(p.b->received[1].seq, 1u);
  const Nanos ser = link_5ms().serialization_time(54);
  EXPECT_EQ(p.b->received[1].time, ser + 5 * kMillisecond + 200 * kMillisecond);
  EXPECT_EQ(p.ab().stats().delayed, 1u);
}

TEST(ScriptedFault, EveryRst_AllDropped_FirstMatchingRuleWins) {
  Pair p(link_5ms());
  FaultScript script;
  ASSERT_TRUE(script.add_text("drop rst every"));
  ASSERT_TRUE(script.add_text("delay any #2 by 1s"));
  ASSERT_TRUE(p.net.install(script));
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kAck, 1));
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kRst, 2));  // any #2, but rst every wins
  p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kRst, 3));
  p.sim.run();
  ASSERT_EQ(p.b->received.size(), 1u);
  EXPECT_EQ(p.b->received[0].seq, 1u);
  EXPECT_EQ(p.net.scripted_faults()->seen(1), 3u);
  EXPECT_EQ(p.net.scripted_faults()->fired(1), 0u);
}

TEST(ScriptedFault, PacketKinds_Classified) {
  auto kind_hits = [](std::uint8_t flags, std::size_t payload) {
    Packet pk(segment("10.0.0.1", "10.0.0.2", flags, 0, payload), 1);
    std::string out;
    for (PacketKind k : {PacketKind::Syn, PacketKind::SynAck, PacketKind::Ack, PacketKind::Data,
                         PacketKind::Fin, PacketKind::Rst}) {
      if (matches(k, pk)) out += std::string(to_string(k)) + " ";
    }
    return out;
  };
  EXPECT_EQ(kind_hits(flag::kSyn, 0), "syn ");
  EXPECT_EQ(kind_hits(flag::kSyn | flag::kAck, 0), "syn-ack ");
  EXPECT_EQ(kind_hits(flag::kAck, 0), "ack ");
  EXPECT_EQ(kind_hits(flag::kAck | flag::kPsh, 10), "data ");
  EXPECT_EQ(kind_hits(flag::kFin | flag::kAck, 10), "data fin ");
  EXPECT_EQ(kind_hits(flag::kRst | flag::kAck, 0), "rst ");
}

TEST(ScriptedFault, AtTimeSetLoss_ChangesBehaviourFromThatTime) {
  Pair p(link_5ms());
  FaultScript script;
  ASSERT_TRUE(script.add_text("at 50ms set loss 1"));
  ASSERT_TRUE(p.net.install(script));
  MemoryTraceSink trace;
  p.net.trace().subscribe(trace);
  // One packet every 10 ms from t=0 to t=90 ms.
  for (std::uint32_t i = 0; i < 10; ++i) {
    p.sim.schedule_at(i * 10 * kMillisecond,
                      [&p, i] { p.a->send(segment("10.0.0.1", "10.0.0.2", flag::kAck, i)); });
  }
  p.sim.run();
  // The action was scheduled first, so it runs before the send at exactly 50 ms.
  ASSERT_EQ(p.b->received.size(), 5u);
  EXPECT_EQ(p.b->received.back().seq, 4u);
  EXPECT_DOUBLE_EQ(p.ab().faults().loss, 1.0);
  EXPECT_DOUBLE_EQ(p.ba().faults().loss, 1.0);  // no direction named: every direction
  auto faults = trace.of_type(TraceType::Fault);
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[0].time, 50 * kMillisecond);
  EXPECT_EQ(faults[0].get_string("action"), "at 50ms set loss 1");
}

TEST(ScriptedFault, AtTimeSetRate_OneDirectionOnly) {
  Pair p(link_5ms());
  FaultScript script;
  ASSERT_TRUE(script.add_text("at 1ms set rate 1Mbps from A to B"));
  ASSERT_TRUE(p.net.install(script));
  p.sim.run_until(2 * kMillisecond);
  EXPECT_EQ(p.ab().params().rate_bps, 1'000'000u);
  EXPECT_EQ(p.ba().params().rate_bps, 100'000'000u);
}

}  // namespace
}  // namespace tcpsim::sim
