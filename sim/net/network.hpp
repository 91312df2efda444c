// The simulated network: owns the nodes and the links between them, hands out packet
// ids, holds the run's seed (each link direction forks its random streams from it), the
// trace hub, installed fault scripts and packet observers. Links and nodes get only the
// services they use (environment.hpp), never the Network itself.
//
//   Simulator sim;
//   Network net(sim, /*seed=*/1);
//   auto& a = net.add_node<MyHost>("A", ...);
//   auto& b = net.add_node<MyHost>("B", ...);
//   net.connect(LinkParams{.rate_bps = 10'000'000, .delay = 5 * kMillisecond}, a, b);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/net/drop_cause.hpp"
#include "sim/net/environment.hpp"
#include "sim/net/fault.hpp"
#include "sim/net/link_params.hpp"
#include "sim/net/packet.hpp"
#include "sim/net/packet_reporter.hpp"
#include "sim/net/scripted_fault.hpp"
#include "sim/net/status.hpp"
#include "sim/trace/trace.hpp"
#include "stack/tcp/payload_pool.hpp"

namespace tcpsim::sim {

class Interface;
class Link;
class LinkDirection;
class Node;
class PacketObserver;
class Simulator;

class Network {
 public:
  Network(Simulator& simulator, std::uint64_t seed);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Simulator& simulator() const { return *sim_; }
  Trace& trace() { return trace_; }
  std::uint64_t seed() const { return rng_.key(); }
  // The root stream; fork() it by a stable name for a new random consumer.
  const Rng& rng() const { return rng_; }

  // Constructs a node in place. Names must be unique and non-empty
  // (std::invalid_argument otherwise).
  template <class T, class... Args>
  T& add_node(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *node;
    adopt(std::move(node));
    return ref;
  }
  Node& adopt(std::unique_ptr<Node> node);

  // Gives each node a new interface and links them. Invalid params: std::invalid_argument
  // with LinkParams::validate's text (call validate first to get it without throwing).
  Link& connect(Node& a, Node& b, const LinkParams& a_to_b, const LinkParams& b_to_a);
  Link& connect(Node& a, Node& b, const LinkParams& both) { return connect(a, b, both, both); }

  Node* find_node(std::string_view name) const;
  std::vector<std::string> node_names() const;  // in the order added
  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Link>>& links() const { return links_; }
  // Link directions leaving `from` and arriving at `to`; an empty name matches any node.
  std::vector<LinkDirection*> directions(std::string_view from, std::string_view to) const;

  std::uint64_t next_packet_id() { return packet_ids_.next(); }
  Packet make_packet(tcp::IpSegment segment) { return packet_ids_.make(std::move(segment)); }

  // Checks the script against this network (known names, rules naming both ends need a
  // link between them, every parameter a timed action leads to is valid), then arms
  // its rules and schedules its timed actions. Nothing is installed on error.
  Status install(const FaultScript& script);
  ScriptedFaults* scripted_faults() { return scripted_.empty() ? nullptr : &scripted_; }

  // Observers are not owned and must outlive the network or be removed.
  void add_observer(PacketObserver& observer) { reporter_.add_observer(observer); }
  void remove_observer(PacketObserver& observer) { reporter_.remove_observer(observer); }

  // Payload buffers shared by the hosts' TCP layers (see tcp::PayloadPool).
  tcp::PayloadPool& payload_pool() { return payload_pool_; }

 private:
  void apply_timed(Nanos now, const TimedAction& action);

  Simulator* sim_;
  Rng rng_;
  Trace trace_;
  PacketReporter reporter_{trace_};
  ScriptedFaults scripted_;
  PacketIds packet_ids_;
  std::vector<std::uint8_t> frame_buffer_;
  tcp::PayloadPool payload_pool_;
  LinkEnvironment link_env_;
  NodeEnvironment node_env_;
  // Declared last: links and nodes hold references into the services above.
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, Node*, std::less<>> nodes_by_name_;
  std::vector<std::unique_ptr<Link>> links_;
};

}  // namespace tcpsim::sim
