// The checks on one segment that do not depend on connection state: retransmission and
// spurious retransmission (RFC 2883 D-SACK), data outside the advertised window (RFC 9293
// §3.8.6), zero windows and their opening, duplicate ACKs (RFC 5681 §2). They update the
// two directions' bookkeeping after checking.
#pragma once

#include <vector>

#include "sim/inspect/anomaly.hpp"
#include "sim/inspect/capture_decoder.hpp"
#include "sim/inspect/flow.hpp"

namespace tcpsim::sim::inspect {

// `sender` is the direction the segment travels in, `receiver` the opposite one (whose
// ACKs and windows describe what `sender` may send). Anomalies found are appended to `out`.
void check_segment(const DecodedSegment& s, Flow& sender, Flow& receiver,
                   std::vector<Anomaly>& out);

// The shift that applies to windows `from` advertises: its own offer, when both SYNs were
// seen and both offered scaling (RFC 7323 §2.2); 0 when either did not. nullopt when the
// handshake was not seen, so the scale is unknown.
std::optional<int> window_shift(const Flow& from, const Flow& other);

}  // namespace tcpsim::sim::inspect
