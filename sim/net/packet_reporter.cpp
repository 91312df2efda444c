#include "sim/net/packet_reporter.hpp"

#include <algorithm>

#include "sim/net/interface.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"
#include "sim/net/packet_observer.hpp"
#include "sim/net/scripted_fault.hpp"
#include "sim/trace/trace.hpp"

namespace tcpsim::sim {
namespace {

TraceEvent segment_event(Nanos now, TraceType type, const Node& host, const Packet& packet) {
  const wire::TcpRepr& h = packet.tcp();
  TraceEvent e(now, type, host.name(),
               format_conn_id(packet.ip.src, h.src_port, packet.ip.dst, h.dst_port));
  e.add("id", packet.id)
      .add("flags", wire::flags_to_string(h.flags))
      .add("seq", h.seq)
      .add("ack", h.ack)
      .add("len", packet.payload_size());
  return e;
}

}  // namespace

void PacketReporter::add_observer(PacketObserver& observer) {
  if (std::find(observers_.begin(), observers_.end(), &observer) == observers_.end()) {
    observers_.push_back(&observer);
  }
}

void PacketReporter::remove_observer(PacketObserver& observer) {
  std::erase(observers_, &observer);
}

void PacketReporter::report_sent(Nanos now, const LinkDirection& link, const Packet& packet,
                                 const WireFate& fate, Nanos queued_for) {
  if (trace_->enabled()) {
    TraceEvent e = segment_event(now, TraceType::SegmentSent, link.from().owner(), packet);
    e.add("link", link.name()).add("wire_bytes", packet.wire_size()).add("queued_ns", queued_for);
    if (fate.extra_delay > 0 && !fate.drop) e.add("extra_delay_ns", fate.extra_delay);
    if (fate.corrupt && !fate.drop) e.add("corrupted", true);
    if (fate.duplicate && !fate.drop) e.add("duplicated", true);
    trace_->emit(e);
  }
  for (PacketObserver* o : observers_) o->on_sent(now, link, packet);
}

void PacketReporter::report_delivered(Nanos now, const LinkDirection& link, const Packet& packet) {
  if (trace_->enabled()) {
    TraceEvent e = segment_event(now, TraceType::SegmentDelivered, link.to().owner(), packet);
    e.add("link", link.name());
    trace_->emit(e);
  }
  for (PacketObserver* o : observers_) o->on_delivered(now, link, packet);
}

void PacketReporter::report_dropped(Nanos now, const Node& where, const LinkDirection* link,
                                    const Packet& packet, DropCause cause, const ScriptedRule* rule,
                                    std::string_view detail) {
  if (trace_->enabled()) {
    TraceEvent e = segment_event(now, TraceType::SegmentDropped, where, packet);
    if (link != nullptr) e.add("link", link->name());
    e.add("cause", to_string(cause));
    if (rule != nullptr) e.add("rule", rule->to_string());
    if (!detail.empty()) e.add("detail", detail);
    trace_->emit(e);
  }
  for (PacketObserver* o : observers_) o->on_dropped(now, where, link, packet, cause);
}

}  // namespace tcpsim::sim
