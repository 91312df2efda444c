// The receiving half of the observer's state machine: what a segment does to the end it
// reaches (RFC 9293 §3.10.7), and RSTs with their acceptability (RFC 5961 §3.2).
#include <fmt/core.h>

#include "sim/inspect/connection_follower.hpp"

namespace tcpsim::sim::inspect {
namespace {

using tcp::State;
using wire::tcp_flag::kAck;
using wire::tcp_flag::kFin;
using wire::tcp_flag::kSyn;

}  // namespace

void ConnectionFollower::deliver_covered(int to, SeqNum ack) {
  ends_[static_cast<std::size_t>(to)].inbound.take_covered(
      ack, [&](const DecodedSegment& s) { deliver(s, to); });
}

void ConnectionFollower::deliver_all(int to) {
  ends_[static_cast<std::size_t>(to)].inbound.take_all(
      [&](const DecodedSegment& s) { deliver(s, to); });
}

void ConnectionFollower::deliver(const DecodedSegment& s, int to) {
  Endpoint& e = ends_[static_cast<std::size_t>(to)];
  if (!e.state) return;  // nothing seen shows this end's state: nothing to infer
  if (s.has(kSyn)) {
    deliver_syn(s, e);
    return;
  }
  if (s.has(kAck)) deliver_ack(s, e);
  if (s.has(kFin)) deliver_fin(s, e);
}

void ConnectionFollower::deliver_syn(const DecodedSegment& s, Endpoint& e) {
  bool acks_our_syn = s.has(kAck) && e.out.syn_seen && SeqNum(s.tcp.ack) == e.out.iss + 1;
  if (*e.state == State::SynSent && !s.has(kAck)) {
    set_state(s, e, State::SynSent, State::SynReceived,
              "RFC 9293 §3.10.7.3 (inferred): SYN-SENT, a SYN without ACK reached it: "
              "simultaneous open, enter SYN-RECEIVED");
  } else if (*e.state == State::SynSent && acks_our_syn) {
    set_state(s, e, State::SynSent, State::Established,
              "RFC 9293 §3.10.7.3 (inferred): SYN-SENT, a SYN,ACK acknowledging its SYN "
              "reached it: enter ESTABLISHED");
  } else if (*e.state == State::SynReceived && acks_our_syn) {
    set_state(s, e, State::SynReceived, State::Established,
              "RFC 9293 §3.10.7.4 (inferred): SYN-RECEIVED, a SYN,ACK acknowledging its SYN "
              "reached it (simultaneous open): enter ESTABLISHED");
  }
}

void ConnectionFollower::deliver_ack(const DecodedSegment& s, Endpoint& e) {
  SeqNum ack(s.tcp.ack);
  if (*e.state == State::SynReceived && e.out.syn_seen && ack > e.out.iss) {
    set_state(s, e, State::SynReceived, State::Established,
              "RFC 9293 §3.10.7.4 (inferred): SYN-RECEIVED, an ACK of its SYN reached it: "
              "enter ESTABLISHED");
  }
  if (!e.out.fin || ack <= *e.out.fin) return;
  switch (*e.state) {
    case State::FinWait1:
      set_state(s, e, State::FinWait1, State::FinWait2,
                "RFC 9293 §3.10.7.4 (inferred): FIN-WAIT-1, an ACK of its FIN reached it: "
                "enter FIN-WAIT-2");
      break;
    case State::Closing:
      set_state(s, e, State::Closing, State::TimeWait,
                "RFC 9293 §3.10.7.4 (inferred): CLOSING, an ACK of its FIN reached it: enter "
                "TIME-WAIT");
      break;
    case State::LastAck:
      set_state(s, e, State::LastAck, State::Closed,
                "RFC 9293 §3.10.7.4 (inferred): LAST-ACK, an ACK of its FIN reached it: enter "
                "CLOSED");
      break;
    default:
      break;
  }
}

void ConnectionFollower::deliver_fin(const DecodedSegment& s, Endpoint& e) {
  if (e.fin_received) return;
  e.fin_received = true;
  switch (*e.state) {
    case State::SynReceived:
    case State::Established:
      set_state(s, e, *e.state, State::CloseWait,
                "RFC 9293 §3.10.7.4 (inferred): the peer's FIN reached it: enter CLOSE-WAIT");
      break;
    case State::FinWait1:
      set_state(s, e, State::FinWait1, State::Closing,
                "RFC 9293 §3.10.7.4 (inferred): FIN-WAIT-1, the peer's FIN reached it before "
                "an ACK of its own: simultaneous close, enter CLOSING");
      break;
    case State::FinWait2:
      set_state(s, e, State::FinWait2, State::TimeWait,
                "RFC 9293 §3.10.7.4 (inferred): FIN-WAIT-2, the peer's FIN reached it: enter "
                "TIME-WAIT");
      break;
    default:
      break;
  }
}

// A RST from `from`. It follows whatever its sender sent before, so that arrives first;
// then the receiver checks it: in SYN-SENT it must acknowledge the SYN (§3.10.7.3),
// otherwise its sequence number must be exactly RCV.NXT (RFC 5961 §3.2; in the window but
// not RCV.NXT draws a challenge ACK). Taken: both ends are CLOSED. Not taken: no change.
void ConnectionFollower::on_reset(const DecodedSegment& s, int from, SeqNum sender_next) {
  Endpoint& sender = ends_[static_cast<std::size_t>(from)];
  Endpoint& receiver = peer_of(sender);
  deliver_all(1 - from);
  SeqNum seq(s.tcp.seq);
  std::string why;
  bool taken = true;
  if (!receiver.state) {
    why = "the receiver's state is not known: taken as a reset";
  } else if (*receiver.state == State::Closed) {
    taken = false;
    why = "the receiver is already CLOSED";
  } else if (*receiver.state == State::SynSent) {
    taken = s.has(kAck) && SeqNum(s.tcp.ack) == receiver.out.snd_max;
    why = taken ? "SYN-SENT and it acknowledges the SYN (RFC 9293 §3.10.7.3)"
                : "SYN-SENT and it does not acknowledge the SYN (RFC 9293 §3.10.7.3)";
  } else {
    bool exact = seq == sender_next || (receiver.out.acked && seq == receiver.out.last_ack);
    SeqNum left = receiver.out.acked ? receiver.out.last_ack : sender_next;
    bool in_window = receiver.out.have_edge && left <= seq && seq < receiver.out.right_edge;
    taken = exact;
    why = exact       ? "its sequence number is RCV.NXT (RFC 5961 §3.2)"
          : in_window ? "in the window but not RCV.NXT: the receiver sends a challenge ACK "
                        "(RFC 5961 §3.2)"
                      : "its sequence number is outside the receiver's window (RFC 9293 "
                        "§3.10.7.4)";
  }
  anomaly(s, Anomaly{taken ? AnomalyKind::RstAcceptable : AnomalyKind::RstUnacceptable, s.frame,
                     s.time, why});
  if (!taken) return;
  if (sender.state && *sender.state != State::Closed) {
    set_state(s, sender, *sender.state, State::Closed,
              "RFC 9293 §3.10.5 (inferred): it sent a RST that its peer accepts: ABORT, enter "
              "CLOSED");
  }
  if (receiver.state && *receiver.state != State::Closed) {
    set_state(
        s, receiver, *receiver.state, State::Closed,
        fmt::format("RFC 9293 §3.10.7.{} (inferred): {}, an acceptable RST reached it: "
                    "enter CLOSED",
                    *receiver.state == State::SynSent ? 3 : 4, tcp::to_string(*receiver.state)));
  }
}

InspectedConnection ConnectionFollower::summary() const {
  InspectedConnection c;
  c.id = ends_[0].name + ">" + ends_[1].name;
  std::array<EndpointSummary*, 2> sums = {&c.a, &c.b};
  for (std::size_t i = 0; i < 2; ++i) {
    const Endpoint& e = ends_[i];
    EndpointSummary& s = *sums[i];
    s.name = e.name;
    s.last = e.state;
    s.path = e.path;
    s.assumed = e.assumed;
    s.segments = e.out.segments;
    s.bytes = e.out.bytes;
    s.retransmissions = e.out.retransmissions;
  }
  c.first = first_;
  c.last = last_;
  c.anomalies = anomalies_;
  c.handshake_seen = handshake_seen_;
  return c;
}

}  // namespace tcpsim::sim::inspect
