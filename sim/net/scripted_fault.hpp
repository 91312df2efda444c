// Faults a scenario names exactly: "drop the 1st SYN-ACK", "delay the next FIN by
// 200 ms", "at 50 ms set loss to 0.05".
//
// Text form (one command per line; the scenario loader adds file:line to errors):
//   drop  <kind> <which>             [from <node>] [to <node>]
//   delay <kind> <which> by <dur>    [from <node>] [to <node>]
//   at <dur> set <key> <value>       [from <node>] [to <node>]
// kind:  syn, syn-ack, ack (pure ACK: no payload, no SYN/FIN/RST), data (payload > 0),
//        fin, rst, any
// which: #N (the Nth matching packet, from 1), next (= #1), every
// key:   a [[link]] key of sim/net/link_keys.hpp with '-' for '_': loss, duplicate,
//        corrupt, reorder, burst-p, burst-r, burst-loss-good, burst-loss-bad
//        (probabilities); reorder-delay, delay (durations); rate (e.g. 10Mbps); mtu, queue
//        (counts); queue-bytes (e.g. 64KB)
//
// Matching. Rules see packets as their transmission onto a link starts (the point where
// random faults act too; egress captures still show the packet). A rule naming `from`
// and/or `to` watches the link directions between those nodes, at any hop. A rule
// naming neither watches each packet once, on the first link it crosses (as its sender
// puts it on the wire), so "drop syn-ack #1" means the first SYN-ACK sent, however many
// routers it would cross. Every rule counts every packet it watches that matches its
// kind; the first rule, in script order, whose count hits its `which` decides what
// happens to the packet; the others still count it.
//
// Timed actions change link directions' parameters at a simulated time: the directions
// between `from` and `to`, or every direction of the network when neither is named.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/net/fault.hpp"
#include "sim/net/link_keys.hpp"
#include "sim/net/link_params.hpp"
#include "sim/net/status.hpp"
#include "stack/base/result.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

struct Packet;

enum class PacketKind : std::uint8_t { Any, Syn, SynAck, Ack, Data, Fin, Rst };

std::string_view to_string(PacketKind kind);
std::optional<PacketKind> parse_packet_kind(std::string_view text);
bool matches(PacketKind kind, const Packet& packet);

struct ScriptedRule {
  enum class Action : std::uint8_t { Drop, Delay };

  Action action = Action::Drop;
  PacketKind kind = PacketKind::Any;
  std::uint32_t ordinal = 1;  // the Nth matching packet (1-based); 0 = every one
  Nanos delay = 0;            // kDelay: added to the packet's propagation delay
  std::string from;           // node names; empty = any
  std::string to;

  // The text form, e.g. "drop data #3 from A to B".
  std::string to_string() const;
};

// SetKey, the parameters a timed action sets, is in sim/net/link_keys.hpp.
std::string_view to_string(SetKey key);

struct TimedAction {
  Nanos at = 0;
  SetKey key = SetKey::Loss;
  double probability = 0;   // for the probability keys
  std::int64_t amount = 0;  // delays in ns, rate in bps, mtu/queue in packets or bytes
  std::string from;
  std::string to;

  void apply(LinkParams& link, FaultParams& faults) const;
  // The text form, e.g. "at 50ms set loss 0.05".
  std::string to_string() const;
};

using FaultCommand = std::variant<ScriptedRule, TimedAction>;

struct FaultParseError {
  Errc code = Errc::BadSyntax;  // the rule broken
  std::size_t column = 1;       // 1-based, of the offending word
  std::string message;          // what is wrong and what is allowed

  // "column 6: unknown packet kind 'synack' (allowed: ...)".
  std::string to_string() const;
};

// Parses one command in the text form above.
Result<FaultCommand, FaultParseError> parse_fault_command(std::string_view line);

// The commands of one scenario, in order. Network::install puts them to work.
class FaultScript {
 public:
  void add(ScriptedRule rule) { rules_.push_back(std::move(rule)); }
  void add(TimedAction action) { timed_.push_back(std::move(action)); }
  void add(FaultCommand command);
  // Parses and adds one text command.
  Result<std::monostate, FaultParseError> add_text(std::string_view line);

  const std::vector<ScriptedRule>& rules() const { return rules_; }
  const std::vector<TimedAction>& timed() const { return timed_; }
  bool empty() const { return rules_.empty() && timed_.empty(); }

  // Refuses any node name not in `known`, before anything runs:
  // "drop data #3 from A to X: unknown node 'X' (nodes: A, B, R1)".
  Status check_names(std::span<const std::string> known) const;

 private:
  std::vector<ScriptedRule> rules_;
  std::vector<TimedAction> timed_;
};

// The installed rules with their counters, matched by link directions at transmit time.
class ScriptedFaults {
 public:
  // `from_node`/`to_node` are Node::index() values, 0 for any.
  void add(const ScriptedRule& rule, std::uint32_t from_node, std::uint32_t to_node);
  bool empty() const { return rules_.empty(); }

  // Counts the packet against every rule watching it; returns the rule that acts on it.
  const ScriptedRule* match(const Packet& packet, std::uint32_t from_node, std::uint32_t to_node);

  std::size_t size() const { return rules_.size(); }
  const ScriptedRule& rule(std::size_t i) const { return rules_[i].rule; }
  std::uint64_t seen(std::size_t i) const { return rules_[i].seen; }  // matching packets
  std::uint64_t fired(std::size_t i) const { return rules_[i].fired; }

 private:
  struct Bound {
    ScriptedRule rule;
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::uint64_t seen = 0;
    std::uint64_t fired = 0;
  };
  std::vector<Bound> rules_;
};

}  // namespace tcpsim::sim
