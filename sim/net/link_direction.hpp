// One direction of a link: the sending interface's queue (drop_tail_queue.hpp), the
// transmitter that serializes at the link rate, and the wire, which adds propagation delay
// and faults. It is built with a LinkEnvironment (the scheduler, the packet reporter, the
// scripted faults, packet ids) and knows nothing else of the network around it.
//
// A packet's life here:
//   send()        MTU check, then straight onto the wire if the transmitter is idle and
//                 nothing waits, else into the queue (or dropped: queue-full);
//   transmit      at the start of transmission: egress taps see the frame, scripted rules
//                 and random faults decide its fate (drop, extra delay, corruption,
//                 duplication); the transmitter is busy for size*8/rate;
//   arrival       serialization + propagation (+ extra) later: ingress taps, a corrupted
//                 frame is parsed with checksums on and dropped, and the far node gets
//                 the packet.
// Steady state allocates nothing: the queue is a ring, packets waiting to arrive sit in a
// ring of their own, and the simulator's events carry only a tag. Packets on the wire
// nearly always arrive in the order they left, so only the first of them has an event in
// the simulator's agenda; the rest keep the place in the order of events they took when
// they left (Simulator::reserve), which their event gets when its turn comes. A packet
// that would overtake one sent before it (a reorder or scripted delay held the earlier one
// back) gets an event of its own at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/net/drop_cause.hpp"
#include "sim/net/drop_tail_queue.hpp"
#include "sim/net/environment.hpp"
#include "sim/net/fault.hpp"
#include "sim/net/link_params.hpp"
#include "sim/net/packet.hpp"
#include "sim/net/ring_queue.hpp"
#include "sim/net/tap.hpp"

namespace tcpsim::sim {

class Interface;
struct ScriptedRule;

struct LinkStats {
  std::uint64_t packets_offered = 0;  // handed to send()
  std::uint64_t packets_sent = 0;     // transmissions started
  std::uint64_t bytes_sent = 0;       // wire bytes of those
  std::uint64_t packets_delivered = 0;
  std::uint64_t bytes_delivered = 0;
  std::uint64_t reordered = 0;  // held back by the reorder fault
  std::uint64_t delayed = 0;    // held back by a scripted delay
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t ce_marked = 0;  // ECN-capable packets marked CE on joining the queue
  std::array<std::uint64_t, kDropCauseCount> drops{};

  std::uint64_t dropped(DropCause cause) const { return drops[static_cast<std::size_t>(cause)]; }
  std::uint64_t dropped_total() const;
};

class LinkDirection final : public EventHandler {
 public:
  // Refuses invalid params with std::invalid_argument (the text of LinkParams::validate).
  LinkDirection(const LinkEnvironment& env, Interface& from, Interface& to,
                const LinkParams& params);
  ~LinkDirection();
  LinkDirection(const LinkDirection&) = delete;
  LinkDirection& operator=(const LinkDirection&) = delete;

  // "A->B", by node names.
  const std::string& name() const { return name_; }
  Interface& from() const { return *from_; }
  Interface& to() const { return *to_; }

  const LinkParams& params() const { return params_; }
  // Takes effect for the next transmission. Invalid params: std::invalid_argument.
  void set_params(const LinkParams& params);
  const FaultParams& faults() const { return faults_.params(); }
  // Invalid params: std::invalid_argument.
  void set_faults(const FaultParams& faults);

  const LinkStats& stats() const { return stats_; }
  // The packets waiting behind the one being transmitted, with the queue's own counters
  // (the longest it has been, ...).
  const DropTailQueue& queue() const { return queue_; }
  // The transmitter is busy until this time (in the past when idle).
  Nanos busy_until() const { return busy_until_; }

  // The sending interface hands over a packet at `now` (the simulator's current time).
  void send(Nanos now, Packet&& packet);

  void add_tap(Tap& tap, TapPoint point);
  void remove_tap(Tap& tap, TapPoint point);

  void on_event(Nanos now, std::uint64_t tag) override;

 private:
  struct Travelling {
    Packet packet;
    std::uint32_t bytes = 0;
    Nanos arrival = 0;  // in_order_ only
    Reservation place;  // in_order_ only: its place among events, until scheduled
  };

  static constexpr std::uint64_t kTransmitterFree = 0;
  static constexpr std::uint64_t kInOrderArrival = 1;
  static constexpr std::uint64_t kFirstSlotTag = 2;  // travelling_[tag - kFirstSlotTag]

  void transmit(Nanos now, QueuedPacket&& w);
  void schedule_transmitter_free();
  void launch(Nanos arrival, Packet&& packet, std::uint32_t bytes);
  void arrive(Nanos now, Packet&& packet, std::uint32_t bytes);
  void drop(Nanos now, const Packet& packet, DropCause cause, const ScriptedRule* rule = nullptr,
            std::string_view detail = {});
  void choose_corrupt_bit(Packet& packet, std::uint32_t bytes);
  std::span<const std::uint8_t> frame_of(const Packet& packet, bool flip_corrupt_bit);
  void run_taps(Nanos now, const std::vector<Tap*>& taps, const Packet& packet);

  LinkEnvironment env_;
  Interface* from_;
  Interface* to_;
  std::string name_;
  LinkParams params_;
  FaultStage faults_;

  DropTailQueue queue_;
  Nanos busy_until_ = 0;
  bool free_event_pending_ = false;

  RingQueue<Travelling> in_order_;      // arrivals in non-decreasing time; the front's is scheduled
  std::vector<Travelling> travelling_;  // ones that overtake: each scheduled on its own
  std::vector<std::uint32_t> free_travel_slots_;

  std::vector<Tap*> egress_taps_;
  std::vector<Tap*> ingress_taps_;
  LinkStats stats_;
};

}  // namespace tcpsim::sim
