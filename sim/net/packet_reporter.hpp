// Tells the trace and the packet observers what became of each packet: sent onto a link,
// delivered by one, or dropped (by a link or inside a node). Links and routers are handed
// one at construction instead of reaching into the network for it.
#pragma once

#include <string_view>
#include <vector>

#include "sim/net/drop_cause.hpp"
#include "sim/net/fault.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

class LinkDirection;
class Node;
class PacketObserver;
class Trace;
struct Packet;
struct ScriptedRule;

class PacketReporter {
 public:
  explicit PacketReporter(Trace& trace) : trace_(&trace) {}
  PacketReporter(const PacketReporter&) = delete;
  PacketReporter& operator=(const PacketReporter&) = delete;

  // Observers are not owned and must outlive the reporter or be removed.
  void add_observer(PacketObserver& observer);
  void remove_observer(PacketObserver& observer);

  void report_sent(Nanos now, const LinkDirection& link, const Packet& packet, const WireFate& fate,
                   Nanos queued_for);
  void report_delivered(Nanos now, const LinkDirection& link, const Packet& packet);
  // `link` is null for a drop inside a node.
  void report_dropped(Nanos now, const Node& where, const LinkDirection* link, const Packet& packet,
                      DropCause cause, const ScriptedRule* rule = nullptr,
                      std::string_view detail = {});

 private:
  Trace* trace_;
  std::vector<PacketObserver*> observers_;
};

}  // namespace tcpsim::sim
