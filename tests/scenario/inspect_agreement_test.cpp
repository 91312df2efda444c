// Agreement of `tcpsim inspect` with the simulator: every built-in scenario runs with a
// capture and an in-memory trace; the states inspect infers from the capture alone must be,
// endpoint by endpoint (matched by connection id), the state changes the simulator
// recorded. The one rule applied to every scenario alike (docs/inspect.md): transitions
// caused by a timeout (RFC 9293 §3.10.8: the 2*MSL TIME-WAIT timer, user and keep-alive
// timeouts) put nothing on the wire, so the simulator's are left out of the comparison.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/inspect/inspector.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/memory_sink.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

using Sequences = std::map<std::string, std::vector<std::string>>;

// Smaller transfers for the big scenarios, so the test stays quick in a Debug build.
std::vector<Override> overrides_for(std::string_view name) {
  if (name == "bulk") return {{"bytes", "2MB"}};
  if (name == "dumbbell") return {{"bytes", "4MB"}, {"flows", "4"}};
  return {};
}

bool seen_on_the_wire(const TraceEvent& e) {
  return e.get_string("rule").value_or("").find("§3.10.8") == std::string::npos;
}

Sequences state_sequences(const std::vector<TraceEvent>& events, bool simulator) {
  Sequences out;
  for (const TraceEvent& e : events) {
    if (e.type != TraceType::State) continue;
    if (simulator && !seen_on_the_wire(e)) continue;
    out[e.conn].push_back(e.get_string("from").value_or("?") + "->" +
                          e.get_string("to").value_or("?"));
  }
  return out;
}

std::string capture_path(std::string_view name) {
  return (std::filesystem::temp_directory_path() /
          ("tcpsim_" + std::to_string(::getpid()) + "_agree_" + std::string(name) + ".pcap"))
      .string();
}

class InspectAgreement : public ::testing::TestWithParam<std::size_t> {};

TEST_P(InspectAgreement, InferredStatesAreTheSimulatorsForEveryEndpoint) {
  const BuiltinScenario& b = builtin_scenarios()[GetParam()];
  auto run = testing::build(b.text, overrides_for(b.name));
  ASSERT_NE(run, nullptr);
  std::string pcap = capture_path(b.name);
  ASSERT_TRUE(run->capture_to(pcap).ok());
  MemoryTraceSink trace;
  run->trace().subscribe(trace);
  run->run();
  run->finish();

  auto inspected = inspect::inspect_capture(pcap);
  std::filesystem::remove(pcap);
  ASSERT_TRUE(inspected.ok()) << inspected.error().message;
  EXPECT_TRUE(inspected->read_error.empty()) << inspected->read_error;
  Sequences want = state_sequences(trace.events(), true);
  Sequences got = state_sequences(inspected->events, false);
  ASSERT_FALSE(want.empty()) << b.name << ": the simulator recorded no state change";
  EXPECT_EQ(got.size(), want.size()) << b.name << ": endpoints";
  for (const auto& [conn, seq] : want) {
    EXPECT_EQ(got[conn], seq) << b.name << ": " << conn;
  }
  std::size_t changes = 0;
  for (const auto& [conn, seq] : want) changes += seq.size();
  RecordProperty("endpoints", static_cast<int>(want.size()));
  RecordProperty("changes", static_cast<int>(changes));
}

INSTANTIATE_TEST_SUITE_P(Scenario, InspectAgreement,
                         ::testing::Range<std::size_t>(0, builtin_scenarios().size()),
                         testing::builtin_param_name);

}  // namespace
}  // namespace tcpsim::sim
