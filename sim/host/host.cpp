#include "sim/host/host.hpp"

#include <algorithm>
#include <utility>

#include "sim/core/simulator.hpp"
#include "sim/net/environment.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/packet.hpp"
#include "sim/trace/trace.hpp"
#include "stack/tcp/tso.hpp"

namespace tcpsim::sim {

Host::Host(std::string name, const tcp::TcpConfig& config, std::vector<wire::IpAddress> addresses,
           std::uint64_t secret)
    : Node(std::move(name)), stack_(config, secret), addresses_(std::move(addresses)) {
  for (const auto& a : addresses_) stack_.add_address(a);
  stack_.set_observer(this);
  stack_.set_stack_observer(this);
}

Host::~Host() {
  if (fire_place_.valid()) environment().simulator.release(std::move(fire_place_));
}

const wire::IpAddress* Host::address(wire::IpAddress::Family f) const {
  for (const auto& a : addresses_) {
    if (a.family() == f) return &a;
  }
  return nullptr;
}

Nanos Host::now() const {
  return environment().simulator.now();
}

void Host::add_route(const wire::IpAddress& destination, Interface& out) {
  routes_.emplace_back(destination, &out);
}

Interface* Host::route(const wire::IpAddress& dst) {
  for (auto& [addr, iface] : routes_) {
    if (addr == dst) return iface;
  }
  return interface_count() > 0 ? &interface(0) : nullptr;
}

std::string Host::conn_id(const tcp::Connection& c) const {
  return format_conn_id(c.local().addr, c.local().port, c.remote().addr, c.remote().port);
}

const tcp::Connection* Host::sender_of(const Packet& packet) const {
  const wire::TcpRepr& h = packet.tcp();
  return stack_.find_connection(tcp::Endpoint{packet.ip.src, h.src_port},
                                tcp::Endpoint{packet.ip.dst, h.dst_port});
}

void Host::receive(Nanos now, Packet&& packet, Interface&) {
  ++packets_received_;
  bytes_received_ += packet.wire_size();
  if (packet.tcp().has(wire::tcp_flag::kRst)) ++rsts_received_;
  current_packet_ = packet.id;
  stack_.on_segment(now, std::move(packet.ip));
  current_packet_ = 0;
  // Unless the TCP layer took the buffer over, it copied what it keeps: the buffer goes
  // back for the next segment.
  stack_.payload_pool().give(std::move(packet.ip.segment.payload));
  flush();
}

void Host::on_interface_added(Interface&) {
  // Share the network's payload buffers: this host frees what other hosts' segments took.
  stack_.set_payload_pool(environment().payload_pool);
}

void Host::on_event(Nanos now, std::uint64_t) {
  timer_event_ = EventId();
  event_at_ = kNever;
  if (!fire_scheduled_) {
    // An earlier event than the deadline now wanted: go again at the deadline.
    Simulator& sim = environment().simulator;
    timer_event_ = sim.schedule_reserved(fire_at_, std::move(fire_place_), *this, 0);
    event_at_ = fire_at_;
    fire_scheduled_ = true;
    return;
  }
  timer_at_ = kNever;
  fire_at_ = kNever;
  fire_scheduled_ = false;
  stack_.on_timer(now);
  flush();
}

void Host::flush() {
  if (flushing_ || !in_network()) return;
  flushing_ = true;
  Nanos now = this->now();
  // Sending may make room for an application callback that writes again: poll until
  // the layer has nothing more (bounded, in case an application misbehaves).
  for (int round = 0; round < 64; ++round) {
    out_.clear();
    const std::uint64_t callbacks = stack_.callbacks_run();
    stack_.poll_transmit(now, out_);
    // Without an application callback since the segments were collected, polling again
    // could find nothing new.
    const bool again = stack_.callbacks_run() != callbacks;
    if (out_.empty()) break;
    // The interface segments TSO super-segments (TcpConfig::tso) before the wire.
    tcp::gso_segment_all(out_);
    for (tcp::IpSegment& s : out_) {
      Interface* iface = route(s.dst);
      if (iface == nullptr || !iface->connected()) continue;
      ++packets_sent_;
      Packet p = environment().packet_ids.make(std::move(s));
      bytes_sent_ += p.wire_size();
      iface->send(now, std::move(p));
    }
    if (!again) break;
  }
  flushing_ = false;
  rearm();
}

void Host::rearm() {
  Nanos deadline = stack_.next_deadline();
  if (deadline == timer_at_) return;
  Simulator& sim = environment().simulator;
  timer_at_ = deadline;
  if (deadline == kNever) {
    // Nothing to wait for: no event may stay behind (it would move the clock on).
    if (event_at_ != kNever) sim.cancel(timer_event_);
    sim.release(std::move(fire_place_));
    event_at_ = kNever;
    fire_at_ = kNever;
    fire_scheduled_ = false;
    return;
  }
  // A place reserved for an earlier deadline is given up for one taken now.
  sim.release(std::move(fire_place_));
  fire_at_ = std::max(deadline, sim.now());
  fire_place_ = sim.reserve();
  fire_scheduled_ = false;
  // A pending event no later than the deadline will schedule the deadline when it fires.
  if (event_at_ != kNever && event_at_ <= fire_at_) return;
  if (event_at_ != kNever) sim.cancel(timer_event_);
  timer_event_ = sim.schedule_reserved(fire_at_, std::move(fire_place_), *this, 0);
  event_at_ = fire_at_;
  fire_scheduled_ = true;
}

std::uint64_t Host::retransmissions(const std::string& conn_id) const {
  auto it = retransmissions_.find(conn_id);
  return it == retransmissions_.end() ? 0 : it->second;
}

void Host::on_state(const tcp::Connection& c, Nanos now, tcp::State from, tcp::State to,
                    std::string_view rule) {
  states_entered_.push_back(to);
  for (HostListener* l : listeners_)
    l->on_transition(now, *this, c, from, to, rule, current_packet_);
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  t.emit(TraceEvent(now, TraceType::State, name(), conn_id(c))
             .add("from", std::string(tcp::to_string(from)))
             .add("to", std::string(tcp::to_string(to)))
             .add("rule", std::string(rule)));
}

void Host::on_timer(const tcp::Connection& c, Nanos now, tcp::TimerKind k, tcp::TimerAction a,
                    Nanos deadline) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  TraceType type = a == tcp::TimerAction::Set         ? TraceType::TimerSet
                   : a == tcp::TimerAction::Cancelled ? TraceType::TimerCancelled
                                                      : TraceType::TimerFired;
  t.emit(TraceEvent(now, type, name(), conn_id(c))
             .add("timer", std::string(tcp::to_string(k)))
             .add("deadline_ns", deadline));
}

