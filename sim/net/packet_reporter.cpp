#include "sim/net/packet_reporter.hpp"

#include <algorithm>

#include "sim/net/interface.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"
#include "sim/net/packet_observer.hpp"
#include "sim/net/scripted_fault.hpp"
#include "sim/trace/trace.hpp"
#include "stack/tcp/connection.hpp"

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

// The sending connection's TCB as the frame starts on the wire (see trace-format.md).
void add_sender_tcb(TraceEvent& e, const Node& sender, const Packet& packet) {
  const tcp::Connection* c = sender.sender_of(packet);
  if (c == nullptr) return;
  const tcp::TcbInfo i = c->info();
  e.add("state", tcp::to_string(i.state))
      .add("cwnd", i.cwnd)
      .add("ssthresh", i.ssthresh)
      .add("pipe", i.pipe)
      .add("in_flight", i.in_flight)
      .add("srtt_ns", i.srtt)
      .add("rto_ns", i.rto)
      .add("snd_una", i.snd_una)
      .add("snd_nxt", i.snd_nxt)
      .add("rwnd", i.snd_wnd);
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
    add_sender_tcb(e, link.from().owner(), packet);
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
