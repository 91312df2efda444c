// Random faults on one direction of a link: loss, bursty loss, reordering, duplication
// and corruption. Each fault draws from its own Rng stream (forked by name), and each
// enabled fault draws for every packet whatever the others decide, so turning one fault
// on or changing its rate never shifts another's decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/rng.hpp"
#include "sim/net/drop_cause.hpp"
#include "sim/net/status.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

// Gilbert-Elliott two-state loss. Per packet, the state first moves (good->bad with
// probability p, bad->good with probability r), then the packet is lost with the current
// state's loss probability. With the defaults (no loss when good, all lost when bad) the
// mean loss burst is 1/r packets and the long-run loss rate p/(p+r). A scenario's [[link]]
// starts from other defaults (sim/net/link_keys.cpp): r = 0.5 and loss_bad = 1 when p is
// set, and 0 for both when it is not.
struct GilbertElliott {
  double p = 0;          // good -> bad, per packet; 0 turns the model off
  double r = 1;          // bad -> good, per packet
  double loss_good = 0;  // loss probability in the good state
  double loss_bad = 1;   // loss probability in the bad state

  bool enabled() const { return p > 0; }
  bool operator==(const GilbertElliott&) const = default;
};

struct FaultParams {
  double loss = 0;  // Bernoulli loss probability
  GilbertElliott burst;
  double reorder = 0;       // fraction of packets held back by reorder_delay
  Nanos reorder_delay = 0;  // extra propagation delay of a reordered packet
  double duplicate = 0;     // fraction delivered twice
  double corrupt = 0;       // fraction with one bit flipped on the wire

  bool any() const {
    return loss > 0 || burst.enabled() || reorder > 0 || duplicate > 0 || corrupt > 0;
  }
  // Probabilities must lie in [0, 1]; a reorder fraction needs a positive reorder_delay.
  // Messages start with `where`, e.g. "link A->B: loss must be a probability in [0, 1]
  // (got 1.5)".
  Status validate(std::string_view where) const;

  bool operator==(const FaultParams&) const = default;
};

// What the wire does to one packet.
struct WireFate {
  std::optional<DropCause> drop;
  Nanos extra_delay = 0;
  bool corrupt = false;
  bool duplicate = false;
};

class FaultStage {
 public:
  // `stream` is the link direction's own stream; one child is forked per fault.
  explicit FaultStage(const Rng& stream);

  const FaultParams& params() const { return params_; }
  void set_params(const FaultParams& params) { params_ = params; }
  bool active() const { return params_.any(); }

  // Draws the fate of the next packet onto the wire.
  WireFate decide();
  // Which of `nbits` bits to flip in a corrupted packet (from the corruption stream).
  std::uint64_t pick_bit(std::uint64_t nbits) { return corrupt_rng_.uniform(nbits); }

  bool in_bad_state() const { return bad_; }

 private:
  FaultParams params_;
  Rng loss_rng_;
  Rng burst_rng_;
  Rng reorder_rng_;
  Rng duplicate_rng_;
  Rng corrupt_rng_;
  bool bad_ = false;
};

}  // namespace tcpsim::sim
