// A simulated end host: a node that runs tcpsim's TCP layer (stack/tcp) on virtual time.
//
// Packets that arrive go to the TCP layer; what it sends leaves by the routed interface;
// its next timer deadline is kept as one pending simulator event. Applications use the
// sockets API through tcp() and call flush() after acting outside a stack callback.
// Every connection event becomes a trace event when a trace sink listens.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/net/node.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

// Told about every state transition on a host (the CLI ladder and capture comments).
class HostListener {
 public:
  virtual ~HostListener() = default;
  // `packet_id` is the id of the packet being processed when the transition happened,
  // or 0 when a user call or a timer caused it.
  virtual void on_transition(Nanos now, const class Host& host, const tcp::Connection& conn,
                             tcp::State from, tcp::State to, std::string_view rule,
                             std::uint64_t packet_id) = 0;
};

class Host final : public Node,
                   private EventHandler,
                   private tcp::ConnectionObserver,
                   private tcp::StackObserver {
 public:
  Host(std::string name, const tcp::TcpConfig& config, std::vector<wire::IpAddress> addresses,
       std::uint64_t secret);
  ~Host() override;

  tcp::TcpStack& tcp() { return stack_; }
  const tcp::TcpStack& tcp() const { return stack_; }
  const std::vector<wire::IpAddress>& addresses() const { return addresses_; }
  // First address of the family, or nullptr.
  const wire::IpAddress* address(wire::IpAddress::Family f) const;
  Nanos now() const;

  // Sends whatever the TCP layer has ready and re-arms the timer. Call after a socket call
  // made outside a stack callback.
  void flush();

  void add_listener(HostListener& l) { listeners_.push_back(&l); }
  // Exact routes; by default everything leaves by the first interface.
  void add_route(const wire::IpAddress& destination, Interface& out);

  // Counters for summaries.
  std::uint64_t packets_sent() const { return packets_sent_; }
  std::uint64_t packets_received() const { return packets_received_; }
  // Frame bytes (Ethernet + IP + TCP + payload) sent and received.
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t bytes_received() const { return bytes_received_; }
  std::uint64_t rsts_received() const { return rsts_received_; }
  std::uint64_t bad_checksums() const { return bad_checksums_; }
  // Retransmissions per connection ("10.0.0.1:40000>10.0.0.2:80"), kept after the
  // connection is gone.
  std::uint64_t retransmissions(const std::string& conn_id) const;
  // Every state a connection on this host entered, in order (for scenario checks).
  const std::vector<tcp::State>& states_entered() const { return states_entered_; }

  void receive(Nanos now, Packet&& packet, Interface& in) override;
  const tcp::Connection* sender_of(const Packet& packet) const override;

 protected:
  void on_interface_added(Interface& iface) override;

 private:
  void on_event(Nanos now, std::uint64_t tag) override;
  void rearm();
  Interface* route(const wire::IpAddress& dst);
  std::string conn_id(const tcp::Connection& c) const;

  // tcp::ConnectionObserver
  void on_state(const tcp::Connection& c, Nanos now, tcp::State from, tcp::State to,
                std::string_view rule) override;
  void on_timer(const tcp::Connection& c, Nanos now, tcp::TimerKind k, tcp::TimerAction a,
                Nanos deadline) override;
  void on_cwnd(const tcp::Connection& c, Nanos now, std::uint32_t cwnd, std::uint32_t ssthresh,
               std::uint32_t in_flight, std::uint32_t pipe) override;
  void on_rtt(const tcp::Connection& c, Nanos now, Nanos sample, Nanos srtt, Nanos rttvar,
              Nanos rto) override;
  void on_drop(const tcp::Connection& c, Nanos now, const tcp::Segment& s,
               tcp::DropReason r) override;
  void on_retransmit(const tcp::Connection& c, Nanos now, std::uint32_t seq, std::uint32_t len,
                     std::string_view why) override;
  // tcp::StackObserver
  void on_unmatched(Nanos now, const tcp::IpSegment& s, tcp::DropReason r, bool answered) override;
  void on_syn_cookie_sent(Nanos now, const tcp::IpSegment& syn, std::uint32_t isn,
                          const tcp::CookieOptions& opts) override;
  void on_syn_cookie_accepted(Nanos now, const tcp::Connection& c,
                              const tcp::CookieOptions& opts) override;

  tcp::TcpStack stack_;
  std::vector<wire::IpAddress> addresses_;
  std::vector<std::pair<wire::IpAddress, Interface*>> routes_;
  std::vector<HostListener*> listeners_;
  std::vector<tcp::IpSegment> out_;
  // The TCP layer's next deadline moves on nearly every segment (the retransmission timer
  // restarts on each ACK), nearly always later. Rather than cancel and schedule an event
  // each time, the host keeps one event: when the deadline moves later the event stays,
  // and when it fires early it schedules itself again at the deadline, in the place among
  // same-time events reserved when the deadline was set (so events fire exactly where a
  // freshly scheduled one would have).
  EventId timer_event_;          // the pending event, if any
  Nanos event_at_ = kNever;      // its time
  Nanos timer_at_ = kNever;      // the deadline wanted (as the TCP layer gave it)
  Nanos fire_at_ = kNever;       // when it fires: the deadline, or now if that has passed
  Reservation fire_place_;       // its place among events at that time, until scheduled
  bool fire_scheduled_ = false;  // the pending event is the wanted one itself
  std::uint64_t current_packet_ = 0;
  bool flushing_ = false;
  std::uint64_t packets_sent_ = 0, packets_received_ = 0, rsts_received_ = 0;
  std::uint64_t bad_checksums_ = 0;
  std::uint64_t bytes_sent_ = 0, bytes_received_ = 0;
  std::vector<tcp::State> states_entered_;
  std::map<std::string, std::uint64_t> retransmissions_;
};

}  // namespace tcpsim::sim
