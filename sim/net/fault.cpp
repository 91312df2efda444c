#include "sim/net/fault.hpp"

#include <fmt/core.h>

#include "sim/net/link_keys.hpp"

namespace tcpsim::sim {

Status FaultParams::validate(std::string_view where) const {
  // Ranges from the link key table; what is left are the rules between two keys.
  if (Status s = validate_link_keys(where, LinkParams{}, *this); !s) return s;
  if (burst.enabled() && burst.r == 0) {
    return fail_with(Errc::Conflict,
                     fmt::format("{}: burst_r (bad to good) must be greater than 0 when burst_p "
                                 "is set, or the link never leaves the bad state",
                                 where),
                     std::string(where));
  }
  if (reorder > 0 && reorder_delay == 0) {
    return fail_with(Errc::Conflict,
                     fmt::format("{}: reorder needs a reorder delay greater than 0", where),
                     std::string(where));
  }
  return ok_status();
}

FaultStage::FaultStage(const Rng& stream)
    : loss_rng_(stream.fork("loss")),
      burst_rng_(stream.fork("burst")),
      reorder_rng_(stream.fork("reorder")),
      duplicate_rng_(stream.fork("duplicate")),
      corrupt_rng_(stream.fork("corrupt")) {}

WireFate FaultStage::decide() {
  WireFate fate;
  const FaultParams& f = params_;
  // Every enabled fault draws, whatever the earlier ones decided (see the header).
  bool lost = f.loss > 0 && loss_rng_.bernoulli(f.loss);
  bool burst_lost = false;
  if (f.burst.enabled()) {
    bad_ = bad_ ? !burst_rng_.bernoulli(f.burst.r) : burst_rng_.bernoulli(f.burst.p);
    burst_lost = burst_rng_.bernoulli(bad_ ? f.burst.loss_bad : f.burst.loss_good);
  }
  bool reordered = f.reorder > 0 && reorder_rng_.bernoulli(f.reorder);
  fate.duplicate = f.duplicate > 0 && duplicate_rng_.bernoulli(f.duplicate);
  fate.corrupt = f.corrupt > 0 && corrupt_rng_.bernoulli(f.corrupt);
  if (lost) {
    fate.drop = DropCause::Loss;
  } else if (burst_lost) {
    fate.drop = DropCause::BurstLoss;
  }
  if (reordered) fate.extra_delay = f.reorder_delay;
  return fate;
}

}  // namespace tcpsim::sim
