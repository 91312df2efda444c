// The observer's RFC 9293 state machine for one connection: both endpoints' states inferred
// from the segments a capture holds, as a host on the path would see them.
//
// Timing. A segment is captured at one point, not where it arrives. A segment that sends
// its sender into a state (SYN, FIN, RST) does so when captured. One that occupies sequence
// space (SYN, data, FIN) reaches its receiver, for the inference, when the receiver shows
// it has it: the first segment from the receiver whose ACK covers it (every segment carries
// RCV.NXT). Segments between two ends arrive in the order they were sent, so a later
// segment that reaches the receiver brings the earlier ones first. A segment with no
// sequence space (a pure ACK, a RST) reaches its receiver when captured. Segments never
// shown to arrive by the end of the capture change nothing. docs/inspect.md gives the rules.
#pragma once

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sim/inspect/anomaly.hpp"
#include "sim/inspect/capture_decoder.hpp"
#include "sim/inspect/connection_summary.hpp"
#include "sim/inspect/flow.hpp"
#include "sim/inspect/in_flight.hpp"
#include "sim/trace/trace_event.hpp"
#include "stack/tcp/state.hpp"

namespace tcpsim::sim::inspect {

// "10.0.0.1:40000", or "[2001:db8::1]:40000" for IPv6.
std::string endpoint_name(const wire::IpAddress& addr, std::uint16_t port);

class ConnectionFollower {
 public:
  // `first` is the first segment seen of the connection; events go to `out`.
  ConnectionFollower(const DecodedSegment& first, std::vector<TraceEvent>& out);

  // Whether `s` belongs to this connection (either direction).
  bool matches(const DecodedSegment& s) const;
  // Whether a SYN on the same addresses and ports starts a new connection: both ends
  // are CLOSED, TIME-WAIT or unknown, and it is not a resend of the SYN seen.
  bool ended_for(const DecodedSegment& syn) const;

  void on_segment(const DecodedSegment& s);

  InspectedConnection summary() const;

 private:
  struct Endpoint {
    std::string name;
    wire::IpAddress addr;
    std::uint16_t port = 0;
    std::optional<tcp::State> state;  // nullopt: nothing seen shows it yet
    bool assumed = false;
    bool fin_received = false;
    std::vector<tcp::State> path;  // see EndpointSummary::path
    Flow out;                      // what this end sends
    InFlight inbound;              // sent to it, not yet shown to have arrived
  };

  int side_of(const DecodedSegment& s) const;
  void start_mid_stream(const DecodedSegment& s, int from);
  void on_reset(const DecodedSegment& s, int from, SeqNum sender_next);
  void on_sent(const DecodedSegment& s, int from, bool new_fin);
  // Delivers to `to` what it was sent, up to and including the last segment whose sequence
  // space ends at or before `ack`.
  void deliver_covered(int to, SeqNum ack);
  void deliver_all(int to);
  void deliver(const DecodedSegment& s, int to);
  void deliver_syn(const DecodedSegment& s, Endpoint& e);
  void deliver_ack(const DecodedSegment& s, Endpoint& e);
  void deliver_fin(const DecodedSegment& s, Endpoint& e);
  // `at` is the segment that caused the change (its frame is the event's "cause").
  void set_state(const DecodedSegment& at, Endpoint& e, tcp::State from, tcp::State to,
                 const std::string& rule);
  void anomaly(const DecodedSegment& at, const Anomaly& a);
  Endpoint& peer_of(const Endpoint& e);

  std::vector<TraceEvent>* out_;
  std::array<Endpoint, 2> ends_;
  Nanos first_ = 0;
  Nanos last_ = 0;
  Nanos now_ = 0;  // the frame being followed
  std::uint64_t now_frame_ = 0;
  std::uint64_t anomalies_ = 0;
  bool handshake_seen_ = false;
  bool any_ = false;
};

}  // namespace tcpsim::sim::inspect