void Host::on_cwnd(const tcp::Connection& c, Nanos now, std::uint32_t cwnd, std::uint32_t ssthresh,
                   std::uint32_t in_flight, std::uint32_t pipe) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  t.emit(TraceEvent(now, TraceType::Cwnd, name(), conn_id(c))
             .add("cwnd", cwnd)
             .add("ssthresh", ssthresh)
             .add("in_flight", in_flight)
             .add("pipe", pipe));
}

void Host::on_rtt(const tcp::Connection& c, Nanos now, Nanos sample, Nanos srtt, Nanos rttvar,
                  Nanos rto) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  t.emit(TraceEvent(now, TraceType::Rtt, name(), conn_id(c))
             .add("sample_ns", sample)
             .add("srtt_ns", srtt)
             .add("rttvar_ns", rttvar)
             .add("rto_ns", rto));
}

void Host::on_drop(const tcp::Connection& c, Nanos now, const tcp::Segment& s, tcp::DropReason r) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  t.emit(TraceEvent(now, TraceType::SegmentDropped, name(), conn_id(c))
             .add("cause", std::string(tcp::to_string(r)))
             .add("by", std::string("tcp"))
             .add("flags", wire::flags_to_string(s.header.flags))
             .add("seq", s.header.seq)
             .add("len", s.payload.size()));
}

void Host::on_retransmit(const tcp::Connection& c, Nanos now, std::uint32_t seq, std::uint32_t len,
                         std::string_view why) {
  ++retransmissions_[conn_id(c)];
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  t.emit(TraceEvent(now, TraceType::Note, name(), conn_id(c))
             .add("what", std::string("retransmit"))
             .add("why", std::string(why))
             .add("seq", seq)
             .add("len", len));
}

void Host::on_unmatched(Nanos now, const tcp::IpSegment& s, tcp::DropReason r, bool answered) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  t.emit(
      TraceEvent(now, TraceType::SegmentDropped, name(),
                 format_conn_id(s.dst, s.segment.header.dst_port, s.src, s.segment.header.src_port))
          .add("cause", std::string(tcp::to_string(r)))
          .add("by", std::string("tcp"))
          .add("answered_rst", answered));
}

namespace {

// The fields both SYN cookie events carry: the cookie (the server's ISN) and what it keeps
// of the client's SYN.
TraceEvent& add_cookie(TraceEvent& e, std::uint32_t isn, const tcp::CookieOptions& o) {
  return e.add("isn", isn)
      .add("mss", o.mss)
      .add("wscale", o.wscale_ok ? static_cast<int>(o.snd_wscale) : -1)
      .add("sack", o.sack_ok);
}

}  // namespace

void Host::on_syn_cookie_sent(Nanos now, const tcp::IpSegment& syn, std::uint32_t isn,
                              const tcp::CookieOptions& opts) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  const wire::TcpRepr& h = syn.segment.header;
  TraceEvent e(now, TraceType::SynCookieSent, name(),
               format_conn_id(syn.dst, h.dst_port, syn.src, h.src_port));
  t.emit(std::move(add_cookie(e, isn, opts)));
}

void Host::on_syn_cookie_accepted(Nanos now, const tcp::Connection& c,
                                  const tcp::CookieOptions& opts) {
  Trace& t = environment().trace;
  if (!t.enabled()) return;
  TraceEvent e(now, TraceType::SynCookieAccepted, name(), conn_id(c));
  t.emit(std::move(add_cookie(e, c.info().iss, opts)));
}

}  // namespace tcpsim::sim
