// What the network lends the parts it builds: each part is handed, once, the few services
// it uses, and keeps no pointer to the Network (which owns the topology, the fault
// scripts and the run's seed, and is none of a link's or a node's business).
#pragma once

#include <cstdint>
#include <vector>

namespace tcpsim::tcp {
class PayloadPool;
}

namespace tcpsim::sim {

class PacketIds;
class PacketReporter;
class Rng;
class ScriptedFaults;
class Simulator;
class Trace;

// Given to a link direction at construction.
struct LinkEnvironment {
  Simulator& scheduler;      // schedules transmitter and arrival events
  PacketReporter& reporter;  // sent, delivered, dropped
  ScriptedFaults& scripted;  // the installed scripted-fault rules (often none)
  PacketIds& packet_ids;     // ids for duplicated packets
  const Rng& rng;            // the root stream the direction forks its faults' streams from
  // Scratch space for serializing one frame at a time (taps, corruption); shared, since
  // frames are built and consumed one after another.
  std::vector<std::uint8_t>& frame_buffer;
};

// Given to a node when it joins a network.
struct NodeEnvironment {
  Simulator& simulator;            // the clock and the agenda, for nodes that keep timers
  Trace& trace;                    // the trace hub (test enabled() before building events)
  PacketReporter& reporter;        // drops inside the node (no route, TTL spent)
  PacketIds& packet_ids;           // ids for packets the node originates
  tcp::PayloadPool& payload_pool;  // payload buffers shared by the hosts' TCP layers
};

}  // namespace tcpsim::sim
