#include "sim/inspect/connection_follower.hpp"

#include <fmt/core.h>

#include "sim/inspect/flow_checks.hpp"

namespace tcpsim::sim::inspect {
namespace {

using tcp::State;
using wire::tcp_flag::kAck;
using wire::tcp_flag::kFin;
using wire::tcp_flag::kRst;
using wire::tcp_flag::kSyn;

bool known_and(const std::optional<State>& s, std::initializer_list<State> any) {
  if (!s) return false;
  for (State x : any) {
    if (*s == x) return true;
  }
  return false;
}

}  // namespace

std::string endpoint_name(const wire::IpAddress& addr, std::uint16_t port) {
  if (addr.is_v4()) return fmt::format("{}:{}", addr.to_string(), port);
  return fmt::format("[{}]:{}", addr.to_string(), port);
}

ConnectionFollower::ConnectionFollower(const DecodedSegment& first, std::vector<TraceEvent>& out)
    : out_(&out) {
  ends_[0].addr = first.src;
  ends_[0].port = first.tcp.src_port;
  ends_[1].addr = first.dst;
  ends_[1].port = first.tcp.dst_port;
  for (Endpoint& e : ends_) e.name = endpoint_name(e.addr, e.port);
  first_ = first.time;
}

int ConnectionFollower::side_of(const DecodedSegment& s) const {
  if (s.src == ends_[0].addr && s.tcp.src_port == ends_[0].port && s.dst == ends_[1].addr &&
      s.tcp.dst_port == ends_[1].port) {
    return 0;
  }
  if (s.src == ends_[1].addr && s.tcp.src_port == ends_[1].port && s.dst == ends_[0].addr &&
      s.tcp.dst_port == ends_[0].port) {
    return 1;
  }
  return -1;
}

bool ConnectionFollower::matches(const DecodedSegment& s) const {
  return side_of(s) >= 0;
}

bool ConnectionFollower::ended_for(const DecodedSegment& syn) const {
  for (const Endpoint& e : ends_) {
    if (e.state && !known_and(e.state, {State::Closed, State::TimeWait})) return false;
  }
  const Endpoint& sender = ends_[static_cast<std::size_t>(side_of(syn))];
  return !sender.out.syn_seen || sender.out.iss != SeqNum(syn.tcp.seq);
}

ConnectionFollower::Endpoint& ConnectionFollower::peer_of(const Endpoint& e) {
  return &e == ends_.data() ? ends_[1] : ends_[0];
}

void ConnectionFollower::set_state(const DecodedSegment& at, Endpoint& e, State from, State to,
                                   const std::string& rule) {
  e.state = to;
  if (e.path.empty()) e.path.push_back(from);
  e.path.push_back(to);
  Endpoint& peer = peer_of(e);
  // Stamped with the frame that shows the change, so that events stay in capture order.
  TraceEvent ev(now_, TraceType::State, e.name, e.name + ">" + peer.name);
  ev.add("from", std::string(tcp::to_string(from)))
      .add("to", std::string(tcp::to_string(to)))
      .add("rule", rule)
      .add("frame", now_frame_)
      .add("cause", at.frame);
  out_->push_back(std::move(ev));
}

void ConnectionFollower::anomaly(const DecodedSegment& at, const Anomaly& a) {
  ++anomalies_;
  TraceEvent ev(at.time, TraceType::Note, endpoint_name(at.src, at.tcp.src_port),
                format_conn_id(at.src, at.tcp.src_port, at.dst, at.tcp.dst_port));
  ev.add("what", "anomaly")
      .add("kind", std::string(to_string(a.kind)))
      .add("frame", a.frame)
      .add("detail", a.detail);
  out_->push_back(std::move(ev));
}

// The capture starts after the handshake: both ends are taken as ESTABLISHED; after a
// SYN,ACK alone, its receiver as SYN-SENT.
void ConnectionFollower::start_mid_stream(const DecodedSegment& s, int from) {
  Endpoint& sender = ends_[static_cast<std::size_t>(from)];
  Endpoint& receiver = peer_of(sender);
  if (s.has(kSyn)) {
    receiver.state = State::SynSent;
    receiver.out.started = true;
    receiver.out.syn_seen = true;
    receiver.out.iss = SeqNum(s.tcp.ack) - 1;
    receiver.out.snd_max = SeqNum(s.tcp.ack);
    receiver.assumed = true;
    receiver.path.push_back(State::SynSent);
    anomaly(s, Anomaly{AnomalyKind::MissingHandshake, s.frame, s.time,
                       "the capture starts at the SYN,ACK: " + receiver.name +
                           " is taken as SYN-SENT"});
    return;
  }
  for (Endpoint& e : ends_) {
    e.state = State::Established;
    e.assumed = true;
    e.path.push_back(State::Established);
  }
  anomaly(s, Anomaly{AnomalyKind::MissingHandshake, s.frame, s.time,
                     "the capture starts after the handshake: both ends are taken as "
                     "ESTABLISHED; window scaling is unknown, so windows are not checked"});
}

void ConnectionFollower::on_segment(const DecodedSegment& s) {
  int from = side_of(s);
  if (from < 0) return;
  Endpoint& sender = ends_[static_cast<std::size_t>(from)];
  Endpoint& receiver = peer_of(sender);
  TraceEvent seg(s.time, TraceType::SegmentSent, sender.name,
                 format_conn_id(s.src, s.tcp.src_port, s.dst, s.tcp.dst_port));
  seg.add("id", s.frame)
      .add("flags", wire::flags_to_string(s.tcp.flags))
      .add("seq", s.tcp.seq)
      .add("ack", s.tcp.ack)
      .add("len", s.len)
      .add("link", "capture")
      .add("win", s.tcp.window);
  out_->push_back(std::move(seg));
  if (!any_) {
    bool opening = s.has(kSyn) && !s.has(kAck);
    handshake_seen_ = opening;
    if (!opening) start_mid_stream(s, from);
  }
  any_ = true;
  last_ = s.time;
  now_ = s.time;
  now_frame_ = s.frame;
  bool new_fin = s.has(kFin) && !sender.out.fin;
  SeqNum sender_next = sender.out.snd_max;
  bool sender_started = sender.out.started;
  std::vector<Anomaly> found;
  check_segment(s, sender.out, receiver.out, found);
  for (const Anomaly& a : found) anomaly(s, a);
  if (s.has(kAck)) deliver_covered(from, SeqNum(s.tcp.ack));
  if (s.has(kRst)) {
    on_reset(s, from, sender_started ? sender_next : SeqNum(s.tcp.seq));
    return;
  }
  on_sent(s, from, new_fin);
  if (s.seq_space() == 0) {
    deliver_all(1 - from);
    deliver(s, 1 - from);
  } else {
    receiver.inbound.push(s);
  }
}

// What sending the segment says about its sender (RFC 9293 §3.10.1, §3.10.4).
void ConnectionFollower::on_sent(const DecodedSegment& s, int from, bool new_fin) {
  Endpoint& e = ends_[static_cast<std::size_t>(from)];
  if (s.has(kSyn) && !s.has(kAck) && (!e.state || *e.state == State::Closed)) {
    set_state(s, e, State::Closed, State::SynSent,
              "RFC 9293 §3.10.1 (inferred): it sent a SYN: active OPEN, enter SYN-SENT");
  } else if (s.has(kSyn) && s.has(kAck) && !e.state) {
    set_state(s, e, State::Listen, State::SynReceived,
              "RFC 9293 §3.10.7.2 (inferred): it answered a SYN with SYN,ACK without sending a "
              "SYN first: it was in LISTEN (passive OPEN) and is now in SYN-RECEIVED");
  }
  if (!new_fin || !e.state) return;
  switch (*e.state) {
    case State::SynReceived:
    case State::Established:
      set_state(s, e, *e.state, State::FinWait1,
                "RFC 9293 §3.10.4 (inferred): it sent a FIN: CLOSE, enter FIN-WAIT-1");
      break;
    case State::CloseWait:
      set_state(s, e, State::CloseWait, State::LastAck,
                "RFC 9293 §3.10.4 (inferred): CLOSE-WAIT, it sent a FIN: CLOSE, enter LAST-ACK");
      break;
    default:
      break;
  }
}

}  // namespace tcpsim::sim::inspect
